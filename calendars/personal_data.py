"""A resident's feed URLs in their data download, and gone with their account."""

from accounts import personal_data
from calendars.models import FeedToken


def _export(user) -> list[dict]:
    # The secret itself is not stored (only its hash), so the download says which feeds
    # are on and since when.
    return [
        {"feed": t.group.name if t.group else "personal", "created_at": t.created_at}
        for t in FeedToken.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _erase(user) -> None:
    FeedToken.objects.filter(user=user).delete()


def register() -> None:
    # A feed URL alone is not activity worth keeping an account for.
    personal_data.register("calendar_feeds", export=_export, erase=_erase, keeps_account=False)
