"""The browser lane's accessibility audit covers every page: a URL name that is neither in
tests/browser/a11y.py ``PAGES`` nor in its ``EXCLUDED`` (with a reason) fails here, so a
new page joins the audit when it is added."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.a11y import EXCLUDED, PAGES

# Not Linli's pages: Django's admin and the JSON API (their own checks live elsewhere).
FOREIGN_NAMESPACES = {"admin", "api-1.0.0"}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in FOREIGN_NAMESPACES or str(pattern.pattern).startswith("api/"):
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            names |= _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_is_audited_or_excluded_with_a_reason():
    names = _url_names(get_resolver().url_patterns)
    audited = {page.url_name for page in PAGES}
    missing = sorted(names - audited - set(EXCLUDED))
    assert not missing, f"add these pages to tests/browser/a11y.py PAGES (or EXCLUDED): {missing}"
    assert all(reason.strip() for reason in EXCLUDED.values())
    stale = sorted((set(EXCLUDED) | audited) - names - {"error"})
    assert not stale, f"no such URL names any more: {stale}"
