"""normalise.py's key forms over whole columns at once (Arrow compute kernels).

Keying a million records one Python call per field per record is the slow part
of a first linkage run; these run in Arrow's C++ kernels instead. ASCII values
(nearly all of them) go through the kernels. Non-ASCII values go through
normalise.py itself, value by value: Unicode folding (NFKD, Python's case rules,
Unicode digits) has no exact equivalent in RE2. Both must give the same keys:
tests/linkage/test_normalise_bulk.py proves it on random input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from vigil.people.linkage import normalise

Column = pa.Array | Sequence[str | None]

# Mirrors normalise._ADDRESS_WORDS, read once.
_WORDS = pa.array(list(normalise._ADDRESS_WORDS))
_WORDS_TO = pa.array(list(normalise._ADDRESS_WORDS.values()))


def strings(values: Column) -> pa.Array:
    """A string array with None as "" (the per-record functions treat them alike)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(arr.cast(pa.string()), "")


def _non_ascii_by_value(raw: pa.Array, ascii_result: pa.Array,
                        one: Callable[[str], str]) -> pa.Array:
    """`ascii_result` with each non-ASCII input replaced by `one(value)`."""
    mask = pc.invert(pc.string_is_ascii(raw))
    if not pc.any(mask).as_py():
        return ascii_result
    values = pc.filter(raw, mask).to_pylist()
    return pc.replace_with_mask(ascii_result, mask, pa.array([one(v) for v in values],
                                                             pa.string()))


def forename(values: Column) -> pa.Array:
    raw = strings(values)
    text = pc.replace_substring(pc.ascii_lower(raw), "-", "")
    text = pc.replace_substring_regex(text, "[^a-z ]+", "")
    # Only letters and spaces are left: the first word is the leading letter run.
    first = pc.replace_substring_regex(text, "^ *([a-z]*).*$", r"\1")
    return _non_ascii_by_value(raw, first, normalise.forename)


def surname(values: Column) -> pa.Array:
    raw = strings(values)
    text = pc.replace_substring_regex(pc.ascii_lower(raw), "[^a-z]+", "")
    return _non_ascii_by_value(raw, text, normalise.surname)


def phonetic(names: pa.Array) -> pa.Array:
    """Metaphone of normalised names: computed once per distinct name."""
    names = strings(names)
    distinct = pc.unique(names)
    codes = pa.array([normalise.phonetic(n) for n in distinct.to_pylist()], pa.string())
    return pc.take(codes, pc.index_in(names, distinct))


def postcode(values: Column) -> pa.Array:
    raw = strings(values)
    text = pc.replace_substring_regex(pc.ascii_upper(raw), "[^A-Z0-9]+", "")
    return _non_ascii_by_value(raw, text, normalise.postcode)


def postcode_outward(postcodes: pa.Array) -> pa.Array:
    """Outward code of already-normalised postcodes (ASCII by construction)."""
    pcs = strings(postcodes)
    return pc.if_else(pc.greater_equal(pc.utf8_length(pcs), 5),
                      pc.utf8_slice_codeunits(pcs, 0, -3), pcs)


def phone(values: Column) -> pa.Array:
    raw = strings(values)
    digits = pc.replace_substring_regex(raw, "[^0-9]+", "")
    length = pc.utf8_length(digits)
    digits = pc.if_else(
        pc.starts_with(digits, "0044"), pc.utf8_slice_codeunits(digits, 4),
        pc.if_else(pc.and_(pc.starts_with(digits, "44"), pc.greater_equal(length, 11)),
                   pc.utf8_slice_codeunits(digits, 2), digits))
    national = pc.and_(pc.invert(pc.starts_with(digits, "0")),
                       pc.equal(pc.utf8_length(digits), 10))
    digits = pc.if_else(national, pc.binary_join_element_wise("0", digits, ""), digits)
    return _non_ascii_by_value(raw, digits, normalise.phone)


def address(values: Column) -> pa.Array:
    raw = strings(values)
    text = pc.replace_substring_regex(pc.ascii_lower(raw), "[^a-z0-9 ]+", " ")
    text = pc.utf8_trim(pc.replace_substring_regex(text, " +", " "), " ")
    words = pc.split_pattern(text, " ")
    flat = words.flatten()
    spelt = pc.coalesce(pc.take(_WORDS_TO, pc.index_in(flat, _WORDS)), flat)
    joined = pc.binary_join(pa.ListArray.from_arrays(words.offsets, spelt), " ")
    return _non_ascii_by_value(raw, joined, normalise.address)


def truncate(values: pa.Array, length: int) -> pa.Array:
    """First `length` characters (the key columns' max_length)."""
    return pc.utf8_slice_codeunits(values, 0, length)
