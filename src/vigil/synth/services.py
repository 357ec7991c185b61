"""Operation Encompass, control-room log reviews and Clare's Law applications."""

from __future__ import annotations

from vigil.synth import reference as R
from vigil.synth.clock import DAY, HOUR, YEAR_DAYS, next_school_day_start
from vigil.synth.draw import Weighted
from vigil.synth.force import Force, IncidentContext, is_school_age
from vigil.synth.identity import CONNECT, CONTROL, birth_date

VOICE = ("Child said they were scared and hid upstairs.",
         "Child told officers they wanted their mum to be safe.",
         "Child was asleep and did not wake.",
         "Child said this happens a lot when dad has been drinking.")
CIRCUMSTANCES = ("Verbal argument between adults at the home; police attended.",
                 "Assault between adults at the home address; one adult arrested.",
                 "Disturbance at the home overnight; the child may be tired or upset.",
                 "Ex-partner attended the home and caused damage; police attended.")
FEEDBACK = Weighted({"none": 40, "direct": 30, "line_manager": 20, "live": 10})
DECISIONS = Weighted({"disclose": 45, "no_disclosure": 38, "withdrawn": 17})
QUALITY = Weighted({"good": 45, "adequate": 40, "poor": 15})
# The subject's relationship to the person at risk, from the DA relationship (a new
# partner is one under a year old when the application is received).
DVDS_RELATIONSHIP = {"intimate_partner": "partner", "ex_partner": "ex_partner",
                     "family_member": "family", "other": "other"}
SAFETY_PLANS = ("IDVA referral made; safety plan agreed with the person at risk.",
                "Referred to the local DA service; panic alarm fitted; safe word agreed.",
                "Safety plan agreed; marker placed on the address; IDVA to follow up.")


