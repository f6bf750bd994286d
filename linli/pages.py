"""One convention for the pages' forms, and one way to read ids from a request.

A page that htmx enhances marks the part a form changes as a *region*: an element with an
id, wrapped in ``{% partialdef region inline %}`` in the page's template, holding the form
(with its errors), the confirmation of the last save (``templates/_saved.html``) and every
list the form changes. The form posts with ``hx-target`` and ``hx-select`` on that id and
``hx-swap="outerHTML"``, so the response always contains what the form swaps:

- htmx asked for the region (``HX-Target`` is its id): the view renders ``page#region``;
  errors come back with 200 (htmx swaps only 2xx) and keep what was typed;
- after a save, htmx gets the region again, with fresh lists, a fresh form and the
  confirmation inside it (``saved()``); a plain POST is redirected with the message (POST
  then GET), so reloading never submits twice.

An error page answering an htmx request (404, 403...) is not swapped by htmx; static/js/errors.js
puts its main content in place of the page's, as a plain submission would show it.

Views build the page's context in one function and pass it to ``render_region`` and
``saved``, so a step such as "ask before closing time an event needs" only adds to the
form and its context.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

# Database ids are positive 64-bit integers; anything else names nothing.
MAX_ID = 2**63 - 1


def id_or_none(value: object) -> int | None:
    """An id from a query string or form field, or None: "abc", "", -1 and 2**64 name nothing.

    Lookups such as ``get_object_or_404(Room, pk="abc")`` raise ValueError (a 500) and
    numbers beyond 64 bits overflow the database driver, so ids are parsed here first.
    Filters use this (an unknown filter is no filter); lookups use ``id_or_404``.
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def id_or_404(value: object) -> int:
    """``id_or_none`` for the id of the object a request acts on: nothing there is a 404."""
    parsed = id_or_none(value)
    if parsed is None:
        raise Http404
    return parsed


def render_region(
    request: HttpRequest, template: str, context: dict, *, region_id: str, status: int = 200
) -> TemplateResponse:
    """The whole page, or only its region when htmx targets the region's id."""
    name = template
    if request.htmx and request.htmx.target == region_id:
        name = f"{template}#region"
    return TemplateResponse(request, name, context, status=status)


def saved(
    request: HttpRequest,
    message: str,
    *,
    url: str,
    render: Callable[..., HttpResponse],
) -> HttpResponse:
    """After a successful write: the refreshed region with ``message`` for htmx, else a
    redirect to ``url`` with the message waiting there.

    ``render(saved_message=...)`` re-renders the page from the database (a fresh form,
    refreshed lists); it is only called for htmx requests.
    """
    if request.htmx:
        return render(saved_message=message)
    messages.success(request, message)
    return redirect(url)


# A destructive action (delete, cancel, remove) takes two steps, with or without JavaScript:
# its button posts without ``confirm``, the view answers with the page (or region) showing
# ``templates/_confirm.html`` (what will go, and a "确认…" button that posts again with
# ``confirm=yes``), and only that second post acts. The API's DELETE stays one call.
CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """True when a destructive POST is the second step, the one that acts."""
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation(
    *,
    question: str,
    label: str,
    fields: dict[str, object],
    cancel_url: str,
    detail: str = "",
    region: str = "",
) -> dict:
    """Context for ``_confirm.html``: ``fields`` are posted again with ``confirm=yes``;
    ``region`` is the id htmx swaps (empty: a plain form)."""
    return {
        "question": question,
        "label": label,
        "fields": [*fields.items(), (CONFIRM_FIELD, "yes")],
        "cancel_url": cancel_url,
        "detail": detail,
        "region": region,
    }
