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
