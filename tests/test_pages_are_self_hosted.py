"""Pages load nothing from other hosts: no CDN, web font, analytics or map tiles.

Residents are on weak networks and in in-app browsers, and a third-party host can be slow,
blocked or tracking. So templates and static files may only reference this origin. The
browser lane checks what pages really request; this scan catches a reference in a
template or stylesheet before any test happens to render it.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "var", "node_modules", ".git", "staticfiles", "media", "__pycache__"}
SCANNED_SUFFIXES = {".html", ".txt", ".xml", ".svg", ".css", ".js", ".mjs", ".json"}

# An absolute (http://, https://) or protocol-relative (//host) URL used to LOAD or LINK
# something: src=, srcset=, href=, action=, poster=, data=, CSS url() and @import, and
# JavaScript import/fetch of a literal URL.
EXTERNAL = re.compile(
    r"""(?ix)
    (?:
        \b(?:src|srcset|href|action|poster|data|xlink:href)\s*=\s*["']?\s*
      | url\(\s*["']?\s*
      | @import\s+(?:url\(\s*)?["']?\s*
      | \bimport\s*\(?\s*["']
      | \bfrom\s+["']
      | \bfetch\(\s*["']
    )
    (?P<url>(?:https?:)?//[^\s"')>]+)
    """
)
# The only absolute URLs a page may mention are XML namespaces, which are never fetched.
ALLOWED_PREFIXES = ("http://www.w3.org/",)


def scanned_files() -> list[Path]:
    roots = [ROOT / "templates", ROOT / "static"]
    roots += [p for p in ROOT.glob("*/templates") if p.parent.name not in SKIP_DIRS]
    roots += [p for p in ROOT.glob("*/static") if p.parent.name not in SKIP_DIRS]
    files = []
    for base in roots:
        for path in base.rglob("*"):
            relative = path.relative_to(ROOT)
            if SKIP_DIRS.intersection(relative.parts):
                continue
            if path.is_file() and path.suffix.lower() in SCANNED_SUFFIXES:
                files.append(path)
    return sorted(set(files))


def external_references(text: str) -> list[tuple[int, str]]:
    found = []
    for match in EXTERNAL.finditer(text):
        url = match.group("url")
        if url.startswith(ALLOWED_PREFIXES):
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, url))
    return found


def test_the_scan_finds_third_party_references():
    # Guards the guard: a pattern that matched nothing would make the real test pass.
    sample = """
    <script src="https://cdn.example.com/htmx.min.js"></script>
    <link href='//fonts.example.com/css?family=Noto'>
    .hero { background: url(https://tiles.example.com/1.png) }
    @import "https://cdn.example.com/reset.css";
    <img srcset="http://img.example.com/a.png 2x">
    <svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#icon"/></svg>
    <a href="/venues/">ok</a> <img src="/static/img/favicon.svg">
    """
    urls = [url for _line, url in external_references(sample)]

    assert urls == [
        "https://cdn.example.com/htmx.min.js",
        "//fonts.example.com/css?family=Noto",
        "https://tiles.example.com/1.png",
        "https://cdn.example.com/reset.css",
        "http://img.example.com/a.png",
    ]


def test_templates_and_static_files_reference_only_this_site():
    files = scanned_files()
    assert any(p.name == "base.html" for p in files), "the scan found no templates at all"

    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for line, url in external_references(text):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {url}")

    assert not problems, (
        "Pages must load everything from this site (no CDN, web font, analytics or other "
        "host). Vendor the file into static/ and use {% static %} instead of:\n  "
        + "\n  ".join(problems)
    )
