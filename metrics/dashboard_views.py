"""The operators' metrics dashboard: all venues the user may read (``/operate/metrics/``),
one venue (``/operate/venues/<id>/metrics/``, a tab of the venue's operator pages), and
the CSV of each of its tables.

The period picker is a GET form; htmx swaps the region (#metrics-region: the form with its
errors and every figure) and pushes the URL, so a reload or a shared link shows the same.
An invalid period re-renders the form with its messages and computes nothing; the CSV of
an invalid period is the 422 page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import staff_login_required
from linli import charts
from linli.error_pages import error_response
from linli.pages import render_region
from metrics.dashboard import TABLES, Dashboard
from metrics.forms import PeriodForm, presets
from metrics.selectors import metrics_venues
from spaces.models import Venue
from spaces.permissions import venue_can_operate
from spaces.selectors import local_today

REGION = "metrics-region"
TEMPLATE = "metrics/dashboard.html"


def _readable(request: HttpRequest) -> list[Venue]:
    """The venues whose figures the signed-in user may read (``metrics_venues``: a role at
    the venue, or an administrator); 403 for anyone who may read none, residents first."""
    venues = list(metrics_venues(user=request.user).order_by("name", "pk"))
    if not venues:
        raise DjangoPermissionDenied
    return venues


def _query(form: PeriodForm, **extra) -> str:
    data = {k: form.data.get(k, "") for k in ("from", "to", "venue", "by")}
    if form.fixed_venue is not None:
        data["venue"] = str(form.fixed_venue.pk)
    data.update(extra)
    return urlencode({k: v for k, v in data.items() if v})


def _page(request: HttpRequest, form: PeriodForm, *, venue: Venue | None, today) -> HttpResponse:
    here = request.path
    context = {
        "form": form,
        "venue": venue,
        "section": "metrics",
        "layout": (
            "spaces/operate/base.html"
            if venue is not None and venue_can_operate(user=request.user, venue=venue)
            else "metrics/dashboard_base.html"
        ),
        "action": here,
        "presets": [(label, f"{here}?{urlencode(q)}") for label, q in presets(today)],
        "all_url": reverse("metrics:dashboard") + "?" + _query(form, venue=""),
    }
    if form.is_valid():
        board = Dashboard(
            venues=form.selected(),
            start=form.start,
            end=form.end,
            by=form.by,
            compare=form.venue is None,
        )
        csv_base = reverse("metrics:csv", args=["NAME"])
        venues_table = board.venues_table() if board.compare else None
        venue_rows = []
        if venues_table is not None:
            for v, row in zip(board.venues, venues_table.rows, strict=True):
                url = reverse("metrics:dashboard") + "?" + _query(form, venue=str(v.pk))
                venue_rows.append((url, row))
        csv = {name: f"{csv_base.replace('NAME', name)}?{_query(form)}" for name in TABLES}
        context.update(
            board=board,
            chosen=form.venue,
            first_day=form.cleaned_data["from"],
            last_day=form.cleaned_data["to"],
            figures=board.figures,
            venues_table=venues_table,
            venue_rows=venue_rows,
            charts=[(chart, csv[chart.id]) for chart in board.charts()],
            csv=csv,
        )
    return render_region(request, TEMPLATE, context, region_id=REGION)


@staff_login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    venues = _readable(request)
    form = PeriodForm(request.GET, venues=venues, today=timezone.localdate())
    return _page(request, form, venue=None, today=timezone.localdate())


@staff_login_required
def venue_dashboard(request: HttpRequest, venue_id: int) -> HttpResponse:
    # Like the other operator venue pages: a missing venue is 404, another's 403.
    venue = get_object_or_404(Venue, pk=venue_id)
    venues = _readable(request)
    if venue.pk not in {v.pk for v in venues}:
        raise DjangoPermissionDenied
    today = local_today(venue)
    form = PeriodForm(request.GET, venues=venues, today=today, fixed_venue=venue)
    return _page(request, form, venue=venue, today=today)


@staff_login_required
def table_csv(request: HttpRequest, name: str) -> HttpResponse:
    if name not in TABLES:
        raise Http404
    venues = _readable(request)
    form = PeriodForm(request.GET, venues=venues, today=timezone.localdate())
    if not form.is_valid():
        problems = [str(m) for errors in form.errors.values() for m in errors]
        return error_response(request, 422, message=" ".join(problems), code="invalid")
    board = Dashboard(
        venues=form.selected(), start=form.start, end=form.end, by=form.by, compare=True
    )
    last = form.cleaned_data["to"]
    return charts.table_csv(board.table(name), f"linli-{name}-{form.start}-{last}.csv")
