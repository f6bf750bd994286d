from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "scenes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from scenes import schedule_cache  # noqa: F401  (connects the schedule-token signals)
        from scenes.event_views import venue_events_panel
        from scenes.panels import now_panel, week_days
        from spaces.extensions import (
            register_day_detail,
            register_operator_link,
            register_venue_panel,
        )

        register_operator_link("scenes", label=_("场景安排"), url_name="scenes:planner", order=30)
        register_operator_link(
            "events", label=_("活动"), url_name="scenes:operate-events", order=40
        )
        register_operator_link(
            "groups", label=_("自组织审核"), url_name="scenes:operate-groups", order=50
        )

        # "现在：公益时段（至 18:00），之后：商业时段" under the open/closed badge, and each
        # day's scene bands under that day's opening hours (one block for the week).
        register_venue_panel(
            "scenes.now",
            template="scenes/_now_panel.html",
            context=now_panel,
            order=10,
            slot="status",
        )
        register_day_detail(
            "scenes",
            template="scenes/_day_scenes.html",
            legend="scenes/_scene_legend.html",
            context=week_days,
            script="js/planner.js",
        )

        # What is on now and next, with register buttons, before the week's hours.
        register_venue_panel(
            "scenes.events",
            template="scenes/events/_venue_panel.html",
            context=venue_events_panel,
            order=60,
            slot="now",
        )

        # A scene change that closes time a published event needs asks the operator first
        # (keep the event as an exception, or cancel it and tell its registrants).
        from scenes import event_impact
        from scenes.impact import register_impact_provider

        register_impact_provider(
            "events",
            find=event_impact.find,
            keep=event_impact.keep,
            cancel=event_impact.cancel,
            default_message=event_impact.default_message,
        )

        # A resident's registrations, groups and invitations in their data download, and
        # erased (seats freed, leadership handed over) when they delete their account.
        from scenes import personal_data

        personal_data.register()

        # Tapping 报名 before signing in registers once sign-in (and consent) is done.
        from accounts import resume
        from scenes import event_resume

        resume.register(
            event_resume.KIND, event_resume.finish_event_register, label=event_resume.resume_label
        )
