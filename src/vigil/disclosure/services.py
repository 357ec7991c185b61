"""Clare's Law's write path from the web app: the application, its steps, the multi-agency
decision and the disclosure.

Every change goes through `vigil.core.records` (checked, audited in the same
transaction, the rules answer at once); each refuses a wrong role or area
(`records.authorise`) and bad input with a `RecordInvalid` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from vigil.core import records, roles
from vigil.core.models import Area
from vigil.disclosure.checks import check_application
from vigil.disclosure.models import DvdsApplication, DvdsStep
from vigil.people.models import Person, SourceRecord

Route, Applicant, Decision = (DvdsApplication.Route, DvdsApplication.Applicant,
                              DvdsApplication.Decision)
CAPABILITY = roles.complete_task("clares_law")


@dataclass(frozen=True)
class Party:
    """A person named on an application form (as the applicant wrote them)."""

    forename: str
    surname: str
    date_of_birth: date | None = None

    @property
    def given(self) -> bool:
        return bool(self.surname.strip())


def _party_record(party: Party, *, actor, context: str, field: str) -> SourceRecord:
    """The person as the application names them: a source record under VIGIL, founding a
    person of its own until linkage joins it to the force's other records of them."""
    if not party.surname.strip():
        raise records.RecordInvalid([(field, "", "give the surname")])
    person = Person.objects.create(forename=party.forename.strip(),
                                   surname=party.surname.strip(),
                                   date_of_birth=party.date_of_birth)
    return records.save(SourceRecord(forename=party.forename.strip(),
                                     surname=party.surname.strip(),
                                     date_of_birth=party.date_of_birth, person=person),
                        actor=actor, person_ids=(), context=context)


def _shared_checks(app: DvdsApplication) -> list[records.Problem]:
    """The checks the import runs on the same record (disclosure.checks)."""
    return check_application({f.name: getattr(app, f.attname)
                              for f in app._meta.concrete_fields})


def application_problems(*, route: str, applicant_type: str, applicant: Party | None,
                         applicant_relationship: str, received_at: datetime | None,
                         now: datetime) -> list[records.Problem]:
    """What is wrong with an application's route and applicant (the form and the service
    share this)."""
    problems: list[records.Problem] = []
    if route == Route.RIGHT_TO_KNOW and applicant_type != Applicant.POLICE:
        problems.append(("applicant_type", applicant_type,
                         "a Right to Know application is made by the police"))
    if route == Route.RIGHT_TO_ASK and applicant_type == Applicant.POLICE:
        problems.append(("applicant_type", applicant_type,
                         "a Right to Ask application is made by the person at risk or a "
                         "third party"))
    if applicant_type == Applicant.THIRD_PARTY:
        if applicant is None or not applicant.given:
            problems.append(("applicant_surname", "", "give the third-party applicant's name"))
        if not applicant_relationship.strip():
            problems.append(("applicant_relationship", "",
                             "say how the applicant knows the person at risk"))
    if received_at is not None and received_at > now:
        problems.append(("received_at", received_at, "the application cannot be received in "
                                                     "the future"))
    return problems


def create_application(*, actor, route: str, applicant_type: str, person_at_risk: Party,
                       subject: Party, relationship: str, lpa: Area, received_at: datetime,
                       form_quality: str = "", applicant: Party | None = None,
                       applicant_relationship: str = "", context: str = ""
                       ) -> DvdsApplication:
    """A Right to Ask or Right to Know application, received by the Clare's Law team.

    The initial-checks (24 elapsed hours) and decision (28 days) clocks start at
    `received_at`; the rules open both tasks in the same transaction."""
    records.authorise(actor, CAPABILITY, [lpa.pk], what="disclosure.dvdsapplication")
    problems = application_problems(route=route, applicant_type=applicant_type,
                                    applicant=applicant,
                                    applicant_relationship=applicant_relationship,
                                    received_at=received_at, now=timezone.now())
    if not person_at_risk.given:
        problems.append(("person_at_risk_surname", "", "give the person at risk's surname"))
    if not subject.given:
        problems.append(("subject_surname", "", "give the subject's surname"))
    if problems:
        raise records.RecordInvalid(problems)
    with transaction.atomic():
        at_risk = _party_record(person_at_risk, actor=actor, context=context,
                                field="person_at_risk_surname")
        subj = _party_record(subject, actor=actor, context=context, field="subject_surname")
        applicant_record = None
        if applicant_type == Applicant.PARTNER:
            applicant_record = at_risk
        elif applicant_type == Applicant.THIRD_PARTY:
            applicant_record = _party_record(applicant, actor=actor, context=context,
                                             field="applicant_surname")
        app = DvdsApplication(route=route, applicant_type=applicant_type,
                              applicant=applicant_record, person_at_risk=at_risk,
                              subject=subj, relationship=relationship,
                              applicant_relationship=applicant_relationship.strip(), lpa=lpa,
                              received_at=received_at, form_quality=form_quality)
        return records.save(app, actor=actor, person_ids={at_risk.person_id},
                            as_of=received_at, context=context, problems=_shared_checks(app))


