"""Vary names every request header a response depends on, so shared caches never hand a
fragment to a page load, or one fragment for another (linli.middleware.VaryOnHtmxMiddleware).
"""

import pytest

HTMX = {"HTTP_HX_REQUEST": "true"}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/venues/", "venue-results"),
        ("/events/", "event-results"),
        ("/venues/{venue}/", "week-hours"),
    ],
)
def test_a_fragment_chosen_by_hx_target_varies_on_it(anonymous, venue, url, target):
    response = anonymous.get(url.format(venue=venue.pk), **HTMX, HTTP_HX_TARGET=target)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert {"hx-request", "hx-target"} <= vary(response)


def test_the_planner_fragment_varies_on_hx_target(operator_client, venue):
    response = operator_client.get(
        f"/operate/venues/{venue.pk}/scenes/", {"new": "1"}, **HTMX, HTTP_HX_TARGET="scene-editor"
    )
    assert response.status_code == 200
    assert {"hx-request", "hx-target"} <= vary(response)


def test_a_full_page_varies_on_hx_request_only(anonymous, venue):
    # Without HX-Request the view never looks at HX-Target; a cache must still keep the page
    # apart from the fragments, which carry their own Vary.
    response = anonymous.get("/venues/")
    assert "<html" in response.content.decode()
    assert "hx-request" in vary(response)
    assert "hx-target" not in vary(response)


def test_a_redirect_built_from_hx_current_url_varies_on_it(anonymous, db):
    response = anonymous.get(
        "/accounts/me/", **HTMX, HTTP_HX_CURRENT_URL="http://testserver/venues/2/"
    )
    assert "hx-current-url" in vary(response)
