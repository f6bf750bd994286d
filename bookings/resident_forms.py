"""The resident's booking forms: the confirm step and the rating of a visit.

Only what the resident chooses is a field (length, people, purpose, group); the room and
the start come from the slot they tapped, and every rule is checked by the service.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.forms import PageFormMixin


class BookingForm(PageFormMixin, forms.Form):
    minutes = forms.TypedChoiceField(label=_("用多久"), coerce=int, widget=forms.RadioSelect)
    people = forms.IntegerField(label=_("人数"), min_value=1)
    purpose = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("如“合唱排练”“下棋”“家长交流”。"),
    )
    group = forms.TypedChoiceField(
        label=_("以自组织名义预约（可不选）"), coerce=int, required=False, empty_value=None
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lengths=(), max_people=0, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].choices = list(lengths)
        if lengths:  # the shortest is chosen unless they pick another
            self.fields["minutes"].initial = lengths[0][0]
        if max_people:
            # The limit itself is the service's rule (its message names the room's limit).
            self.fields["people"].help_text = _("最多 %(count)s 人。") % {"count": max_people}
        self.fields["people"].widget.attrs["inputmode"] = "numeric"
        if groups:
            self.fields["group"].choices = [("", _("不用，我自己约")), *groups]
        else:
            del self.fields["group"]


class RatingForm(PageFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("打分"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 分 很满意")),
            (4, _("4 分 满意")),
            (3, _("3 分 一般")),
            (2, _("2 分 不太满意")),
            (1, _("1 分 不满意")),
        ],
    )
    comment = forms.CharField(
        label=_("想说的话（可不填）"), required=False, max_length=500, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["rows"] = 3
