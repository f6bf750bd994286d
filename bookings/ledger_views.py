"""The operator's ledger upload (导入台账): choose a CSV, see what it would import (a dry
run: counts, warnings, or every error with its row and column), then import it.

One region (#operate-region, linli/pages.py). The first POST carries the file and runs
``ledger_import(dry_run=True)``; its preview holds the file's bytes in a hidden field, so
the "导入" POST imports exactly what was previewed without keeping anything on the server
between the two steps (everything is checked again: the import is all or nothing).
"""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.ledger import LedgerImportError, ledger_import
from bookings.ledger.report import BOOKING, CHECKIN, HEADCOUNT, RATING, kind_label
from bookings.ledger.table import COLUMNS, MAX_BYTES
from linli.errors import DomainError
from linli.forms import PageFormMixin, add_domain_error
from linli.pages import render_region, saved
from spaces.operator_views import REGION, operator_view

TEMPLATE = "bookings/ledger.html"


class LedgerForm(PageFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("台账文件（CSV）"),
        required=False,
        help_text=gettext_lazy("在 Excel 中“另存为”CSV（逗号分隔）或 CSV UTF-8 均可，最大 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    content = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                self.add_error(
                    "file",
                    _("文件太大（超过 %(mb)d MB），请分成几个文件导入。")
                    % {"mb": MAX_BYTES // 2**20},
                )
                return data
            data["bytes"], data["name"] = upload.read(), upload.name
        elif data.get("content"):
            try:
                data["bytes"] = base64.b64decode(data["content"], validate=True)
            except (binascii.Error, ValueError):
                self.add_error("file", _("请重新选择台账文件。"))
        else:
            self.add_error("file", _("请选择台账文件（CSV）。"))
        return data


@operator_view
def ledger(request, venue):
    url = reverse("bookings:ledger", args=[venue.pk])

    def page(form=None, **extra):
        context = {"venue": venue, "section": "ledger", "form": form or LedgerForm(), **extra}
        return render_region(request, TEMPLATE, context, region_id=REGION)

    if request.method != "POST":
        return page()
    form = LedgerForm(request.POST, request.FILES)
    if not form.is_valid():
        return page(form)
    data, name = form.cleaned_data["bytes"], form.cleaned_data.get("name") or ""
    preview = request.POST.get("action") != "import"
    try:
        report = ledger_import(user=request.user, file=data, dry_run=preview, venue=venue)
    except LedgerImportError as exc:
        # Where the operator looks: above the file input, every row and column at once.
        form.add_error(None, f"{name}：{exc.message}" if name else str(exc.message))
        return page(form, problems=exc.problems, unlisted=exc.unlisted_text())
    except DomainError as exc:
        add_domain_error(form, exc)
        return page(form)
    if preview:
        return page(
            report=report,
            filename=name,
            content=base64.b64encode(data).decode("ascii"),
        )
    return saved(
        request,
        _("台账已导入：%(summary)s") % {"summary": report.summary()},
        url=url,
        render=page,
    )


@operator_view
def ledger_template(request, venue):
    """A CSV to fill in: the columns and one example row of each type, with this venue's
    name and first room. UTF-8 with a byte-order mark, so Excel shows the Chinese."""
    room = venue.rooms.order_by("order", "pk").first()
    room_name = room.name if room else ""
    header = [aliases[0] for aliases in COLUMNS.values()]
    examples = {
        BOOKING: {"功能室": room_name, "电话": "13800000000", "日期": "2026-03-05",
                 "开始时间": "14:00", "结束时间": "16:00", "状态": "已完成",
                 "签到时间": "13:55", "人数": "6", "用途": "合唱排练"},
        CHECKIN: {"电话": "13800000000", "日期": "2026-03-06", "签到时间": "09:30"},
        HEADCOUNT: {"功能室": room_name, "日期": "2026-03-06", "签到时间": "16:00",
                     "人数": "25"},
        RATING: {"电话": "13800000000", "日期": "2026-03-05", "评分": "5", "留言": "很好"},
    }  # fmt: skip
    lines = [",".join(header)]
    for kind, cells in examples.items():
        row = {"类型": kind_label(kind), "场馆": venue.name, **cells}
        lines.append(",".join(row.get(column, "") for column in header))
    body = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ledger-template.csv"'
    return response
