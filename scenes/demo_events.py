"""Demo groups and events at 五福茶馆 (called by scenes/demo.py once scenes exist).

Everything is dated relative to today in Asia/Shanghai and created through the services,
so the demo also proves the rules accept a realistic week: a weekly 品茶议事 with community
staff, the 五福合唱团 approved to rehearse in 长者空间, and a small class that is full with a
waitlist (张阿姨, the first demo resident, is second in line).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from scenes.models import Event, Group, GroupVenueApproval
from scenes.services.events import event_publish
from scenes.services.group_invitations import group_join
from scenes.services.groups import group_approval_decide, group_create, group_request_approval
from scenes.services.registrations import event_register
from spaces.models import Venue, VenueRole

ZONE = ZoneInfo("Asia/Shanghai")
TEAHOUSE = "五福茶馆"
RESIDENTS = {
    "13800000001": "张阿姨",
    "13800000002": "李叔",
    "13800000003": "王奶奶",
    "13800000004": "刘大爷",
    "13800000005": "陈姐",
}
MONDAY, WEDNESDAY, THURSDAY, FRIDAY = 0, 2, 3, 4
CHOIR = "五福合唱团"
TEA_TITLE = "品茶议事"


def next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` strictly after ``today`` (so every demo event is upcoming)."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _residents() -> dict[str, User]:
    """The demo residents from accounts.demo; created here when that demo has not run."""
    people = {}
    for phone, name in RESIDENTS.items():
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(username=phone, phone=phone, display_name=name)
            user.set_unusable_password()
            user.privacy_consent_at = timezone.now()
            from accounts.privacy import PRIVACY_POLICY_VERSION

            user.privacy_consent_version = PRIVACY_POLICY_VERSION
            user.save()
        people[phone] = user
    return people


def _operator(venue: Venue) -> User:
    role = (
        VenueRole.objects.filter(venue=venue, role=VenueRole.Role.OPERATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is None:
        raise RuntimeError(f"scenes.demo_events: {TEAHOUSE} has no operator (run spaces.demo)")
    return role.user


def _choir(leader: User, members: list[User], venue: Venue, operator: User) -> Group:
    group = Group.objects.filter(name=CHOIR).first()
    if group is None:
        group = group_create(
            user=leader,
            name=CHOIR,
            description="社区居民自发组织的合唱团，每周五下午在长者空间排练，欢迎爱唱歌的邻居加入。",
        )
        # The members joined with the code the leader shared in the neighbours' chat group.
        for member in members:
            group_join(user=member, code=group.invite_code)
    approval = GroupVenueApproval.objects.filter(group=group, venue=venue).first()
    if approval is None:
        approval = group_request_approval(user=leader, group=group, venue=venue)
    if approval.status != GroupVenueApproval.Status.APPROVED:
        group_approval_decide(
            user=operator, approval=approval, approve=True, note="欢迎！排练请注意音量。"
        )
    return group


def load(*, stdout) -> list[str]:
    venue = Venue.objects.filter(name=TEAHOUSE).first()
    if venue is None:
        raise RuntimeError(f"scenes.demo_events: venue {TEAHOUSE} is missing (run spaces.demo)")
    if Event.objects.filter(venue=venue, title=TEA_TITLE).exists():
        return [_("活动：演示活动已存在，未重复创建")]
    rooms = {r.name: r for r in venue.rooms.all()}
    people = _residents()
    operator = _operator(venue)
    today = timezone.localdate(timezone=ZONE)

    wednesday = next_weekday(today, WEDNESDAY)
    tea = event_publish(
        user=operator,
        venue=venue,
        room=rooms["议事茶亭"],
        title=TEA_TITLE,
        description="社区工作人员和党员志愿者每周三下午在茶亭与居民一起喝茶、聊小区里的事：停车、加装电梯、楼道清洁……有想法就来说。",
        capacity=12,
        starts_at=_at(wednesday, 14, 30),
        ends_at=_at(wednesday, 16, 0),
        weeks=8,
    )

    leader = people["13800000002"]
    choir = _choir(
        leader,
        [people[p] for p in ("13800000003", "13800000004", "13800000005")],
        venue,
        operator,
    )
    friday = next_weekday(today, FRIDAY)
    rehearsals = event_publish(
        user=operator,
        venue=venue,
        room=rooms["长者空间"],
        title="合唱排练",
        description="五福合唱团每周排练，新朋友可以先来旁听。",
        organiser_group=choir,
        capacity=20,
        starts_at=_at(friday, 15, 0),
        ends_at=_at(friday, 17, 0),
        weeks=8,
    )

    thursday = next_weekday(today, THURSDAY)
    [knitting] = event_publish(
        user=operator,
        venue=venue,
        room=rooms["服务驿站"],
        title="手工编织体验课",
        description="志愿者老师带大家织一条围巾，材料免费提供，名额有限。",
        capacity=3,
        starts_at=_at(thursday, 10, 0),
        ends_at=_at(thursday, 11, 30),
    )

    for phone in ("13800000001", "13800000003"):
        event_register(user=people[phone], event=tea[0])
    for phone in ("13800000003", "13800000004", "13800000005"):
        event_register(user=people[phone], event=rehearsals[0])
    # Full, with a waitlist: 陈姐 first in line, then 张阿姨.
    for phone in ("13800000002", "13800000003", "13800000004", "13800000005", "13800000001"):
        event_register(user=people[phone], event=knitting)

    stdout.write(f"scenes: {len(tea) + len(rehearsals) + 1} demo events\n")
    return [
        _(
            "活动：%(tea)s（每周三 14:30，共 8 周）、%(choir)s 合唱排练（每周五 15:00）、手工编织体验课（已满，2 人候补）"
        )
        % {"tea": TEA_TITLE, "choir": CHOIR},
        _("自组织：%(choir)s（负责人 13800000002 李叔），已获%(venue)s批准")
        % {"choir": CHOIR, "venue": TEAHOUSE},
    ]
