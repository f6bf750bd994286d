"""What scenes holds about a resident, for their data download and account deletion.

Registered with ``accounts.personal_data`` in ``ScenesConfig.ready()``. Deleting an
account frees its seats (the waitlist moves up), takes it out of its groups (a group it
leads passes to another member, or is dissolved when nobody is left) and deletes
invitations to its number.
"""

from accounts import personal_data
from accounts.models import User
from scenes.models import EventRegistration, Group, GroupInvitation, GroupMembership
from scenes.services.group_invitations import invite_phone_hash
from scenes.services.groups import group_memberships_erase_for
from scenes.services.registrations import registrations_erase_for


def registrations_export(user: User) -> list[dict]:
    rows = (
        EventRegistration.objects.filter(resident=user)
        .select_related("event__venue", "event__room")
        .order_by("created_at", "pk")
    )
    return [
        {
            "event_id": r.event_id,
            "event": r.event.title,
            "venue": r.event.venue.name,
            "room": r.event.room.name,
            "starts_at": r.event.starts_at,
            "ends_at": r.event.ends_at,
            "status": r.status,
            "registered_at": r.created_at,
            "promoted_at": r.promoted_at,
            "cancelled_at": r.cancelled_at,
        }
        for r in rows
    ]


def memberships_export(user: User) -> list[dict]:
    rows = GroupMembership.objects.filter(user=user).select_related("group").order_by("joined_at")
    return [
        {"group_id": m.group_id, "group": m.group.name, "role": m.role, "joined_at": m.joined_at}
        for m in rows
    ]


def groups_created_export(user: User) -> list[dict]:
    return [
        {"group_id": g.pk, "name": g.name, "description": g.description, "created_at": g.created_at}
        for g in Group.objects.filter(created_by=user).order_by("created_at", "pk")
    ]


def invitations_sent_export(user: User) -> list[dict]:
    rows = (
        GroupInvitation.objects.filter(invited_by=user)
        .select_related("group")
        .order_by("created_at", "pk")
    )
    return [
        {"group": i.group.name, "phone": i.phone_masked, "invited_at": i.created_at} for i in rows
    ]


def invitations_received_export(user: User) -> list[dict]:
    if not user.phone:
        return []
    rows = (
        GroupInvitation.objects.filter(phone_hash=invite_phone_hash(user.phone))
        .select_related("group")
        .order_by("created_at", "pk")
    )
    return [
        {
            "group": i.group.name,
            "status": i.status,
            "invited_at": i.created_at,
            "expires_at": i.expires_at,
            "answered_at": i.answered_at,
        }
        for i in rows
    ]


def register() -> None:
    personal_data.register(
        "event_registrations", export=registrations_export, erase=registrations_erase
    )
    # One eraser covers the four group sections: leadership must be handed over before the
    # memberships, groups and invitations lose the person.
    personal_data.register("group_memberships", export=memberships_export, erase=groups_erase)
    personal_data.register("groups_created", export=groups_created_export)
    personal_data.register("group_invitations_sent", export=invitations_sent_export)
    # Invitations are what others sent to the number: they do not make a new account that
    # declines the privacy statement worth keeping.
    personal_data.register(
        "group_invitations_received", export=invitations_received_export, keeps_account=False
    )


def registrations_erase(user: User) -> None:
    registrations_erase_for(user=user)


def groups_erase(user: User) -> None:
    group_memberships_erase_for(user=user)
