"""The signed-in user is read with their area in one query (every page shows it), and
the backend still refuses what Django's refuses."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vigil.core.auth import ModelBackendWithArea

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_area(make_user, areas, django_assert_num_queries):
    user = make_user("lpa_commander", area=areas["BHM"])
    with django_assert_num_queries(1):
        loaded = ModelBackendWithArea().get_user(user.pk)
        assert loaded.area.code == "BHM"


def test_an_inactive_or_missing_user_is_nobody(make_user, areas):
    user = make_user("lpa_commander", area=areas["BHM"])
    user.is_active = False
    user.save()
    assert ModelBackendWithArea().get_user(user.pk) is None
    assert ModelBackendWithArea().get_user(987654321) is None


def test_a_page_reads_the_signed_in_users_area_with_the_user(make_user, areas):
    user = make_user("lpa_commander", area=areas["BHM"])
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/orders/search/?subject_postcode=ZZ9")
    assert page.status_code == 200 and areas["BHM"].name in page.content.decode()
    by_id = [q["sql"] for q in ctx.captured_queries
             if 'FROM "core_area" WHERE "core_area"."id" =' in q["sql"]]
    assert by_id == []
