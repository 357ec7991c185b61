"""The Splink model: comparisons, blocking rules and how its parameters are trained.

Every comparison reads the normalised columns of `frame.COLUMNS`. The levels go
from the strongest evidence to the weakest; EM learns how much each is worth.
"""

from __future__ import annotations

import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from vigil.people.linkage import blocking


def _null(col: str) -> dict:
    return {"sql_condition": f"{col}_l IS NULL OR {col}_r IS NULL",
            "label_for_charts": f"{col} missing", "is_null_level": True}


def _level(sql: str, label: str) -> dict:
    return {"sql_condition": sql, "label_for_charts": label}


# "Jaro-Winkler >= 0.8": one slip in a three-letter name ("fry"/"fdy") scores
# 0.7999... in floating point, so the SQL compares with a hair less.
JW_LOW = 0.79

# Swapped order, allowing a typo in either name, or a worse one (or a short
# form: "duffy bryan" / "brian duffy") when the other name agrees exactly, or a
# nickname for the forename when the surname is at most a typo off ("abbott mandy"
# / "amanda abbott", "rahman rick" / "eric ramhan": a record keyed the wrong way
# round by someone who knew her as Mandy).
SWAPPED = ("(jaro_winkler_similarity(forename_l, surname_r) >= 0.9 "
           "AND jaro_winkler_similarity(surname_l, forename_r) >= 0.9) "
           "OR (forename_l = surname_r "
           f"AND jaro_winkler_similarity(surname_l, forename_r) >= {JW_LOW}) "
           "OR (surname_l = forename_r "
           f"AND jaro_winkler_similarity(forename_l, surname_r) >= {JW_LOW}) "
           "OR (jaro_winkler_similarity(forename_l, surname_r) >= 0.9 "
           "AND list_has_any(surname_aliases_l, forename_aliases_r)) "
           "OR (jaro_winkler_similarity(surname_l, forename_r) >= 0.9 "
           "AND list_has_any(forename_aliases_l, surname_aliases_r))")

ELSE = {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}

# One keying slip (a letter dropped, doubled, wrong, or two swapped) that neither
# sound nor Jaro-Winkler catches in a short name: in three letters its matching window is
# nil, so "amx"/"max" or "ugy"/"guy" score 0.56, and "gy"/"guy" 0.61.
ONE_SLIP = "damerau_levenshtein({c}_l, {c}_r) <= 1"


def forename_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="forename",
        comparison_description="Forename: exact, swapped with surname, nickname, typo, initial",
        comparison_levels=[
            _null("forename"),
            _level("forename_l = forename_r", "Exact"),
            _level(SWAPPED, "Forename and surname swapped"),
            _level("list_has_any(forename_aliases_l, forename_aliases_r)", "Nickname"),
            _level("jaro_winkler_similarity(forename_l, forename_r) >= 0.92",
                   "Jaro-Winkler >= 0.92"),
            _level("forename_sound_l = forename_sound_r "
                   f"OR jaro_winkler_similarity(forename_l, forename_r) >= {JW_LOW}",
                   "Sounds alike or Jaro-Winkler >= 0.8"),
            _level(ONE_SLIP.format(c="forename"), "One letter wrong"),
            _level("(length(forename_l) = 1 OR length(forename_r) = 1) "
                   "AND substr(forename_l, 1, 1) = substr(forename_r, 1, 1)", "Initial"),
            # Only one record has its names the wrong way round.
            _level("forename_l = surname_r OR surname_l = forename_r",
                   "Forename is the other's surname"),
            ELSE,
        ],
    )


def surname_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname: exact, swapped with forename, typo, sounds alike",
        comparison_levels=[
            _null("surname"),
            _level("surname_l = surname_r", "Exact"),
            _level(SWAPPED, "Surname and forename swapped"),
            _level("jaro_winkler_similarity(surname_l, surname_r) >= 0.92",
                   "Jaro-Winkler >= 0.92"),
            _level("surname_sound_l = surname_sound_r", "Sounds alike"),
            _level(f"jaro_winkler_similarity(surname_l, surname_r) >= {JW_LOW}",
                   "Jaro-Winkler >= 0.8"),
            _level(ONE_SLIP.format(c="surname"), "One letter wrong"),
            ELSE,
        ],
    )


def dob_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth: exact, day/month swapped, one or two digits wrong",
        comparison_levels=[
            _null("dob"),
            _level("dob_l = dob_r", "Exact"),
            _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                   "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                   "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "Day and month swapped"),
            # Dates are fixed-width ISO text, so Hamming distance counts wrong digits
            # (and is ~100x faster in DuckDB than Damerau-Levenshtein).
            _level("hamming(dob_l, dob_r) <= 1", "One digit wrong"),
            _level("hamming(dob_l, dob_r) <= 2", "Two digits wrong or transposed"),
            ELSE,
        ],
    )


