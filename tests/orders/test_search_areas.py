"""The search form's areas, kept a minute per web worker: by the user's scope, dropped
when an area is saved in this worker, read again after AREAS_TTL otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_areas, make_user
from vigil.core.models import Area
from vigil.orders import queries


@pytest.fixture
def world(db):
    areas = make_areas()
    for lpa in ("BHM", "COV"):
        Area.objects.create(code=f"{lpa}-N1", name=f"{lpa} north", kind="neighbourhood",
                            parent=areas[lpa])
    return areas


def _codes(areas: queries.SearchAreas) -> set[str]:
    return {c for c, _ in areas.lpas} | {c for c, _ in areas.neighbourhoods}


def test_each_scope_keeps_its_own_areas(world):
    force_wide = make_user(role="lpa_commander")
    coventry = make_user(role="lpa_commander", area=world["COV"])
    assert {"BHM", "BHM-N1", "COV", "COV-N1"} <= _codes(queries.search_areas(force_wide))
    # Kept for the force-wide user; a scoped user must not be handed that list.
    assert _codes(queries.search_areas(coventry)) == {"COV", "COV-N1"}
    assert "BHM-N1" in _codes(queries.search_areas(force_wide))


def test_kept_areas_are_read_once_a_minute_and_dropped_when_one_is_saved(world, monkeypatch):
    user = make_user(role="lpa_commander", area=world["BHM"])
    clock = [1000.0]
    monkeypatch.setattr(queries.time, "monotonic", lambda: clock[0])
    queries.search_areas(user)
    with CaptureQueriesContext(connection) as read:
        queries.search_areas(user)
    assert len(read) == 0
    # Saved here (the admin, a form): the next page has it at once.
    hood = Area.objects.get(code="BHM-N1")
    hood.name = "Ladywood"
    hood.save()
    assert ("BHM-N1", "Ladywood (Birmingham)") in queries.search_areas(user).neighbourhoods
    # Changed with no signal in this worker (an import in another process): the kept list
    # until the minute is up, then the new one.
    Area.objects.filter(code="BHM-N1").update(name="Edgbaston")
    clock[0] += queries.AREAS_TTL - 1
    assert ("BHM-N1", "Ladywood (Birmingham)") in queries.search_areas(user).neighbourhoods
    clock[0] += 2
    with CaptureQueriesContext(connection) as read:
        areas = queries.search_areas(user)
    assert len(read) == 1
    assert ("BHM-N1", "Edgbaston (Birmingham)") in areas.neighbourhoods
