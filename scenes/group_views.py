"""Pages for residents' groups (自组织): register, invite, answer invitations, join by code.

Each view parses a form and calls the same service as the API (scenes.groups_api); on a
DomainError the form is shown again with the message next to the field. Forms work as
plain POSTs; htmx swaps just the part that changed (the invite section, one invitation).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import resident_required
from linli.errors import DomainError, NotFound
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed
from scenes.event_forms import ApprovalRequestForm, GroupForm, InviteForm, JoinForm
from scenes.models import Group, GroupMembership
from scenes.selectors import groups as group_selectors
from scenes.services import group_invitations as invitation_services
from scenes.services import groups as group_services


def _group_for_member(request: HttpRequest, group_id: int) -> tuple[Group, str]:
    """The group and the visitor's role in it; 404 when missing, 403 for outsiders."""
    try:
        group = group_selectors.group_get(group_id=group_id)
    except NotFound:
        raise Http404 from None
    role = group_selectors.group_role(group=group, user=request.user)
    if role is None:
        # Members' names and numbers are personal data: only the group sees them.
        raise DjangoPermissionDenied
    return group, role


def _invite_context(request: HttpRequest, group: Group, **extra) -> dict:
    join_path = reverse("scenes:group-join") + f"?code={group.invite_code}"
    return {
        "group": group,
        "invite_form": InviteForm(prefix="i"),
        "awaiting": list(group_selectors.invitations_awaiting(group=group)),
        "join_url": request.build_absolute_uri(join_path),
        **extra,
    }


@resident_required
def groups_mine(request: HttpRequest) -> HttpResponse:
    groups = list(group_selectors.groups_for_resident(user=request.user))
    context = {
        "rows": [(g, group_selectors.group_role(group=g, user=request.user)) for g in groups],
        "invitations": list(group_selectors.invitations_for_resident(user=request.user)),
        "join_form": JoinForm(),
    }
    return TemplateResponse(request, "scenes/groups/mine.html", context)


@resident_required
def group_new(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_services.group_create(
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                member_phones=form.member_phones(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("自组织已登记，你是负责人。下一步：向场馆申请审核。"))
            return redirect("scenes:group-detail", group_id=group.pk)
    return TemplateResponse(request, "scenes/groups/new.html", {"form": form})


@resident_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group, role = _group_for_member(request, group_id)
    is_leader = role == GroupMembership.Role.LEADER
    approval_form = ApprovalRequestForm(prefix="a")
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "request_approval" and is_leader:
            approval_form = ApprovalRequestForm(request.POST, prefix="a")
            if approval_form.is_valid():
                venue = approval_form.cleaned_data["venue"]
                group_services.group_request_approval(user=request.user, group=group, venue=venue)
                messages.success(
                    request, _("已向“%(venue)s”提交申请，请等待审核。") % {"venue": venue.name}
                )
                return redirect("scenes:group-detail", group_id=group.pk)
        elif action == "remove_member" and is_leader:
            membership = next(
                (m for m in group.memberships.all() if str(m.pk) == request.POST.get("member")),
                None,
            )
            if membership is None:
                raise Http404
            if not confirmed(request):
                return _group_page(
                    request,
                    group,
                    role,
                    approval_form,
                    confirm_member=membership.pk,
                    confirm=confirmation(
                        question=_("确定将%(name)s移出“%(group)s”吗？")
                        % {"name": membership.user, "group": group.name},
                        detail=_("移出后，对方要重新受邀才能加入。"),
                        label=_("确认移出"),
                        fields={"action": "remove_member", "member": membership.pk},
                        cancel_url=request.path,
                    ),
                )
            group_services.group_remove_member(
                user=request.user, group=group, member=membership.user
            )
            messages.success(request, _("已将%(name)s移出。") % {"name": membership.user})
            return redirect("scenes:group-detail", group_id=group.pk)
        elif action == "leave" and not is_leader:
            if not confirmed(request):
                return _group_page(
                    request,
                    group,
                    role,
                    approval_form,
                    confirm=confirmation(
                        question=_("确定退出“%(name)s”吗？") % {"name": group.name},
                        detail=_("退出后，要重新受邀才能加入。"),
                        label=_("确认退出"),
                        fields={"action": "leave"},
                        cancel_url=request.path,
                    ),
                )
            group_services.group_remove_member(user=request.user, group=group, member=request.user)
            messages.success(request, _("你已退出“%(name)s”。") % {"name": group.name})
            return redirect("scenes:groups")
        elif action is not None:
            raise DjangoPermissionDenied
    except DomainError as exc:
        if action in ("leave", "remove_member"):
            messages.error(request, str(exc.message))
        else:
            add_domain_error(approval_form, exc, field_map={"venue": "venue"})
    return _group_page(request, group, role, approval_form)


def _group_page(request, group: Group, role: str, approval_form, **extra) -> HttpResponse:
    is_leader = role == GroupMembership.Role.LEADER
    context = {"role": role, "is_leader": is_leader, "approval_form": approval_form, **extra}
    if is_leader:
        context.update(_invite_context(request, group))
    else:
        context["group"] = group
    return TemplateResponse(request, "scenes/groups/detail.html", context)


def _invite_section(request: HttpRequest, group: Group, **extra) -> HttpResponse:
    """The leader's invite section alone (htmx), or the whole group page."""
    group = group_selectors.group_get(group_id=group.pk)
    context = {
        "role": GroupMembership.Role.LEADER,
        "is_leader": True,
        "approval_form": ApprovalRequestForm(prefix="a"),
        **_invite_context(request, group, **extra),
    }
    template = "scenes/groups/detail.html"
    if request.htmx:
        template += "#invite"
    return TemplateResponse(request, template, context)


@require_POST
@resident_required
def group_invite(request: HttpRequest, group_id: int) -> HttpResponse:
    group, role = _group_for_member(request, group_id)
    if role != GroupMembership.Role.LEADER:
        raise DjangoPermissionDenied
    form = InviteForm(request.POST, prefix="i")
    if form.is_valid():
        try:
            invited = invitation_services.group_invite(
                user=request.user, group=group, phones=form.member_phones()
            )
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"members": "members"})
        else:
            flash = ngettext(
                "已邀请 %(n)d 个号码。对方登录邻里后会看到邀请，接受后就会出现在成员名单里。",
                "已邀请 %(n)d 个号码。对方登录邻里后会看到邀请，接受后就会出现在成员名单里。",
                invited.count,
            ) % {"n": invited.count}
            if not request.htmx:
                messages.success(request, flash)
                return redirect("scenes:group-detail", group_id=group.pk)
            return _invite_section(request, group, invite_flash=flash)
    return _invite_section(request, group, invite_form=form)


