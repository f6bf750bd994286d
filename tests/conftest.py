"""Fixtures shared by every app: the people in the model case and their clients.

owner: the resident who owns the thing under test; other_resident: a different resident;
operator: staff with the operator role at ``venue``; anonymous: nobody signed in.
"""

import pytest
from django.test import Client, override_settings

from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
)


@pytest.fixture(autouse=True, scope="session")
def tasks_run_at_once():
    """Background tasks run inside the request that enqueues them (as with
    TASKS_BACKEND=immediate, which scripts/test_lanes.py sets), however pytest is run."""
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture(autouse=True)
def personal_data_sections():
    """Tests may register stand-in sections ("bookings", "ratings") and unregister them;
    every test starts from the sections the apps registered."""
    from accounts import personal_data

    registered = dict(personal_data._sections)
    yield
    personal_data._sections.clear()
    personal_data._sections.update(registered)


@pytest.fixture
def venue(db):
    return VenueFactory(name="五福茶馆")


@pytest.fixture
def room(venue):
    return RoomFactory(venue=venue, name="议事茶亭", capacity=12)


@pytest.fixture
def owner(db):
    return ResidentFactory(phone="13800000001", display_name="张阿姨")


@pytest.fixture
def other_resident(db):
    return ResidentFactory(phone="13800000002", display_name="李叔")


@pytest.fixture
def operator(venue):
    user = UserFactory(username="wufu-operator", is_staff=True)
    VenueRoleFactory(user=user, venue=venue, role="operator")
    return user


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def other_client(other_resident):
    client = Client()
    client.force_login(other_resident)
    return client


@pytest.fixture
def operator_client(operator):
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def sms_outbox(settings):
    """Text messages "sent" during the test (accounts.sms locmem backend), oldest first.

    ``sms_outbox[-1].phone`` / ``.message`` is the last text sent.
    Works with live_server too: the server thread shares this process's outbox.
    """
    from accounts import sms

    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