class Services:
    def __init__(self, force: Force):
        self.f = force
        per_incident = R.LOG_REVIEWS_PER_MONTH * 12 / R.INCIDENTS_PER_YEAR
        self.p_review = min(1.0, per_incident)
        force.hooks_incident.append(self.after_incident)

    def after_incident(self, ctx: IncidentContext) -> None:
        self.encompass(ctx)
        if ctx.t >= self.f.review_from and self.f.d.chance(self.p_review):
            self.log_review(ctx)

    def encompass(self, ctx: IncidentContext) -> None:
        f = self.f
        d = f.d
        for child, present, school in ctx.children:
            if not is_school_age(child, ctx.day):
                continue
            deadline = next_school_day_start(ctx.t)
            roll = d.u()
            if roll < 0.88:  # in time: usually within hours, always before the deadline
                notified = ctx.t + int(min(d.uniform(0.1, 0.97) * (deadline - ctx.t),
                                           d.uniform(1, 30) * HOUR))
            elif roll < 0.97:
                notified = deadline + int(d.uniform(1, 30) * HOUR)
            else:
                notified = None
            notified = f.ok(notified)
            f.sink.add("encompass", source_system=CONNECT, source_id=f.nid("E"),
                       incident=ctx.ref, child=f.people.ref(CONNECT, child, ctx.t),
                       school=school, local_authority=f.geo.school_la.get(school, ctx.rel.lpa),
                       child_present=present,
                       voice_of_child=d.pick(VOICE) if present and d.chance(0.5) else "",
                       circumstances=d.pick(CIRCUMSTANCES), notified_at=notified,
                       notified_by=d.pick(f.care_staff) if notified else "")

    def log_review(self, ctx: IncidentContext) -> None:
        f = self.f
        d = f.d
        reviewed = f.ok(ctx.t + int(d.uniform(0.5, 72) * HOUR))
        if reviewed is None:
            return
        s = ctx.shows
        f.sink.add("log_reviews", source_system=CONTROL, source_id=f.nid("LR"),
                   incident=ctx.ref, reviewed_at=reviewed, reviewer=d.pick(f.specialists),
                   feedback=FEEDBACK(d), positive_feedback=d.chance(0.35),
                   regraded=d.chance(0.08), reopened=d.chance(0.04),
                   risk_assessment_feedback=d.chance(0.15),
                   reassurance_given=s.reassurance_given,
                   asked_support_services=s.asked_support_services,
                   children_identified=s.children_identified,
                   key_risk_factors_asked=s.key_risk_factors_asked,
                   victim_blaming_language=s.victim_blaming_language)

    def clares_law(self) -> None:
        f = self.f
        d = f.d
        years = (f.end_ts - f.start_ts) / (YEAR_DAYS * DAY)
        times = sorted(int(d.uniform(f.start_ts, f.end_ts))
                       for _ in range(d.poisson(R.DVDS_PER_YEAR * f.scale * years)))
        for received in times:
            rel = f.rel_near(received)
            ask = d.chance(0.62)
            at_risk = f.people.ref(CONNECT, rel.victim, received)
            applicant, kind = None, "police"
            if ask:
                if d.chance(0.7):
                    applicant, kind = at_risk, "partner"
                else:
                    friend = f.people.new(
                        "F" if d.chance(0.8) else "M", birth_date(d, received, 18, 75, 40),
                        rel.lpa, f.geo.towns[rel.lpa], t=received, life_events=False)
                    applicant, kind = f.people.ref(CONNECT, friend, received), "third_party"
            checks = received + int((d.uniform(1, 23) if d.chance(0.86) else d.uniform(25, 96))
                                    * HOUR)
            decided = received + int((d.uniform(5, 27.5) if d.chance(0.82)
                                      else d.uniform(29, 60)) * DAY)
            decision = DECISIONS(d) if f.ok(decided) else ""
            disclosed = (f.ok(decided + int(d.uniform(1, 5) * DAY))
                         if decision == "disclose" else None)
            relationship = DVDS_RELATIONSHIP.get(rel.relationship, "other")
            if relationship == "partner" and received - rel.started < YEAR_DAYS * DAY:
                relationship = "new_partner"
            # The panel's three tests: a disclosure passes all three; a refusal fails at
            # least "necessary"; a withdrawn application has none.
            tests = {"disclose": (True, True, True),
                     "no_disclosure": (True, False, d.chance(0.3))}.get(decision,
                                                                       (None, None, None))
            safety_plan = decision == "disclose" and d.chance(0.88)
            aid = f.nid("D", 6)
            f.sink.add("dvds_applications", source_system=CONNECT, source_id=aid,
                       route="ask" if ask else "know", applicant_type=kind, applicant=applicant,
                       person_at_risk=at_risk, subject=f.people.ref(CONNECT, rel.perp, received),
                       lpa=rel.lpa, received_at=received, initial_checks_at=f.ok(checks),
                       decision=decision, decided_at=f.ok(decided) if decision else None,
                       disclosed_at=disclosed, relationship=relationship,
                       lawful=tests[0], necessary=tests[1], proportionate=tests[2],
                       disclosed_by=d.pick(f.sergeants) if disclosed else "",
                       disclosed_to=("the third-party applicant" if kind == "third_party"
                                     and d.chance(0.2) else "the person at risk")
                       if disclosed else "",
                       safety_plan=safety_plan,
                       safety_plan_detail=d.pick(SAFETY_PLANS) if safety_plan else "",
                       form_quality=QUALITY(d) if d.chance(0.9) else "")
            steps = [("initial_checks", checks)]
            multi_agency = decided - int(d.uniform(0.1, 2) * DAY)
            if ask:  # meet the applicant between the checks and the decision meeting
                steps.append(("face_to_face",
                              checks + int(d.uniform(0.2, 0.8) * (multi_agency - checks))))
            steps.append(("multi_agency", multi_agency))
            if disclosed:
                steps.append(("disclosure", disclosed))
            if decision:
                steps.append(("closed", (disclosed or decided) + HOUR))
            for step, at_ in steps:
                if f.ok(at_) is not None and at_ >= received:
                    f.sink.add("dvds_steps", source_system=CONNECT, source_id=f.nid("DS"),
                               application=f"{CONNECT}:{aid}", step=step, at=at_,
                               by=d.pick(f.sergeants), note="")