@require_POST
@resident_required
def group_invite_code_reset(request: HttpRequest, group_id: int) -> HttpResponse:
    group, role = _group_for_member(request, group_id)
    if role != GroupMembership.Role.LEADER:
        raise DjangoPermissionDenied
    invitation_services.group_invite_code_reset(user=request.user, group=group)
    flash = _("已换成新的邀请码和链接，旧的不能再用了。")
    if not request.htmx:
        messages.success(request, flash)
        return redirect("scenes:group-detail", group_id=group.pk)
    return _invite_section(request, group, invite_flash=flash)


def _answered(request: HttpRequest, invitation_id: int, *, accept: bool) -> HttpResponse:
    try:
        if accept:
            group = invitation_services.group_invitation_accept(
                user=request.user, invitation_id=invitation_id
            )
        else:
            invitation_services.group_invitation_decline(
                user=request.user, invitation_id=invitation_id
            )
            group = None
    except NotFound:
        raise Http404 from None
    if accept:
        flash = _("你已加入“%(name)s”。") % {"name": group.name}
    else:
        flash = _("已拒绝该邀请，对方不会收到通知。")
    if request.htmx:
        context = {"answered_group": group, "flash": flash, "invitation_id": invitation_id}
        return TemplateResponse(request, "scenes/groups/mine.html#invitation-answered", context)
    messages.success(request, flash)
    if group is not None:
        return redirect("scenes:group-detail", group_id=group.pk)
    return redirect("scenes:groups")


@require_POST
@resident_required
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _answered(request, invitation_id, accept=True)


@require_POST
@resident_required
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _answered(request, invitation_id, accept=False)


@resident_required
def group_join(request: HttpRequest) -> HttpResponse:
    """Join with a code: typed in, or from the link a leader shared (``?code=``)."""
    data = request.POST if request.method == "POST" else request.GET
    form = JoinForm(data if "code" in data else None)
    group = None
    if form.is_bound and form.is_valid():
        try:
            group = invitation_services.group_by_invite_code(code=form.cleaned_data["code"])
            if request.method == "POST":
                group = invitation_services.group_join(
                    user=request.user, code=form.cleaned_data["code"]
                )
                messages.success(request, _("你已加入“%(name)s”。") % {"name": group.name})
                return redirect("scenes:group-detail", group_id=group.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
            group = None
    is_member = group is not None and group.memberships.filter(user=request.user).exists()
    context = {"form": form, "group": group, "is_member": is_member}
    return TemplateResponse(request, "scenes/groups/join.html", context)
