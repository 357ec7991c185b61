"""Plain-English call-log narratives.

A log shows, or does not show, what the control-room review looks for
(reassurance, support services, children, key risk factors, victim-blaming
language); the review of a log records exactly what its narrative shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.synth.draw import Draw


@dataclass(frozen=True)
class LogShows:
    reassurance_given: bool
    asked_support_services: bool
    children_identified: bool
    key_risk_factors_asked: bool
    victim_blaming_language: bool


CALLERS = ("Caller", "The caller", "Informant", "The victim")
OPENINGS = (
    "{caller} states her {rel} has come round to the address and is shouting and banging "
    "on the door.",
    "{caller} reports an argument with her {rel} that has turned physical; she says he "
    "pushed her against the wall.",
    "{caller} says her {rel} has been sending threatening messages all evening and is now "
    "outside the house.",
    "Neighbour reports hearing a woman screaming and things being thrown at the address.",
    "{caller} states her {rel} grabbed her by the throat during an argument and has left "
    "on foot.",
    "{caller} reports her {rel} has smashed the front window and is refusing to leave.",
    "{caller} says her {rel} took her phone and bank card and will not let her leave the "
    "flat.",
    "{caller} reports ongoing harassment by her {rel} after she ended the relationship.",
)
SUSPECT_LINES = (
    "Suspect believed to be in drink.",
    "Suspect still at the address.",
    "Suspect left prior to call, direction unknown.",
    "Caller does not know where the suspect is now.",
    "Suspect is believed to be in a car nearby.",
)
REASSURANCE = (
    "Call handler reassured the caller that officers were on the way and stayed on the line.",
    "Advised caller that help is coming and to stay in a room with a lockable door.",
    "Caller reassured; told to call back on 999 if anything changes.",
)
SUPPORT = (
    "Asked whether she is in contact with any support services; given details of Women's Aid.",
    "Asked if she has an IDVA or support worker - she does not; offered the helpline number.",
    "Handler asked about support services and signposted the National DA Helpline.",
)
CHILDREN_YES = (
    "Handler asked about children: {n} in the house, currently upstairs.",
    "Caller confirms {n} child(ren) present at the address.",
    "Children at the address: {n}. Caller says they saw the incident.",
)
CHILDREN_NONE = (
    "Handler asked about children in the household - none.",
    "No children at the address (confirmed with caller).",
)
RISK = (
    "Handler asked about recent separation: caller ended the relationship {weeks} weeks ago.",
    "Asked about previous strangulation and threats to kill - caller says he has choked her "
    "before.",
    "Key risk questions asked: recent separation, pregnancy, weapons, escalation.",
    "Handler asked whether the abuse is getting worse or happening more often - caller says yes.",
)
BLAMING = (
    "Handler: why do you keep letting him back in if he does this?",
    "Handler asked caller what she did to start the argument.",
    "Log notes caller 'winding him up' before the assault.",
)
CLOSINGS = (
    "Officers deployed.",
    "Log passed to despatch.",
    "Resource assigned, ETA 10 minutes.",
    "Scheduled appointment offered.",
    "Crime report to follow.",
)


def narrative(d: Draw, relationship: str, children: int, improvement: float
              ) -> tuple[str, LogShows]:
    """A log narrative and what it shows; `improvement` (0-1) grows once reviews begin."""
    rel = {"intimate_partner": "partner", "ex_partner": "ex-partner",
           "family_member": d.pick(("son", "brother", "father"))}[relationship]
    lift = 0.15 * improvement
    shows = LogShows(
        reassurance_given=d.chance(0.68 + lift),
        asked_support_services=d.chance(0.42 + lift),
        children_identified=d.chance((0.78 if children else 0.55) + lift),
        key_risk_factors_asked=d.chance(0.47 + lift),
        victim_blaming_language=d.chance(0.06 - 0.035 * improvement),
    )
    parts = [d.pick(OPENINGS).format(caller=d.pick(CALLERS), rel=rel), d.pick(SUSPECT_LINES)]
    if shows.reassurance_given:
        parts.append(d.pick(REASSURANCE))
    if shows.key_risk_factors_asked:
        parts.append(d.pick(RISK).format(weeks=d.integer(1, 8)))
    if shows.children_identified:
        parts.append(d.pick(CHILDREN_YES).format(n=children) if children
                     else d.pick(CHILDREN_NONE))
    if shows.asked_support_services:
        parts.append(d.pick(SUPPORT))
    if shows.victim_blaming_language:
        parts.append(d.pick(BLAMING))
    parts.append(d.pick(CLOSINGS))
    return " ".join(parts), shows


def shown_in(text: str) -> LogShows:
    """What a narrative shows, read back from its text (used to check consistency)."""
    return LogShows(
        reassurance_given=any(s in text for s in REASSURANCE),
        asked_support_services=any(s in text for s in SUPPORT),
        children_identified=any(s.split("{")[0] in text for s in CHILDREN_YES + CHILDREN_NONE),
        key_risk_factors_asked=any(s.split("{")[0] in text for s in RISK),
        victim_blaming_language=any(s in text for s in BLAMING),
    )
