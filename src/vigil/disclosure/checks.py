"""Checks on Clare's Law applications, shared by the import (vigil.ingest.checks) and
disclosure.services: the scheme's applicant, the three tests of a decision to disclose,
and no disclosure without that decision."""

from __future__ import annotations

from vigil.core.checks import Problem

TESTS = ("lawful", "necessary", "proportionate")


def check_application(values, refs=None, plans=()) -> list[Problem]:
    out: list[Problem] = []
    route, applicant = values.get("route"), values.get("applicant_type")
    if route == "know" and applicant and applicant != "police":
        out.append(("applicant_type", applicant,
                    "a Right to Know application is made by the police"))
    if route == "ask" and applicant == "police":
        out.append(("applicant_type", applicant, "a Right to Ask application is made by the "
                                                 "person at risk or a third party"))
    decision = values.get("decision") or ""
    failed = [t for t in TESTS if values.get(t) is False]
    if decision == "disclose" and failed:
        out.append(("decision", decision, "a disclosure must be lawful, necessary and "
                                          f"proportionate; not {' or '.join(failed)}"))
    if values.get("disclosed_at") is not None and decision != "disclose":
        said = f"the decision is {decision}" if decision else "no decision is recorded"
        out.append(("disclosed_at", values["disclosed_at"],
                    f"a disclosure needs the multi-agency decision to disclose; {said}"))
    return out
