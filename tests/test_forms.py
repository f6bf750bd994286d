"""Every form speaks plain Chinese: project messages instead of Django's defaults, and no
browser bubble in English ("Please fill out this field.")."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from linli.forms import PageFormMixin
from spaces.forms import RoomForm

FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)


class Sample(PageFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=5)
    count = forms.IntegerField(label="人数", min_value=1, max_value=9)
    price = forms.DecimalField(label="价格", decimal_places=2, max_digits=5)
    day = forms.DateField(label="日期")
    time = forms.TimeField(label="时间")
    kind = forms.ChoiceField(label="类型", choices=[("a", "A")])
    agree = forms.BooleanField(label="我同意")
    own = forms.CharField(label="自定义", error_messages={"required": "自己的话。"})


def test_required_messages_name_the_field_and_keep_a_fields_own():
    form = Sample(data={})
    assert form.errors == {
        "name": ["请填写名称。"],
        "count": ["请填写人数。"],
        "price": ["请填写价格。"],
        "day": ["请填写日期。"],
        "time": ["请填写时间。"],
        "kind": ["请选择类型。"],
        "agree": ["请勾选“我同意”。"],
        "own": ["自己的话。"],
    }


def test_limits_and_formats_say_what_to_write():
    form = Sample(
        data={
            "name": "一二三四五六七",
            "count": "0",
            "price": "1.234",
            "day": "明天",
            "time": "9点",
            "kind": "z",
            "agree": "on",
            "own": "x",
        }
    )
    assert form.errors == {
        "name": ["名称最多 5 个字（现在是 7 个），请删减后再保存。"],
        "count": ["人数至少为 1。"],
        "price": ["价格最多保留 2 位小数。"],
        "day": ["请按 2026-10-01 的格式填写日期。"],
        "time": ["请按 09:00 的格式填写时间。"],
        "kind": ["类型的选项已不存在，请刷新页面后重新选择。"],
    }
    assert Sample(data={"count": "10"}).errors["count"] == ["人数最多为 9。"]
    assert Sample(data={"count": "两个"}).errors["count"] == ["人数请填写整数，例如 10。"]


def test_long_text_is_not_cut_by_the_browser():
    # maxlength would drop pasted text silently; the server reports the length instead.
    assert "maxlength" not in str(Sample()["name"])


def test_the_apps_forms_use_the_project_messages():
    form = RoomForm(data={"name": "", "capacity": "0", "order": "0"})
    assert form.errors["name"] == ["请填写名称。"]
    assert form.errors["capacity"] == ["容纳人数至少为 1。"]


def _templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += Path(settings.BASE_DIR).glob("*/templates")
    return sorted(p for root in roots for p in root.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.name))
def test_every_form_leaves_validation_to_the_server(path):
    """The browser's own bubbles are in the browser's language and vague; forms say
    ``novalidate`` and the server's messages are shown next to each field."""
    tags = FORM_TAG.findall(path.read_text())
    assert [t for t in tags if "novalidate" not in t] == []
