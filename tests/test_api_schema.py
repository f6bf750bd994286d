"""Schemathesis as a standing test: every API operation answers every caller within its
documented schema, and never with a 5xx.

Each operation gets generated requests, valid and invalid (schemathesis' positive and
negative modes), with ids biased towards objects that exist (tests/api_world.py), each sent
anonymously, as a resident and as an operator, in-process against the WSGI app. A response
fails on a 5xx, an undocumented status, or a body or content type that does not match the
schema. The example count is kept small and the order fixed so the file stays within about
a minute on either database; `make fuzz` (scripts/api_fuzz.py) runs the same test with
random seeds, schemathesis' explicit and boundary examples and 10,000+ cases.
"""

import json
import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import api_fuzzing
from tests.api_world import build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = os.environ.get("API_FUZZ") == "1"
EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", 250 if FUZZ else 12))
# Cases per operation, and statuses seen, for scripts/api_fuzz.py's summary.
CASES: Counter = Counter()
STATUSES: Counter = Counter()

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
api_fuzzing.prefer_known_ids(schema)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    path = os.environ.get("API_FUZZ_REPORT")
    if path:
        with open(path, "w") as file:
            json.dump({"cases": dict(CASES), "statuses": dict(STATUSES)}, file, indent=1)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SMS_BACKEND = "locmem"
    world = build_world()
    api_fuzzing.KNOWN_IDS.clear()
    api_fuzzing.KNOWN_IDS.update(world.ids())
    # As Django's test client does: the WSGI handler would close the test's connection at
    # the end of each request (PostgreSQL then loses the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    api_fuzzing.KNOWN_IDS.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FUZZ,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink] if FUZZ else [Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_every_caller_within_its_schema(case, world):
    CASES[case.operation.label] += 1
    for caller in world.headers.values():
        # The site gzips JSON; the in-process client would hand the checks the raw bytes.
        headers = {**caller, "Accept-Encoding": "identity"}
        response = case.call(headers=headers)
        STATUSES[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)
