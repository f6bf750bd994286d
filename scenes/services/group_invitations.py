"""Joining a group: by accepting an invitation to one's phone number, or with its invite code.

Nobody may learn from Linli whether a phone number has an account, nor be put in a group
without saying yes. So a leader's invitation is stored for any valid number, as an HMAC of
the number (``invite_phone_hash``), and every answer to the leader is the same whether the
number is registered or not: how many numbers were invited. The invitation shows up for
whoever signs in with that number (now or later); they accept or decline it. Until they
accept, the leader sees only the masked number they typed themselves. A declined invitation
still looks pending to the leader until it expires, so a "no" tells them nothing either.

Creating groups and sending invitations are throttled per resident (database limits, as
for sign-in codes) so that neither can be used to spam people.
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.phone import mask_phone, normalise_phone
from accounts.ratelimits import Limit, full_window_wait, human_wait, serialise, whole_seconds
from linli.errors import DomainError, NotFound, PermissionDenied, RateLimited
from linli.text import join_list
from scenes.models import Group, GroupInvitation, GroupMembership
from scenes.models.groups import INVITE_CODE_LENGTH, new_invite_code

INVITES_MAX = 200  # numbers in one request
INVITE_TTL = dt.timedelta(days=30)
INVITE_LIMITS = (Limit(dt.timedelta(hours=1), INVITES_MAX), Limit(dt.timedelta(days=1), 500))


def require_resident(user) -> None:
    """Groups and registrations belong to residents: signed in, with a verified phone."""
    if not (user and user.is_authenticated and user.is_active and getattr(user, "phone", None)):
        raise PermissionDenied(_("请先用手机号登录。"), code="not_resident")


def require_leader(*, user, group: Group) -> None:
    is_leader = GroupMembership.objects.filter(
        group=group, user_id=getattr(user, "pk", None), role=GroupMembership.Role.LEADER
    ).exists()
    if not is_leader:
        raise PermissionDenied(_("只有自组织负责人可以进行此操作。"), code="not_group_leader")


def invite_phone_hash(phone: str) -> str:
    return salted_hmac("scenes.GroupInvitation", phone, algorithm="sha256").hexdigest()


def throttle(queryset, limits: Iterable[Limit], *, now: dt.datetime, message, adding: int = 1):
    """Raise RateLimited when ``queryset`` (the actor's recent rows) has no room for more.

    ``message`` has a ``%(wait)s`` placeholder. Call inside the transaction, after
    ``serialise`` on the actor, so simultaneous requests are counted one after the other.
    """
    waits = [full_window_wait(queryset, limit, now, adding=adding) for limit in limits]
    waits = [w for w in waits if w is not None]
    if waits:
        seconds = whole_seconds(max(waits))
        raise RateLimited(message % {"wait": human_wait(seconds)}, retry_after=seconds)


def clean_invite_phones(phones: Iterable[str]) -> list[str]:
    """The distinct mainland mobile numbers typed, in order; every malformed one is named.

    Says nothing about accounts: a well-formed number is accepted whoever it belongs to.
    """
    raw = [str(p).strip() for p in phones if str(p).strip()]
    if len(raw) > INVITES_MAX:
        raise DomainError(
            _("一次最多邀请 %(n)s 个号码。") % {"n": INVITES_MAX}, code="invalid", field="members"
        )
    malformed = [p for p in raw if normalise_phone(p) is None]
    if malformed:
        raise DomainError(
            _("以下号码不是有效的手机号：%(phones)s") % {"phones": join_list(malformed)},
            code="invalid_phone",
            field="members",
        )
    return list(dict.fromkeys(normalise_phone(p) for p in raw))


def invitations_create(*, user, group: Group, phones: list[str], now: dt.datetime) -> None:
    """Invite ``phones`` to ``group`` (the caller checked leadership and holds a transaction).

    Inviting a number again renews a pending invitation; one that was declined stays
    declined, so a leader cannot pester someone who said no. Its dates are renewed all the
    same: only someone with an account can decline, so a row that kept its old date would
    tell the leader the number has one.
    """
    phones = [p for p in phones if p != user.phone]
    by_hash = {invite_phone_hash(p): p for p in phones}
    existing = {
        i.phone_hash: i
        for i in GroupInvitation.objects.select_for_update().filter(
            group=group, phone_hash__in=by_hash
        )
    }
    new = [h for h in by_hash if h not in existing]
    renew = [
        i.pk
        for i in existing.values()
        if i.status in (GroupInvitation.Status.PENDING, GroupInvitation.Status.DECLINED)
    ]
    throttle(
        GroupInvitation.objects.filter(invited_by=user),
        INVITE_LIMITS,
        now=now,
        adding=len(new) + len(renew),
        message=_("邀请发送过于频繁，请 %(wait)s后再试。"),
    )
    GroupInvitation.objects.filter(pk__in=renew).update(
        invited_by=user, created_at=now, expires_at=now + INVITE_TTL
    )
    GroupInvitation.objects.bulk_create(
        [
            GroupInvitation(
                group=group,
                phone_hash=h,
                phone_masked=mask_phone(by_hash[h]),
                invited_by=user,
                created_at=now,
                expires_at=now + INVITE_TTL,
            )
            for h in new
        ]
    )


@dataclass(frozen=True)
class Invited:
    """The whole answer to an invitation request: the same for registered and unknown numbers."""

    count: int


def group_invite(*, user, group: Group, phones: Iterable[str]) -> Invited:
    """The leader invites phone numbers; each person joins only once they accept."""
    require_leader(user=user, group=group)
    numbers = clean_invite_phones(phones)
    if not numbers:
        raise DomainError(_("请至少填写一个手机号。"), code="invalid", field="members")
    with transaction.atomic():
        serialise(f"group-invitations:{user.pk}")
        invitations_create(user=user, group=group, phones=numbers, now=timezone.now())
    return Invited(count=len([n for n in numbers if n != user.phone]))


def _pending_for(user, invitation_id: int) -> GroupInvitation:
    """The user's own open invitation, locked; anyone else's is simply not found."""
    invitation = (
        GroupInvitation.objects.select_for_update()
        .select_related("group")
        .filter(
            pk=invitation_id,
            phone_hash=invite_phone_hash(user.phone),
            status=GroupInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise NotFound(_("找不到该邀请，可能已过期或已处理。"), code="invitation_not_found")
    return invitation


def _join(*, user, group: Group) -> None:
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, user=user)], ignore_conflicts=True
    )


def group_invitation_accept(*, user, invitation_id: int) -> Group:
    """Say yes: join the group. From now on its members see the resident's name."""
    require_resident(user)
    with transaction.atomic():
        invitation = _pending_for(user, invitation_id)
        _join(user=user, group=invitation.group)
        invitation.status = GroupInvitation.Status.ACCEPTED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
    return invitation.group


def group_invitation_decline(*, user, invitation_id: int) -> None:
    """Say no. The leader is not told; the invitation just never turns into a member."""
    require_resident(user)
    with transaction.atomic():
        invitation = _pending_for(user, invitation_id)
        invitation.status = GroupInvitation.Status.DECLINED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])


