"""An as-of date out of range, or not a date, is a clear message: never a 500.

The analytics pages refuse it (400) and say what the snapshot holds (vigil.analytics.asof).
"""

BAD = [("0001-01-01", b"is before the first records"), ("9999-12-31", b"is in the future"),
       ("1999-12-31", b"is before the first records"), ("2025-13-01", b"is not a date"),
       ("x" * 5000, b"is not a date")]


def test_out_of_range_as_of_is_a_clear_message(small_force, client, make_user):
    client.force_login(make_user("analyst"))
    for path in ("/analytics/", "/analytics/kpi/marac_referrals/", "/analytics/rag/"):
        for as_of, message in BAD:
            response = client.get(path, {"as_of": as_of})
            assert response.status_code == 400, (path, as_of[:20])
            assert message in response.content, (path, as_of[:20])
    response = client.get("/analytics/kpi/marac_referrals/download.csv", {"as_of": "9999-12-31"})
    assert response.status_code == 400 and b"is in the future" in response.content
