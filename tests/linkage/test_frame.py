"""The linkage table read from stored keys equals the one built from raw records."""

from datetime import date

import pandas as pd

from tests.linkage.helpers import record
from vigil.people.linkage import frame, keys
from vigil.people.models import SourceRecord


def test_keys_path_and_raw_path_agree(db):
    record()
    record(forename="Bill", surname="O'Brien", date_of_birth=None, sex="U", postcode="b1",
           address="", phone="+44 121 000 0000")
    record(forename="", surname="Ng", date_of_birth=date(2001, 12, 1), postcode="", phone="")
    assert keys.refresh_missing() == 3
    from_keys = frame.from_database()
    raw = frame.build(SourceRecord.objects.order_by("id").values(*frame.SOURCE_FIELDS))
    pd.testing.assert_frame_equal(from_keys.reset_index(drop=True), raw.reset_index(drop=True),
                                  check_dtype=False)
    assert keys.refresh_missing() == 0
