"""Shared builders for the linkage tests."""

from __future__ import annotations

from datetime import date

from tests import factories
from vigil.people.linkage import incremental, model, predict

BASE = dict(forename="Jane", surname="Smith", date_of_birth=date(1990, 3, 4), sex="F",
            postcode="B15 2TT", address="12 High Street", phone="07700 900123")


def levels(left: dict, right: dict) -> dict[str, str]:
    """The level label each comparison gives a pair, with the shipped model."""
    trained = model.load_file(model.DEFAULT_MODEL)
    scores = incremental.score_against({"id": 1, **left}, [{"id": 2, **right}], trained)
    labels = predict.level_labels(trained)
    row = scores.iloc[0]
    return {name: labels[name][int(row[f"gamma_{name}"])] for name in labels}


def record(person=None, **kw):
    """A saved SourceRecord (with its own singleton Person unless `person` is given)."""
    values = {**BASE, **kw}
    return factories.make_person(
        surname=values.pop("surname"), forename=values.pop("forename"),
        dob=values.pop("date_of_birth"), person=person, **values)
