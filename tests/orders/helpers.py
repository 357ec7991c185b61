"""Builders for the orders tests: a DA crime with its suspect and victim, availability."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.factories import make_crime, make_person
from vigil.core import calendar as cal
from vigil.orders.models import OrderAvailability

NATIONAL = ("DVPN", "DVPO", "SPO", "ISPO", "NMO", "RO", "ROA")


def availability(areas, types=NATIONAL, since=date(2014, 3, 8)):
    for code, area in areas.items():
        if code == "WMP":
            continue
        for t in types:
            OrderAvailability.objects.get_or_create(order_type=t, area=area,
                                                    available_from=since)


def saturday_before_bank_holiday_monday(before: date) -> date:
    """The Saturday before the latest bank-holiday Monday at least a week before `before`."""
    day = before - timedelta(days=7)
    while not (day.weekday() == 0 and cal.is_bank_holiday(day)):
        day -= timedelta(days=1)
    return day - timedelta(days=2)


def crime_with_parties(lpa, at: datetime, *, suspect_dob=date(1985, 3, 1),
                       victim_dob=date(1990, 5, 5), surname="Example"):
    suspect = make_person(f"{surname}-Suspect", "Dean", dob=suspect_dob, postcode="B15 2TT")
    victim = make_person(f"{surname}-Victim", "Amy", dob=victim_dob, postcode="B15 3AA")
    crime = make_crime(lpa, at, victim=victim, suspect=suspect)
    return crime, suspect, victim