def sex_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex: same or not (unknown is missing)",
        comparison_levels=[_null("sex"), _level("sex_l = sex_r", "Exact"), ELSE],
    )


def contact_comparison() -> cl.CustomComparison:
    """Phone, postcode and address as ONE comparison.

    A household shares address, postcode and often a phone; as separate
    comparisons their weights add up as if independent and outvote a different
    forename and date of birth (ADR 0004). One comparison counts them once.
    """
    # Missing unless the two records share at least one field to compare: a
    # postcode on one side and only a phone on the other is not a disagreement.
    comparable = " OR ".join(f"({c}_l IS NOT NULL AND {c}_r IS NOT NULL)"
                             for c in ("phone", "postcode", "address"))
    return cl.CustomComparison(
        output_column_name="contact",
        comparison_description="Phone, postcode and address (normalised)",
        comparison_levels=[
            {"sql_condition": f"NOT ({comparable})", "label_for_charts": "contact missing",
             "is_null_level": True},
            _level("phone_l = phone_r AND (postcode_l = postcode_r OR address_l = address_r)",
                   "Phone and address agree"),
            _level("phone_l = phone_r", "Phone agrees"),
            _level("postcode_l = postcode_r AND address_l = address_r",
                   "Postcode and address agree"),
            _level("postcode_l = postcode_r "
                   "AND jaro_winkler_similarity(address_l, address_r) >= 0.9",
                   "Postcode agrees, similar address"),
            _level("postcode_l = postcode_r OR address_l = address_r",
                   "Postcode or address agrees"),
            # ~ one digit wrong or transposed in an 11-digit number.
            _level("jaro_winkler_similarity(phone_l, phone_r) >= 0.95", "Phone one typo"),
            _level("postcode_outward_l = postcode_outward_r "
                   "AND jaro_winkler_similarity(address_l, address_r) >= 0.9",
                   "Similar address, same district"),
            # A mistyped postcode moves the address to another "district".
            _level("jaro_winkler_similarity(address_l, address_r) >= 0.9", "Similar address"),
            _level("postcode_sector_l = postcode_sector_r", "Same postcode sector"),
            _level("postcode_outward_l = postcode_outward_r", "Same postcode district"),
            ELSE,
        ],
    )


def identifier_comparison() -> cl.DamerauLevenshteinAtThresholds:
    """A personal identifier (FEBRL's social security number; a PNC or NI number).

    Unlike a phone or an address it belongs to one person, not a household, so
    it is a comparison of its own rather than a level of "contact" (ADR 0004).
    """
    return cl.DamerauLevenshteinAtThresholds("identifier", [1, 2])


def blocking_rules(*, identifier: bool = False) -> list:
    """Which pairs are compared at all: any one of these agreeing (blocking.KEYS):
    date of birth; surname and forename; the two swapped; phone; address (finds
    typo'd or swapped names no name rule reaches, +0.7% recall at noise "high");
    postcode with a sound-alike surname or forename; sound-alike surname and
    forename (and swapped); forename or surname with the year of birth. Each is
    one `bk_*` key column, cleared where a value is too common (blocking.py)."""
    return [*(["l.identifier = r.identifier"] if identifier else []), *blocking.rules()]


def training_blocking_rules() -> list:
    """EM sessions: each estimates the comparisons its rule does not fix."""
    return [block_on("dob"), block_on("surname", "forename")]


DETERMINISTIC_RULES = [
    "l.surname = r.surname AND l.forename = r.forename AND l.dob = r.dob",
    "l.phone = r.phone AND l.dob = r.dob",
]


def deterministic_rules(*, identifier: bool = False) -> list[str]:
    """Near-certain matches, for estimating the prior."""
    return [*DETERMINISTIC_RULES, *(["l.identifier = r.identifier"] if identifier else [])]


def settings(*, link_type: str = "dedupe_only", identifier: bool = False) -> SettingsCreator:
    """Vigil's model. `link_type="link_only"` links two files known to hold no duplicates
    within themselves (FEBRL 4a and 4b); `identifier` adds a personal-identifier column.
    Production uses the defaults."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            forename_comparison(), surname_comparison(), dob_comparison(), sex_comparison(),
            contact_comparison(), *([identifier_comparison()] if identifier else []),
        ],
        blocking_rules_to_generate_predictions=blocking_rules(identifier=identifier),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )
