#!/usr/bin/env python3
"""`make fuzz`: the schemathesis test of tests/test_api_schema.py, long and with random seeds.

    .venv/bin/python scripts/api_fuzz.py                # 250 examples per operation
    API_SCHEMA_EXAMPLES=500 .venv/bin/python scripts/api_fuzz.py -- -k venues

Every operation gets schemathesis' explicit and boundary examples plus generated valid and
invalid requests, each sent anonymously, as a resident and as an operator. The last lines
give the figures: operations, cases, requests, failures and time. Failing operations are
shrunk to a minimal case and printed by pytest with a curl line to reproduce it.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    extra = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    with tempfile.TemporaryDirectory() as tmp:
        report, junit = Path(tmp) / "fuzz.json", Path(tmp) / "junit.xml"
        env = {**os.environ, "API_FUZZ": "1", "API_FUZZ_REPORT": str(report)}
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_api_schema.py",
            "-p",
            "no:xdist",
            "-q",
            f"--junitxml={junit}",
            *extra,
        ]
        started = time.monotonic()
        code = subprocess.call(command, cwd=ROOT, env=env)
        seconds = time.monotonic() - started
        figures = json.loads(report.read_text()) if report.exists() else {"cases": {}}
        suite = ET.parse(junit).getroot() if junit.exists() else None
    failed = 0
    if suite is not None:
        for node in suite.iter("testsuite"):
            failed += int(node.get("failures", 0)) + int(node.get("errors", 0))
    cases = sum(figures["cases"].values())
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(figures.get("statuses", {}).items()))
    print(
        f"fuzz: {len(figures['cases'])} operations, {cases} cases, {cases * 3} requests "
        f"(anonymous, resident, operator), {failed} failing operations, {seconds:.0f} s"
    )
    print(f"fuzz: responses by status: {statuses}")
    return code


if __name__ == "__main__":
    sys.exit(main())
