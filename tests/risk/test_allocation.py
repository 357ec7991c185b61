"""R&A allocation through its service: the checks the import shares, the team and area."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import at, make_crime, make_person, make_user
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.risk import services
from vigil.risk.checks import check_allocation
from vigil.risk.models import Allocation

pytestmark = pytest.mark.django_db
WHEN = at(2026, 10, 25, 1, 30)  # inside the hour the clocks go back


@pytest.fixture
def crime(areas):
    return make_crime(areas["BHM"], WHEN - timedelta(hours=3), victim=make_person("V"))


@pytest.mark.parametrize("values, problem", [
    ({"route": "filed", "safeguarding": " "}, "a filed crime needs the safeguarding in place"),
    ({"route": "ppu", "officer_name": ""}, "an allocated crime needs its officer in charge"),
    ({"route": "lpa", "officer_name": "DC Khan"}, None),
    ({"route": "filed", "safeguarding": "Safety plan"}, None),
])
def test_the_check_the_import_and_the_service_share(values, problem):
    found = check_allocation(values)
    assert (found[0][2] if found else None) == problem


def test_allocation_refuses_an_officer_outside_the_team_or_area(areas, crime):
    sergeant = make_user("referral_allocation", areas["BHM"])
    lpa_officer = make_user("lpa_commander", areas["BHM"])
    coventry_dc = make_user("investigator", areas["COV"])
    for officer in (lpa_officer, coventry_dc):
        with pytest.raises(RecordInvalid, match="is not an officer of the PPU"):
            services.allocate(crime, actor=sergeant, at=WHEN, route="ppu", officer=officer)
    with pytest.raises(RecordInvalid, match="safeguarding in place"):
        services.allocate(crime, actor=sergeant, at=WHEN, route="filed")
    assert not Allocation.objects.exists()
    made = services.allocate(crime, actor=sergeant, at=WHEN, route="lpa", officer=lpa_officer)
    assert made.officer_name == str(lpa_officer) and made.source_system == "VIGIL"
    with pytest.raises(RecordInvalid, match="already allocated"):
        services.allocate(crime, actor=sergeant, at=WHEN, route="filed", safeguarding="x")


def test_allocation_outside_the_sergeants_area_is_refused(areas, crime):
    coventry = make_user("referral_allocation", areas["COV"])
    with pytest.raises(NotAllowed, match="another area"):
        services.allocate(crime, actor=coventry, at=WHEN, route="filed", safeguarding="x")
