"""DASH-27 / RIC-24 assessments for the victims of incidents, with supervision."""

from __future__ import annotations

import random

from vigil.synth.clock import HOUR
from vigil.synth.force import Force, IncidentContext
from vigil.synth.identity import CONNECT

# Who gave each answer, in per cent: a lookup by a uniform draw times 100.
SOURCES = ("victim",) * 80 + ("officer",) * 10 + ("records",) * 7 + ("third_party",) * 3
QUESTIONS = tuple(str(q) for q in range(1, 28))
ANSWER_COLUMNS = ("assessment", "question", "answer", "source")
REASONS = ("Recent separation and escalating threats; victim very frightened.",
           "Non-fatal strangulation disclosed; professional judgement raises the risk.",
           "Victim minimising; officer's observations of injuries and fear.",
           "Perpetrator has a history of violence against previous partners.",
           "Pregnancy and escalation in frequency of incidents.")


class RiskAssessments:
    def __init__(self, force: Force, on_assessed):
        self.f = force
        self.on_assessed = on_assessed  # called with (ctx, ref, yes, actuarial, final)
        force.hooks_incident.append(self.assess)

    def assess(self, ctx: IncidentContext) -> None:
        f = self.f
        d, sink = f.d, f.sink
        if not d.chance(0.7 if ctx.grade == "resolution" else 0.93):
            self.on_assessed(ctx, None, 0, 0, 0)
            return
        ric = d.chance(0.12)
        instrument, questions = ("RIC24", 24) if ric else ("DASH27", 27)
        p = d.rng.beta(1.5, 7.8) * (1 + 0.22 * min(ctx.recent - 1, 5))
        yes = d.binomial(questions, min(p, 0.95))
        actuarial = f.policy.actuarial_level(yes)
        assessed = ctx.t + int(d.uniform(0.5, 6) * HOUR)
        officer = d.pick(f.officers)
        officer_level, reason = actuarial, ""
        if actuarial < 3 and d.chance(0.02 + 0.008 * min(ctx.recent - 1, 3)):
            officer_level, reason = 3, d.pick(REASONS)
        elif actuarial == 1 and d.chance(0.03):
            officer_level, reason = 2, d.pick(REASONS)
        supervised = f.ok(assessed + (d.lognormal(8 * HOUR, 0.6) if d.chance(0.85)
                                      else d.uniform(24, 120) * HOUR))
        supervisor = supervisor_level = None
        final, set_by = officer_level, officer
        if supervised is not None and d.chance(0.97):
            supervisor = d.pick(f.sergeants)
            supervisor_level = officer_level
            if supervisor_level < 3 and d.chance(0.015):
                supervisor_level += 1
                reason = reason or d.pick(REASONS)
            final, set_by = supervisor_level, supervisor
        else:
            supervised = None
        aid = f.nid("R")
        ref = f"{CONNECT}:{aid}"
        sink.add("risk_assessments", source_system=CONNECT, source_id=aid,
                 instrument=instrument, victim=f.people.ref(CONNECT, ctx.rel.victim, ctx.t),
                 incident=ctx.ref, crime=ctx.crimes[0].ref if ctx.crimes else None,
                 assessed_at=assessed, officer=officer, yes_count=yes,
                 officer_level=officer_level, supervisor=supervisor, supervised_at=supervised,
                 supervisor_level=supervisor_level, final_level=final, final_set_by=set_by,
                 judgement_reason=reason if final > actuarial else "",
                 suicide_risk_screened=True if d.chance(0.6 + 0.3 * f.share_of_history(ctx.t))
                 else None)
        u = d.u
        order = list(range(questions))
        for i in range(yes):  # a partial shuffle picks the questions answered Yes
            j = i + int(u() * (questions - i))
            order[i], order[j] = order[j], order[i]
        yes_questions = set(order[:yes])
        sink.bulk("risk_answers", ANSWER_COLUMNS, [
            (ref, QUESTIONS[q], "Y" if q in yes_questions else ("DK" if u() < 0.08 else "N"),
             SOURCES[int(u() * 100)]) for q in range(questions)])
        self._allocate(ctx, assessed, max(actuarial, final))
        self.on_assessed(ctx, ref, yes, actuarial, final)

    def _allocate(self, ctx: IncidentContext, assessed: int, level: int) -> None:
        """R&A's allocation of each crime from the incident (seed 003): high risk to the
        PPU, standard and medium to the LPA, a few filed with safeguarding. Drawn from a
        generator of its own, seeded by the crime, so the force's other draws are as
        before."""
        f = self.f
        for crime in ctx.crimes:
            rng = random.Random(f"allocation:{crime.ref}")
            at = f.ok(max(crime.recorded_at, assessed) + int(rng.uniform(1, 30) * HOUR))
            if at is None:
                continue
            filed = level < 3 and rng.random() < 0.08
            route = "filed" if filed else ("ppu" if level == 3 else "lpa")
            f.sink.add("allocations", source_system=CONNECT, source_id=f.nid("AL"),
                       crime=crime.ref, allocated_at=at,
                       allocated_by=f.sergeants[int(rng.random() * len(f.sergeants))],
                       route=route, risk_level=level,
                       officer_name="" if filed else
                       f.officers[int(rng.random() * len(f.officers))],
                       safeguarding="Safety plan agreed with the victim; IDVA referral "
                                    "offered" if filed else "", reason="")
