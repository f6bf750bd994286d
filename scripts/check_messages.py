#!/usr/bin/env python3
"""Fail when a user-facing string has no English translation.

    .venv/bin/python scripts/check_messages.py

Chinese is the source language; locale/en/LC_MESSAGES/django.po (and djangojs.po once
JavaScript has strings) holds the English. This script collects the strings exactly as
``make messages`` does, but into a temporary copy of the tree, so the checkout is never
touched, then lists every string whose English is missing, empty or marked fuzzy, with the
files it comes from. It also runs ``msgfmt --check`` on the committed catalogues, which
catches a translation that drops or renames a placeholder such as %(name)s.

Exit status 0 when everything is translated, 1 otherwise (and when gettext is missing:
Debian package ``gettext``). Keep MAKEMESSAGES_OPTIONS in step with the Makefile's
``messages`` target.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "en"
DOMAINS = {"django": (".py", ".html", ".txt"), "djangojs": (".js",)}
# Same as the Makefile: IGNORE plus --add-location file --no-obsolete.
IGNORED_DIRS = {
    ".venv",
    "var",
    "node_modules",
    "locale",
    "staticfiles",
    "media",
    "test-results",
    "__pycache__",
}
MAKEMESSAGES_OPTIONS = {
    "locale": [LOCALE],
    "add_location": "file",
    "no_obsolete": True,
    "ignore_patterns": ["var", "node_modules", ".venv", "*.egg-info"],
    "verbosity": 0,
}
GETTEXT_PROGRAMS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        forms = self.msgstr.values()
        return bool(forms) and all(form.strip() for form in forms)


def _unquote(text: str) -> str:
    # PO strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader (msgctxt, plurals, flags, references, obsolete entries).

    Only what the check needs; gettext's own tools remain the authority on syntax.
    """
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None  # the keyword that continuation lines extend

    def flush() -> None:
        nonlocal entry, current
        if entry.msgstr or entry.msgid or entry.msgctxt is not None:
            entries.append(entry)
        entry, current = Entry(), None

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # an obsolete entry's previous msgid
                continue
        if not line:
            if entry.msgstr:
                flush()
            continue
        if line.startswith("#"):
            if entry.msgstr:
                flush()
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: string without a keyword")
            name, index = current
            text = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        match = keyword.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        name, index, text = match.group(1), int(match.group(2) or 0), _unquote(match.group(3))
        if name in ("msgctxt", "msgid") and entry.msgstr:
            flush()
        if not entry.line:
            entry.line = number
        entry.obsolete = entry.obsolete or obsolete
        if name == "msgstr":
            entry.msgstr[index] = text
        else:
            setattr(entry, name, text)
        current = (name, index)
    flush()
    return entries


def untranslated(entries: list[Entry]) -> list[tuple[Entry, str]]:
    problems = []
    for entry in entries:
        if entry.is_header or entry.obsolete:
            continue
        if entry.is_fuzzy:
            problems.append((entry, "fuzzy"))
        elif not entry.is_translated:
            problems.append((entry, "missing"))
    return problems


def _copy_sources(destination: Path) -> None:
    """Copy what makemessages reads (sources and templates) plus the current catalogues."""
    wanted = {ext for exts in DOMAINS.values() for ext in exts}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [
            d
            for d in dirnames
            if d not in IGNORED_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        ]
        relative = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in wanted and not name.startswith("."):
                target = destination / relative / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(dirpath) / name, target)
    if (ROOT / "locale").is_dir():
        shutil.copytree(
            ROOT / "locale", destination / "locale", ignore=shutil.ignore_patterns("*.mo")
        )
    else:
        (destination / "locale").mkdir()


def collect(workdir: Path) -> dict[str, Path]:
    """Run makemessages in ``workdir`` (a copy of the tree); return the .po per domain."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # makemessages writes into LOCALE_PATHS[0]; point it at the copy, never at the tree.
    settings.LOCALE_PATHS = [str(workdir / "locale")]
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        for domain in DOMAINS:
            call_command("makemessages", domain=domain, **MAKEMESSAGES_OPTIONS)
    finally:
        os.chdir(previous)
    catalogues = {}
    for domain in DOMAINS:
        po = workdir / "locale" / LOCALE / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            catalogues[domain] = po
    return catalogues


def check_format(po: Path) -> list[str]:
    """msgfmt --check on a committed catalogue: placeholders, plural forms, header."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", os.devnull, str(po)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode == 0:
        return []
    return [line for line in result.stderr.splitlines() if line.strip()]


def main() -> int:
    started = time.monotonic()
    missing_programs = [p for p in GETTEXT_PROGRAMS if shutil.which(p) is None]
    if missing_programs:
        print(
            "check_messages: gettext is not installed (missing "
            + ", ".join(missing_programs)
            + "). Install it: sudo apt-get install gettext",
            file=sys.stderr,
        )
        return 1

    failures: list[str] = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="linli-messages-") as tmp:
        workdir = Path(tmp)
        _copy_sources(workdir)
        catalogues = collect(workdir)
        for domain, po in catalogues.items():
            entries = [e for e in parse_po(po) if not e.is_header and not e.obsolete]
            total += len(entries)
            for entry, problem in untranslated(entries):
                where = ", ".join(entry.references) or "?"
                text = (
                    entry.msgid
                    if entry.msgid_plural is None
                    else f"{entry.msgid} | {entry.msgid_plural}"
                )
                failures.append(f"  [{problem}] {text!r}\n      from {where} ({domain}.po)")

    format_errors: list[str] = []
    for domain in DOMAINS:
        committed = ROOT / "locale" / LOCALE / "LC_MESSAGES" / f"{domain}.po"
        if committed.exists():
            format_errors += check_format(committed)

    elapsed = time.monotonic() - started
    if failures:
        print(
            f"check_messages: {len(failures)} of {total} strings have no English translation:",
            file=sys.stderr,
        )
        print("\n".join(failures), file=sys.stderr)
        print(
            "Run `make messages`, then translate them in locale/en/LC_MESSAGES/django.po "
            "(give every msgstr English text; remove the `#, fuzzy` line once a suggested "
            "translation is right) and run `make messages` again to compile.",
            file=sys.stderr,
        )
    if format_errors:
        print("check_messages: msgfmt --check found errors in the catalogue:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in format_errors), file=sys.stderr)
        print("Keep every placeholder of the msgid (%(name)s, %s) in the msgstr.", file=sys.stderr)
    if failures or format_errors:
        return 1
    print(f"check_messages: all {total} strings have English translations ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
