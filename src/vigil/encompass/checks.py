"""Checks shared by the import (`vigil import`'s school_terms file), the admin and services."""

from __future__ import annotations

from datetime import date

from vigil.core.checks import Problem

TERM_MONTHS = {"autumn": (8, 12), "spring": (1, 4), "summer": (4, 8)}


def check_term(values: dict) -> list[Problem]:
    """One term row: inside its school year, in the months its name says, with a half
    term given whole (both dates) and inside the term."""
    out: list[Problem] = []
    year, name = values.get("school_year"), values.get("term")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    half_from, half_to = values.get("half_term_starts"), values.get("half_term_ends")
    if isinstance(year, int) and isinstance(starts, date) and isinstance(ends, date):
        first, last = date(year, 8, 1), date(year + 1, 7, 31)
        if not first <= starts <= last:
            out.append(("starts_on", starts, f"is not in the school year {year}-"
                                             f"{(year + 1) % 100:02d} (1 Aug to 31 Jul)"))
        if not first <= ends <= last:
            out.append(("ends_on", ends, f"is not in the school year {year}-"
                                         f"{(year + 1) % 100:02d} (1 Aug to 31 Jul)"))
        months = TERM_MONTHS.get(name)
        if months and not out and not months[0] <= starts.month <= months[1]:
            out.append(("starts_on", starts, f"a {name} term does not start in "
                                             f"{starts:%B}"))
    if (half_from is None) != (half_to is None):
        missing = "half_term_ends" if half_to is None else "half_term_starts"
        out.append((missing, "", "give both days of the half term, or neither"))
    elif half_from and starts and ends and not (starts <= half_from and half_to <= ends):
        out.append(("half_term_starts", half_from,
                    f"the half term is not inside the term ({starts} to {ends})"))
    return out


def check_terms_do_not_overlap(terms: list[tuple[str, date, date]]) -> list[Problem]:
    """(label, starts, ends) of one authority's terms: no two overlap."""
    out = []
    ordered = sorted(terms, key=lambda t: t[1])
    for (label_a, _, end_a), (label_b, start_b, _) in zip(ordered, ordered[1:], strict=False):
        if start_b <= end_a:
            out.append(("starts_on", start_b, f"{label_b} starts before {label_a} ends "
                                              f"({end_a})"))
    return out
