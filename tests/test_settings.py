"""Settings that protect production and the residents' experience on every page.

Settings are read from the environment once, at import; so what depends on the
environment is checked in a child process with a clean, explicit environment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# A page every language test can land on; the switch works the same on any page.
PAGE = "/accounts/privacy/"

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "USER": db.get("USER", ""),
    "HOST": db.get("HOST", ""), "PORT": str(db.get("PORT", "")),
    "OPTIONS": db.get("OPTIONS", {}),
}))
"""

SQLITE_PRAGMAS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    found = {}
    for pragma in ("journal_mode", "busy_timeout", "foreign_keys"):
        cursor.execute(f"PRAGMA {pragma}")
        found[pragma] = cursor.fetchone()[0]
print(json.dumps(found))
"""


def run_python(code_or_args, tmp_path, **env):
    """Run Python in the project with only PATH, a private var/ and ``env`` set."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "linli.settings",
        "LINLI_VAR_DIR": str(tmp_path / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_and_allowed_hosts_refuses_to_start(tmp_path):
    result = run_python(["manage.py", "check"], tmp_path, DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_with_a_secret_key_but_no_allowed_hosts_still_refuses(tmp_path):
    result = run_python(["manage.py", "check"], tmp_path, DEBUG="0", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_starts_when_secret_key_and_allowed_hosts_are_set(tmp_path):
    result = run_python(
        SHOW_SETTINGS,
        tmp_path,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="linli.example.org",
        SMS_BACKEND="file",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is False


def test_database_url_switches_to_postgresql(tmp_path):
    result = run_python(
        SHOW_SETTINGS, tmp_path, DATABASE_URL="postgres://linli@127.0.0.1:54321/linli"
    )

    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["HOST"], db["PORT"]) == (
        "linli",
        "linli",
        "127.0.0.1",
        "54321",
    )


def test_postgresql_prepares_the_hand_written_statements_unless_told_not_to(tmp_path):
    url = "postgres://linli@127.0.0.1:54321/linli"
    on = json.loads(run_python(SHOW_SETTINGS, tmp_path, DATABASE_URL=url).stdout)
    assert on["OPTIONS"] == {
        "prepare_threshold": 5,
        "options": "-c plan_cache_mode=force_generic_plan",
    }
    # Behind a pooler in transaction mode (README: DATABASE_PREPARED).
    off = run_python(SHOW_SETTINGS, tmp_path, DATABASE_URL=url, DATABASE_PREPARED="0")
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["OPTIONS"] == {}


def test_sqlite_is_the_default_with_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    result = run_python(SHOW_SETTINGS, tmp_path)

    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "var" / "linli.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "busy_timeout" in db["OPTIONS"]["init_command"]


def test_sqlite_connections_really_use_wal_and_wait_for_the_write_lock(tmp_path):
    result = run_python(SQLITE_PRAGMAS, tmp_path)

    assert result.returncode == 0, result.stderr
    pragmas = json.loads(result.stdout)
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["busy_timeout"] >= 5000
    assert pragmas["foreign_keys"] == 1


@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/accounts/privacy/"])
def test_pages_carry_a_strict_content_security_policy(anonymous, db, path):
    response = anonymous.get(path)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_api_docs_carry_a_content_security_policy_without_inline_scripts(anonymous, db):
    response = anonymous.get("/api/docs")

    assert response.status_code == 200
    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'"


def test_pages_vary_on_hx_request_so_caches_keep_fragments_apart(anonymous, db):
    response = anonymous.get("/")

    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert "hx-request" in vary


def test_pages_are_chinese_even_when_the_browser_asks_for_english(anonymous, db):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()
    assert "身边的社区空间" in response.content.decode()


def test_the_language_switch_sets_a_cookie_and_english_sticks(anonymous, db):
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": PAGE})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = anonymous.get(PAGE)
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_switching_back_to_chinese_works(anonymous, db):
    anonymous.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    response = anonymous.post("/i18n/setlang/", {"language": "zh-hans", "next": PAGE})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert anonymous.get(PAGE)["Content-Language"] == "zh-hans"


def test_the_language_switch_ignores_unknown_languages(anonymous, db):
    anonymous.post("/i18n/setlang/", {"language": "xx", "next": PAGE})

    assert anonymous.get(PAGE)["Content-Language"] == "zh-hans"
