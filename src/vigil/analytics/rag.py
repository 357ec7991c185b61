"""RAG ratings for the Police and Crime Plan commitments, from configurable rules.

A rule rates one figure of one KPI against two thresholds, in the KPI's better direction:
for "higher is better", value >= green is green, value >= amber is amber, otherwise red
(mirrored for "lower"). A commitment takes the worst of its rules. The defaults below are
a starting point; a force sets its own in a JSON list (`vigil report --rag-rules FILE`).

Figures: "ytd" (this year to date), "ytd_change" (this year to date minus the same point
last year, in the KPI's unit, e.g. percentage points), "latest" (the last complete month).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from vigil.analytics import catalogue

COMMITMENTS = {
    "49": "Positive outcome rates for domestic abuse crimes to continue to rise",
    "50": "Support the introduction of domestic abuse specialists in police control rooms",
    "51": "Ensure our MARACs effectively safeguard high risk victims",
    "53": "Improve management of perpetrators and increase the use of bail conditions, civil "
          "protective orders, arrests for breach of non-molestation orders and restraining "
          "orders, ensuring swift action for non-compliance",
    "56": "Ensure swift notifications from police to schools and colleges of domestic abuse "
          "(\u201cOperation Encompass\u201d)",
}
# The definitions in the annex of the seed board report (000, Annex One, Table 2).
DEFINITIONS = {
    "green": "On track \u2013 can be delivered by lead",
    "amber": "Not on track \u2013 requires support from SMT lead to resolve",
    "red": "Not on track \u2013 requires support from wider SMT to resolve",
}
ORDER = {"green": 0, "amber": 1, "red": 2}
FIGURES = ("ytd", "ytd_change", "latest")
FORCE_CHOICE = "The force's own choice (no published standard)"
# Who assigns the rating the board sees (seed 000, Annex One): the computed rating is a
# suggestion beside it.
OFFICIAL_BY = "the Commissioner's office, through internal OPCC processes"


@dataclass(frozen=True)
class Rule:
    commitment: str
    kpi: str
    figure: str
    green: float
    amber: float
    # Where the thresholds come from: a published standard, or the force's own choice.
    source: str = FORCE_CHOICE

    def describe(self) -> str:
        kpi = catalogue.get(self.kpi)
        op = ">=" if kpi.better != "lower" else "<="
        what = {"ytd": "year to date", "ytd_change": "change on last year to date",
                "latest": "latest month"}[self.figure]
        return (f"{kpi.title}, {what}: green {op} {self.green:g}, amber {op} {self.amber:g}, "
                f"otherwise red")


DEFAULT_RULES = (
    Rule("49", "positive_outcome_rate", "ytd_change", 0.0, -1.0,
         "Police and Crime Plan ref 49: the rate is to 'continue to rise', so any fall is "
         "not on track; the 1-point amber band is the force's own choice"),
    Rule("50", "review_key_risks_asked_share", "ytd", 80.0, 60.0),
    Rule("51", "marac_heard_within_limit", "ytd", 95.0, 85.0,
         "SafeLives MARAC guidance: cases heard within 28 days of referral (the policy "
         "limit); the 95% and 85% bands are the force's own choice"),
    Rule("51", "marac_days_to_hearing", "latest", 21.0, 28.0,
         "Amber at the 28-day limit in SafeLives guidance (seed 003's control limit); "
         "green at 21 days is the force's own choice"),
    Rule("53", "arrests_per_100_crimes", "ytd_change", 0.0, -5.0),
    Rule("53", "dvpo_check_compliance", "ytd", 85.0, 70.0),
    Rule("56", "encompass_on_time", "ytd", 95.0, 85.0,
         "Operation Encompass: schools told before the next school day; the 95% and 85% "
         "bands are the force's own choice"),
)


class RuleError(ValueError):
    """A RAG rules file that names an unknown KPI, figure or threshold."""


def load_rules(path: str | Path | None) -> tuple[Rule, ...]:
    if not path:
        return DEFAULT_RULES
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleError(f"{path}: cannot read RAG rules ({exc})") from exc
    rules = []
    for n, item in enumerate(raw, 1):
        try:
            rule = Rule(commitment=str(item["commitment"]), kpi=item["kpi"],
                        figure=item["figure"], green=float(item["green"]),
                        amber=float(item["amber"]),
                        source=str(item.get("source") or FORCE_CHOICE))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{path}: rule {n}: {exc!r}; each rule needs commitment, kpi, "
                            "figure, green, amber") from exc
        if rule.commitment not in COMMITMENTS:
            raise RuleError(f"{path}: rule {n}: unknown commitment {rule.commitment!r}")
        if rule.figure not in FIGURES:
            raise RuleError(f"{path}: rule {n}: figure must be one of {', '.join(FIGURES)}")
        try:
            catalogue.get(rule.kpi)
        except catalogue.CatalogueError as exc:
            raise RuleError(f"{path}: rule {n}: {exc}") from exc
        rules.append(rule)
    return tuple(rules)


def rate(value: float | None, rule: Rule) -> str | None:
    if value is None:
        return None
    if catalogue.get(rule.kpi).better == "lower":
        return "green" if value <= rule.green else "amber" if value <= rule.amber else "red"
    return "green" if value >= rule.green else "amber" if value >= rule.amber else "red"


@dataclass
class RuleResult:
    rule: Rule
    value: float | None
    rating: str | None


@dataclass
class Rating:
    commitment: str
    title: str
    computed: str | None
    rating: str | None
    results: list[RuleResult]
    override_reason: str = ""
    override_by: str = ""
    override_at: object = None

    @property
    def official(self) -> bool:
        """Whether the rating shown is the one the Commissioner's office assigned."""
        return bool(self.override_by)

    def as_dict(self) -> dict:
        return {**asdict(self), "results": [
            {"rule": r.rule.describe(), "source": r.rule.source, "value": r.value,
             "rating": r.rating}
            for r in self.results]}


def figure(pack, rule: Rule, as_of, lpa_id: int | None = None) -> float | None:
    """The rule's figure for the force (or one LPA, rated by the same thresholds)."""
    comparison = pack.ytd_comparison(rule.kpi, as_of, years_back=1, lpa_id=lpa_id)
    if rule.figure == "ytd":
        return comparison[0]["value"]
    if rule.figure == "ytd_change":
        now, before = comparison[0]["value"], comparison[1]["value"]
        return None if now is None or before is None else now - before
    last = comparison[0]["last"]
    return pack.period(rule.kpi, last, last, lpa_id)["value"]


def rate_commitments(pack, rules, as_of, overrides: dict | None = None) -> list[Rating]:
    """Ratings per commitment; `overrides` maps commitment -> RagOverride."""
    out = []
    for ref, title in COMMITMENTS.items():
        results = []
        for rule in (r for r in rules if r.commitment == ref):
            value = figure(pack, rule, as_of)
            results.append(RuleResult(rule, value, rate(value, rule)))
        rated = [r.rating for r in results if r.rating]
        computed = max(rated, key=ORDER.get) if rated else None
        rating = Rating(ref, title, computed, computed, results)
        override = (overrides or {}).get(ref)
        if override is not None:
            rating.rating = override.rating
            rating.override_reason = override.reason
            rating.override_by = override.actor
            rating.override_at = override.set_at
        out.append(rating)
    return out
