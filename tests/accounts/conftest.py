import re

import pytest


@pytest.fixture(autouse=True)
def _texts_stay_in_memory(sms_outbox):
    """No accounts test prints codes to the console or writes var/sms.log."""


@pytest.fixture
def sms_code(sms_outbox):
    """``sms_code()`` -> the 6-digit code in the newest text message."""

    def newest() -> str:
        assert sms_outbox, "no text message was sent"
        match = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_outbox[-1].message)
        assert match, f"no code in {sms_outbox[-1].message!r}"
        return match.group(1)

    return newest
