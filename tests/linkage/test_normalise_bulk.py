"""The set-wise keys (normalise_bulk via keys.key_rows) equal the per-record ones."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.people.linkage import keys, normalise, normalise_bulk

# Characters where Python and RE2 or ASCII and Unicode rules part: Python's extra
# whitespace (\x0b, \x1c-\x1f, \x85, NBSP), accents, case changes that grow or
# become ASCII (ß, ı, İ, ﬁ, ǅ, ŉ), non-ASCII digits, apostrophes and hyphens.
TRICKY = list("abcxyzABCXYZ0123456789 -'.,()+/&\t\n\r\x0b\x0c\x1c\x1f\x00\x85\xa0") + list(
    "éÉëÖøØłßıİﬁǅŉΩжЖ٣５²⁴ʼ’‐–\u2028\u0301")
ADDRESS_WORDS = ["St", "st.", "RD", "Ave", "av", "flt", "Apt", "apartment", "terr", "1st",
                 "street", "High", "12a", "Flat"]

tricky = st.text(alphabet=st.sampled_from(TRICKY), max_size=25)
phones = st.from_regex(r"\A(\+44|0044|44|0)? ?\(?0?\)?[0-9][0-9 \-.]{0,14}\Z")
addresses = st.lists(st.sampled_from(ADDRESS_WORDS) | tricky, max_size=6).map(" ".join)
long_text = st.text(min_size=95, max_size=230)


def field(*extra):
    return st.none() | st.just("") | tricky | st.text(max_size=30) | st.one_of(*extra)


records = st.tuples(
    st.integers(1, 10**9),
    field(long_text, st.sampled_from(["Mary-Jane Ann", "  José", "D'Arcy", "-"])),
    field(long_text, st.sampled_from(["O'Brien", "Smith-Jones", "de la Cruz"])),
    st.none() | st.dates(date(1900, 1, 1), date(2030, 1, 1)),
    field(st.sampled_from(["b15 2tt", "WV1 1AA", "cv 37 6 ab", "B15"])),
    field(addresses, long_text),
    field(phones),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(records, max_size=20))
def test_set_wise_keys_equal_per_record_keys(rows):
    expected = [keys.key_values(dict(zip(keys.FIELDS, row, strict=True))) for row in rows]
    assert keys.key_rows(rows) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(field(phones, addresses), min_size=1, max_size=20))
def test_each_field_function_agrees(values):
    for name in ("forename", "surname", "postcode", "phone", "address"):
        assert getattr(normalise_bulk, name)(values).to_pylist() == [
            getattr(normalise, name)(v) for v in values], name
    pcs = [normalise.postcode(v) for v in values]
    assert normalise_bulk.postcode_outward(pcs).to_pylist() == [
        normalise.postcode_outward(p) for p in pcs]


def test_examples_from_the_normalise_docstrings():
    assert normalise_bulk.forename(["Mary-Jane Ann", None]).to_pylist() == ["maryjane", ""]
    assert normalise_bulk.surname(["O'Brien"]).to_pylist() == ["obrien"]
    assert normalise_bulk.phone(["+44 (0)121 626 5000", "0121-626-5000"]).to_pylist() == [
        "01216265000", "01216265000"]
    assert normalise_bulk.address(["Flat 2, 12 High St."]).to_pylist() == [
        "flat 2 12 high street"]
