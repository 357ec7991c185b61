"""Shared fixtures: the West Midlands areas and users of each role."""

import os

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make many users; the production hasher costs about a second each on CI."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    """Pages are tested signed in with a password alone; tests/core/test_two_factor.py
    turns the second factor back on to test it."""
    settings.VIGIL_OTP_ROLES = frozenset()


@pytest.fixture
def areas(db):
    """The force and its seven LPAs, keyed by LPA code."""
    return factories.make_areas()


@pytest.fixture
def make_user(db):
    def _make(role="analyst", area=None, username=None):
        return factories.make_user(role=role, area=area, username=username)

    return _make


def browser_required() -> bool:
    return os.environ.get("VIGIL_REQUIRE_BROWSER") == "1"


@pytest.fixture(autouse=True)
def no_refusals_from_earlier_tests():
    """Refusals held back for after a rollback (audit.refused) belong to their own test.

    A service called directly (no request to end) leaves them pending in the thread;
    the next test's first request would otherwise write them against its database.
    """
    from vigil.core import audit

    audit._pending.rows = []
    yield
    audit._pending.rows = []


@pytest.fixture(autouse=True)
def no_areas_kept_from_earlier_tests():
    """The search form's areas kept by a web worker (orders.queries.search_areas) belong
    to their own test: a rolled-back test's areas send no signal to drop them."""
    from vigil.orders import queries

    queries.forget_search_areas()
    yield
    queries.forget_search_areas()


class ReceivedMail(list):
    """What the test SMTP server received: (recipients, raw bytes) pairs.

    Set `refuse` to an SMTP reply such as "451 4.3.0 Try again later" to make the
    server refuse every message until it is set back to None.
    """

    refuse: str | None = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free port, wired into settings."""
    import socket

    from aiosmtpd.controller import Controller

    received = ReceivedMail()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            if received.refuse:
                return received.refuse
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.DEFAULT_FROM_EMAIL = "vigil@wmp.example"
    settings.VIGIL_SITE_URL = "https://vigil.wmp.example"
    try:
        yield received
    finally:
        controller.stop()
