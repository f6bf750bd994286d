from django.db import migrations, models


class Migration(migrations.Migration):
    """When an exception was made (metrics: predictability). Existing rows stay null, read
    as "made before this was recorded", i.e. on time: the column is added without
    auto_now_add first, because adding it with auto_now_add would stamp every existing row
    with the migration's own time and make old closures look late."""

    dependencies = [
        ("spaces", "0003_venue_schedule_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="openingexception",
            name="created_at",
            field=models.DateTimeField(null=True, verbose_name="创建时间"),
        ),
        migrations.AlterField(
            model_name="openingexception",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True,
                help_text="为空：在开始记录创建时间之前设置，视为按时公布。",
                null=True,
                verbose_name="创建时间",
            ),
        ),
    ]