def parse_invite_code(raw: str | None) -> str:
    """What was typed, as a code: full-width letters, spaces and lower case are forgiven."""
    return "".join(unicodedata.normalize("NFKC", str(raw or "")).split()).upper()


def group_by_invite_code(*, code: str) -> Group:
    code = parse_invite_code(code)
    group = Group.objects.filter(invite_code=code).first() if code else None
    if group is None:
        raise DomainError(
            _("邀请码不对或已失效，请向自组织负责人确认。"),
            code="invite_code_invalid",
            field="code",
        )
    return group


def group_join(*, user, code: str) -> Group:
    """Join with the code (or link) the leader shared; joining twice changes nothing."""
    require_resident(user)
    group = group_by_invite_code(code=code)
    with transaction.atomic():
        _join(user=user, group=group)
        GroupInvitation.objects.filter(
            group=group,
            phone_hash=invite_phone_hash(user.phone),
            status=GroupInvitation.Status.PENDING,
        ).update(status=GroupInvitation.Status.ACCEPTED, answered_at=timezone.now())
    return group


def group_invite_code_reset(*, user, group: Group) -> str:
    """A new code for the group; the old link stops working (it was shared too widely)."""
    require_leader(user=user, group=group)
    for _attempt in range(5):
        code = new_invite_code()
        try:
            with transaction.atomic():
                Group.objects.filter(pk=group.pk).update(invite_code=code)
        except IntegrityError:
            continue
        group.invite_code = code
        return code
    raise RuntimeError(f"no free {INVITE_CODE_LENGTH}-character invite code in 5 tries")