def record_step(application: DvdsApplication, *, actor, step: str, at: datetime,
                note: str = "", context: str = "") -> DvdsStep:
    """One step of an application; initial checks also date the application's checks."""
    records.authorise(actor, CAPABILITY, [application.lpa_id], what="disclosure.dvdsstep")
    persons = {application.person_at_risk.person_id}
    with transaction.atomic():
        if step == DvdsStep.Step.INITIAL_CHECKS and application.initial_checks_at is None:
            application.initial_checks_at = at
            records.save(application, actor=actor, person_ids=(), context=context,
                         detail={"initial_checks_at": at.isoformat()})
        return records.save(
            DvdsStep(application=application, step=step, at=at,
                     by=records.actor_name(actor), note=note.strip()),
            actor=actor, person_ids=persons, as_of=at, context=context)


def decision_problems(decision: str, *, lawful, necessary, proportionate,
                      reasons: str) -> list[records.Problem]:
    """A decision names the three tests and its reasons; to disclose, all three must pass."""
    problems: list[records.Problem] = []
    if decision not in Decision.values:
        problems.append(("decision", decision, "choose a decision"))
    tests = {"lawful": lawful, "necessary": necessary, "proportionate": proportionate}
    if decision != Decision.WITHDRAWN:
        for name, value in tests.items():
            if value is None:
                problems.append((name, "", f"say whether disclosure is {name}"))
        failed = [name for name, value in tests.items() if value is False]
        if decision == Decision.DISCLOSE and failed:
            problems.append(("decision", decision,
                             "a disclosure must be lawful, necessary and proportionate; the "
                             f"panel found it not {' or '.join(failed)}"))
    if not (reasons or "").strip():
        problems.append(("rationale", "", "give the panel's reasons"))
    return problems


def record_decision(application: DvdsApplication, *, actor, decision: str, at: datetime,
                    note: str = "", lawful: bool | None = None, necessary: bool | None = None,
                    proportionate: bool | None = None, context: str = "") -> DvdsStep:
    """The multi-agency decision (disclose, no disclosure, withdrawn): whether disclosure
    is lawful, necessary and proportionate, with the panel's reasons, and its step."""
    records.authorise(actor, CAPABILITY, [application.lpa_id],
                      what="disclosure.dvdsapplication")
    problems = decision_problems(decision, lawful=lawful, necessary=necessary,
                                 proportionate=proportionate, reasons=note)
    if problems:
        raise records.RecordInvalid(problems)
    with transaction.atomic():
        application.decision, application.decided_at = decision, at
        application.lawful, application.necessary = lawful, necessary
        application.proportionate = proportionate
        records.save(application, actor=actor, person_ids=(), context=context,
                     problems=_shared_checks(application),
                     detail={"decision": decision, "lawful": lawful, "necessary": necessary,
                             "proportionate": proportionate})
        step = (DvdsStep.Step.CLOSED if decision == Decision.WITHDRAWN
                else DvdsStep.Step.MULTI_AGENCY)
        return records.save(
            DvdsStep(application=application, step=step, at=at,
                     by=records.actor_name(actor), note=note.strip()),
            actor=actor, person_ids={application.person_at_risk.person_id}, as_of=at,
            context=context)


class NoDecision(records.RecordInvalid):
    """A disclosure asked for before the panel decided to disclose."""


def record_disclosure(application: DvdsApplication, *, actor, at: datetime, disclosed_to: str,
                      safety_plan: str, context: str = "") -> DvdsStep:
    """The disclosure: who made it (the actor), to whom, when, and the safety plan made
    with them. Refused unless the multi-agency panel decided to disclose."""
    records.authorise(actor, CAPABILITY, [application.lpa_id],
                      what="disclosure.dvdsapplication")
    application.refresh_from_db()
    if application.decision != Decision.DISCLOSE:
        said = (f"the panel decided: {application.get_decision_display().lower()}"
                if application.decision else "no multi-agency decision is recorded yet")
        raise NoDecision([("decision", application.decision,
                           f"A disclosure needs the multi-agency decision to disclose; {said}")])
    if application.disclosed_at is not None:
        raise records.RecordInvalid([("disclosed_at", application.disclosed_at,
                                      "the disclosure is already recorded")])
    problems = []
    if not disclosed_to.strip():
        problems.append(("disclosed_to", "", "say to whom the disclosure was made"))
    if not safety_plan.strip():
        problems.append(("safety_plan", "", "describe the safety plan made with them"))
    if application.decided_at and at < application.decided_at:
        problems.append(("disclosed_at", at, "the disclosure is before the decision"))
    if problems:
        raise records.RecordInvalid(problems)
    by = records.actor_name(actor)
    with transaction.atomic():
        application.disclosed_at, application.disclosed_by = at, by[:100]
        application.disclosed_to = disclosed_to.strip()[:100]
        application.safety_plan, application.safety_plan_detail = True, safety_plan.strip()
        records.save(application, actor=actor, person_ids=(), context=context,
                     problems=_shared_checks(application),
                     detail={"disclosed_to": application.disclosed_to})
        return records.save(
            DvdsStep(application=application, step=DvdsStep.Step.DISCLOSURE, at=at, by=by,
                     note=f"Disclosed to {application.disclosed_to}. Safety plan: "
                          f"{application.safety_plan_detail}"),
            actor=actor, person_ids={application.person_at_risk.person_id}, as_of=at,
            context=context)
