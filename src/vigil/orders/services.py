"""Orders' write path from the web app: notices served, hearings, variations, expiry,
weekly checks, breaches, the subject's notification, and the prioritisation dip check.

Each function checks with the import's checks (orders.checks), stores the record (new
ones under the source system VIGIL), audits it and lets the rules answer, in one
transaction (vigil.core.records.save). A refused record leaves nothing written.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from vigil.core import policy as policies
from vigil.core import records, roles
from vigil.core.calendar import local
from vigil.core.checks import Problem, RecordInvalid, as_date
from vigil.orders import checks
from vigil.orders.models import (
    NOTICE_TYPES,
    OrderAvailability,
    OrderBreach,
    OrderCheck,
    OrderCondition,
    OrderType,
    OrderVariation,
    PrioritisationDipCheck,
    ProtectedPerson,
    ProtectiveOrder,
)

# The order a court makes at the hearing that follows each notice.
ORDER_AFTER_NOTICE = {OrderType.DVPN: OrderType.DVPO, OrderType.DAPN: OrderType.DAPO}
ORDERS = "civil_orders"


def _persons(order: ProtectiveOrder) -> set:
    return {order.subject.person_id,
            *order.protected_persons.values_list("person__person_id", flat=True)}


def available(order_type: str, lpa_id: int, on: date) -> bool:
    """Whether the order type exists in the LPA on the day (OrderAvailability)."""
    from django.db.models import Q

    if order_type == OrderType.BAIL:  # bail conditions exist everywhere (Bail Act 1976)
        return True
    return OrderAvailability.objects.filter(
        Q(available_to__isnull=True) | Q(available_to__gte=on), order_type=order_type,
        area_id=lpa_id, available_from__lte=on).exists()


def rank_problems(order_type: str, rank: str, policy=None) -> list[Problem]:
    """The authorising officer's rank against the law's minimum for the notice."""
    policy = policy or policies.current()
    ranks = list(policy.police_ranks)
    needed = dict(policy.notice_min_rank).get(str(order_type))
    if needed is None:
        return []
    if rank not in ranks:
        return [("authorised_rank", rank, f"choose the authorising officer's rank (one of "
                                          f"{', '.join(ranks)})")]
    if ranks.index(rank) < ranks.index(needed):
        return [("authorised_rank", rank, f"a {order_type} must be authorised by a {needed} "
                                          f"or above; a {rank} cannot authorise it")]
    return []


def serve_notice(*, actor, order_type: str, subject, protected: list, lpa, served_at: datetime,
                 authorised_by: str, authorised_rank: str, crime=None, neighbourhood=None,
                 conditions: list[tuple[str, str]] = (), victim_engagement: str = "",
                 now: datetime | None = None, context: str = "") -> ProtectiveOrder:
    """Serve a DVPN or DAPN: rank, ages and availability checked; the rules then open the
    48-hour hearing clock (Sundays and holidays not counted) and the weekly checks."""
    records.authorise(actor, roles.complete_task(ORDERS), [lpa.pk], what="orders.protectiveorder")
    now = now or timezone.now()
    problems: list[Problem] = []
    if order_type not in {str(t) for t in NOTICE_TYPES}:
        problems.append(("order_type", order_type, "only a DVPN or a DAPN is served by police"))
    if served_at > now:
        problems.append(("served_at", served_at, "the service time is in the future"))
    day = as_date(served_at)
    if order_type and not available(order_type, lpa.pk, day):
        problems.append(("order_type", order_type,
                         f"a {order_type} is not available in {lpa} on {day:%d %B %Y} "
                         f"(see the order availability list)"))
    problems += rank_problems(order_type, authorised_rank)
    if not (authorised_by or "").strip():
        problems.append(("authorised_by", "", "name the authorising officer"))
    if not protected:
        problems.append(("protected", "", "a notice protects at least one person"))
    order = ProtectiveOrder(
        order_type=order_type, subject=subject, lpa=lpa, crime=crime, served_at=served_at,
        authorised_by=(authorised_by or "").strip(), authorised_rank=authorised_rank,
        status=ProtectiveOrder.Status.LIVE, neighbourhood=neighbourhood,
        victim_engagement=victim_engagement)
    values = {"order_type": order_type, "subject": subject.pk, "served_at": served_at}
    problems += checks.check_order(values, {"subject": {"date_of_birth": subject.date_of_birth}})
    order.subject_age = values["subject_age"]
    for person in protected:
        pv = {"person": person.pk}
        problems += [("protected", f"{person.forename} {person.surname}", reason)
                     for _, _, reason in checks.check_protected_person(
                         pv, {"order": values, "person": {"date_of_birth": person.date_of_birth}})]
    persons = {subject.person_id, *(p.person_id for p in protected)}
    with transaction.atomic():
        records.save(order, actor=actor, person_ids=persons, as_of=served_at, context=context,
                     problems=problems, detail={"step": "served"})
        _add_parties(order, protected, conditions)
    return order


def _add_parties(order, protected, conditions) -> None:
    for person in protected:
        ProtectedPerson.objects.create(order=order, person=person,
                                       age=_age(person.date_of_birth, order))
    for number, (kind, text) in enumerate(conditions, start=1):
        OrderCondition.objects.create(order=order, number=number, kind=kind, text=text.strip())


def _age(dob, order) -> int | None:
    from vigil.core.checks import age_on

    when = checks.order_reference_date({"served_at": order.served_at,
                                        "made_on": order.made_on,
                                        "starts_on": order.starts_on,
                                        "applied_at": order.applied_at})
    return age_on(dob, when) if dob and when else None


def _application(notice: ProtectiveOrder) -> ProtectiveOrder | None:
    """The application for the order that follows the notice, while it awaits the hearing."""
    return notice.followed_by.filter(status=ProtectiveOrder.Status.APPLIED).first()


def _notice_problems(notice: ProtectiveOrder) -> list[Problem]:
    if notice.order_type not in {str(t) for t in NOTICE_TYPES}:
        return [("order_type", notice.order_type, "only a notice goes to a hearing")]
    if notice.status != ProtectiveOrder.Status.LIVE:
        return [("status", notice.get_status_display(),
                 "this notice's hearing is already recorded")]
    return []


def _when_problems(field: str, at: datetime, notice: ProtectiveOrder, now: datetime,
                   what: str) -> list[Problem]:
    if at > now:
        return [(field, at, f"the {what} time is in the future")]
    if notice.served_at and at < notice.served_at:
        return [(field, at, f"the {what} is before the notice was served")]
    return []


def apply_for_order(notice: ProtectiveOrder, *, actor, applied_at: datetime, court: str,
                    now: datetime | None = None, context: str = "") -> ProtectiveOrder:
    """The application to the magistrates' court for the DVPO (DAPO) that follows a notice.
    The order is held as applied for, with the notice's protected persons and conditions,
    until the hearing grants or refuses it (the DVPO applications measures count both)."""
    records.authorise(actor, roles.complete_task(ORDERS), [notice.lpa_id],
                      what="orders.protectiveorder")
    now = now or timezone.now()
    problems = _notice_problems(notice)
    kind = ORDER_AFTER_NOTICE.get(notice.order_type)
    earlier = _application(notice) if not problems else None
    if earlier is not None:
        problems.append(("applied_at", applied_at, f"the {kind} was already applied for on "
                         f"{timezone.localtime(earlier.applied_at):%d %B %Y %H:%M}"))
    problems += _when_problems("applied_at", applied_at, notice, now, "application")
    if not (court or "").strip():
        problems.append(("court", "", "name the court applied to"))
    if kind and not problems and not available(kind, notice.lpa_id, as_date(applied_at)):
        problems.append(("order_type", kind, f"a {kind} is not available in {notice.lpa} on "
                                             f"{as_date(applied_at):%d %B %Y}"))
    if problems:
        raise RecordInvalid(problems)
    order = ProtectiveOrder(
        order_type=kind, subject=notice.subject, subject_age=notice.subject_age,
        lpa=notice.lpa, follows=notice, crime=notice.crime, court=court.strip(),
        applied_at=applied_at, status=ProtectiveOrder.Status.APPLIED,
        neighbourhood=notice.neighbourhood, victim_engagement=notice.victim_engagement)
    with transaction.atomic():
        records.save(order, actor=actor, person_ids=_persons(notice), as_of=applied_at,
                     context=context, detail={"step": "applied"})
        _copy_parties(notice, order)
    return order


def _copy_parties(notice: ProtectiveOrder, order: ProtectiveOrder, conditions=()) -> None:
    protected = [p.person for p in notice.protected_persons.select_related("person")]
    _add_parties(order, protected,
                 conditions or [(c.kind, c.text) for c in notice.conditions.all()])


def record_hearing(notice: ProtectiveOrder, *, actor, hearing_at: datetime, granted: bool,
                   court: str = "", ends_on: date | None = None,
                   conditions: list[tuple[str, str]] = (), now: datetime | None = None,
                   context: str = "") -> ProtectiveOrder:
    """The hearing after a notice. The notice ends at it; the court's decision is the
    DVPO/DAPO's: granted, the order is made (in force from the hearing, with the notice's
    protected persons and conditions unless the court set others); refused, the
    application is recorded refused. The application recorded earlier is that order;
    without one, it is made here. Returns the DVPO/DAPO, granted or refused."""
    records.authorise(actor, roles.complete_task(ORDERS), [notice.lpa_id],
                      what="orders.protectiveorder")
    now = now or timezone.now()
    problems = _notice_problems(notice)
    problems += _when_problems("hearing_at", hearing_at, notice, now, "hearing")
    application = _application(notice) if not problems else None
    if application is not None and hearing_at < application.applied_at:
        problems.append(("hearing_at", hearing_at, "the hearing is before the application"))
    if granted and ends_on is None:
        problems.append(("ends_on", "", "give the date the order ends"))
    if granted and ends_on is not None and ends_on < as_date(hearing_at):
        problems.append(("ends_on", ends_on, "the order ends before the hearing"))
    kind = ORDER_AFTER_NOTICE.get(notice.order_type)
    if granted and kind and not problems and not available(kind, notice.lpa_id,
                                                           as_date(hearing_at)):
        problems.append(("order_type", kind, f"a {kind} is not available in {notice.lpa} on "
                                             f"{as_date(hearing_at):%d %B %Y}"))
    if problems:
        raise RecordInvalid(problems)
    court = court.strip() or (application.court if application else "") or notice.court
    with transaction.atomic():
        notice.hearing_at = hearing_at
        notice.court = court
        notice.status = ProtectiveOrder.Status.EXPIRED  # a notice lasts until its hearing
        records.save(notice, actor=actor, person_ids=_persons(notice), as_of=hearing_at,
                     context=context, detail={"step": "hearing", "granted": granted})
        order = application or ProtectiveOrder(
            order_type=kind, subject=notice.subject, subject_age=notice.subject_age,
            lpa=notice.lpa, follows=notice, crime=notice.crime,
            neighbourhood=notice.neighbourhood, victim_engagement=notice.victim_engagement)
        order.court = court
        order.hearing_at = hearing_at
        if granted:
            order.status = ProtectiveOrder.Status.LIVE
            order.served_at = hearing_at
            order.made_on = order.starts_on = as_date(hearing_at)
            order.ends_on = ends_on
        else:
            order.status = ProtectiveOrder.Status.REFUSED
        records.save(order, actor=actor, person_ids=_persons(notice), as_of=hearing_at,
                     context=context, detail={"step": "granted" if granted else "refused"})
        if application is None:
            _copy_parties(notice, order, conditions)
        elif conditions:
            order.conditions.all().delete()
            _add_parties(order, [], conditions)
    return order


# Orders a court makes without a police notice before them (a DVPO or DAPO that
# follows a notice is recorded at the notice's hearing).
COURT_ORDER_TYPES = (OrderType.DAPO, OrderType.INTERIM_DAPO, OrderType.SPO,
                     OrderType.INTERIM_SPO, OrderType.NMO, OrderType.RO_CONVICTION,
                     OrderType.RO_ACQUITTAL, OrderType.BAIL)
SPO_MIN_YEARS = 2  # Stalking Protection Act 2019: a full SPO lasts at least two years


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def record_court_order(*, actor, order_type: str, subject, protected: list, lpa,
                       made_on: date, court: str = "", ends_on: date | None = None,
                       crime=None, neighbourhood=None, conditions: list[tuple[str, str]] = (),
                       now: datetime | None = None, context: str = "") -> ProtectiveOrder:
    """An order made by a court (or bail conditions) that no notice came before: a
    non-molestation or restraining order, an SPO, a DAPO on application, bail. Checked
    like an imported order; the rules then open its notification, expiry and breach work."""
    records.authorise(actor, roles.complete_task(ORDERS), [lpa.pk], what="orders.protectiveorder")
    today = timezone.localdate(now or timezone.now())
    problems: list[Problem] = []
    if order_type in {str(t) for t in NOTICE_TYPES}:
        problems.append(("order_type", order_type, f"a {order_type} is served by police: "
                                                   "use Serve a notice"))
    elif order_type in {str(t) for t in ORDER_AFTER_NOTICE.values()} - {OrderType.DAPO}:
        problems.append(("order_type", order_type, f"a {order_type} follows its notice: record "
                                                   "it at the notice's hearing"))
    elif order_type not in {str(t) for t in COURT_ORDER_TYPES}:
        problems.append(("order_type", order_type, "choose the type of order"))
    if made_on > today:
        problems.append(("made_on", made_on, "the day the order was made is in the future"))
    elif order_type and not problems and not available(order_type, lpa.pk, made_on):
        problems.append(("order_type", order_type,
                         f"a {order_type} is not available in {lpa} on {made_on:%d %B %Y} "
                         f"(see the order availability list)"))
    if ends_on is not None and ends_on < made_on:
        problems.append(("ends_on", ends_on, "the order ends before it was made"))
    elif (order_type == OrderType.SPO and ends_on is not None
          and ends_on < _years_after(made_on, SPO_MIN_YEARS)):
        problems.append(("ends_on", ends_on, f"a stalking protection order lasts at least "
                                             f"{SPO_MIN_YEARS} years (an interim SPO may be "
                                             f"shorter)"))
    if order_type != OrderType.BAIL and not (court or "").strip():
        problems.append(("court", "", "name the court that made the order"))
    if not protected:
        problems.append(("protected", "", "an order protects at least one person"))
    values = {"order_type": order_type, "subject": subject.pk, "made_on": made_on}
    problems += checks.check_order(values, {"subject": {"date_of_birth": subject.date_of_birth}})
    if problems:  # in the form's words, before the model's own date-order message
        raise RecordInvalid(problems)
    ended = ends_on is not None and ends_on < today
    order = ProtectiveOrder(
        order_type=order_type, subject=subject, subject_age=values["subject_age"], lpa=lpa,
        crime=crime, court=(court or "").strip(), made_on=made_on, starts_on=made_on,
        ends_on=ends_on, neighbourhood=neighbourhood,
        status=ProtectiveOrder.Status.EXPIRED if ended else ProtectiveOrder.Status.LIVE)
    persons = {subject.person_id, *(p.person_id for p in protected)}
    with transaction.atomic():
        records.save(order, actor=actor, person_ids=persons, as_of=local(made_on),
                     context=context, detail={"step": "made"})
        _add_parties(order, protected, conditions)
    return order


def _terms(order: ProtectiveOrder) -> tuple[date | None, list[list[str]]]:
    return order.ends_on, [[c.kind, c.text] for c in order.conditions.all()]


def _lock(order: ProtectiveOrder, version: int | None) -> None:
    """Lock the order's row and refuse when it changed since the user opened it (two
    people varying the same order: the second is told, not overwritten)."""
    stored = ProtectiveOrder.objects.select_for_update().values_list(
        "version", flat=True).get(pk=order.pk)
    if version is not None and stored != version:
        from vigil.core.models import AuditEvent

        last = (AuditEvent.objects.filter(object_type="orders.protectiveorder",
                                          object_id=str(order.pk))
                .select_related("user").order_by("-at", "-id").first())
        who = ""
        if last is not None:
            name = (last.user.get_full_name() or last.user.username) if last.user else last.actor
            who = f" ({name}, {timezone.localtime(last.at):%-d %b %Y %H:%M})"
        raise RecordInvalid([("version", version, "someone changed this order since you "
                                                  f"opened it{who}; look at it again")])
    order.refresh_from_db()


def _record_variation(order, *, kind, decided_on, court, reason, before, actor) -> None:
    ends_before, conditions_before = before
    ends_on, conditions = _terms(order)
    number = 1 + (order.variations.aggregate(n=models.Max("number"))["n"] or 1)
    OrderVariation.objects.create(
        order=order, number=number, kind=kind, decided_on=decided_on, court=court,
        reason=reason, ends_on_before=ends_before, ends_on=ends_on,
        conditions_before=conditions_before, conditions=conditions,
        recorded_at=timezone.now(), recorded_by=records.actor_name(actor))


def _start(order: ProtectiveOrder) -> date | None:
    return order.starts_on or order.made_on or (order.served_at and as_date(order.served_at))


def vary_order(order: ProtectiveOrder, *, actor, reason: str, court: str = "",
               varied_on: date | None = None, ends_on: date | None = None,
               conditions: list[tuple[str, str]] | None = None, version: int | None = None,
               context: str = "") -> ProtectiveOrder:
    """A court varies a live order: a new end date and/or new conditions. The terms
    before and after are kept (OrderVariation), so every version can be shown.
    `version`: the order's version the user saw (None: no check, for system jobs)."""
    records.authorise(actor, roles.complete_task(ORDERS), [order.lpa_id],
                      what="orders.protectiveorder")
    varied_on = varied_on or timezone.localdate()
    conditions = None if conditions is None else [(k, t.strip()) for k, t in conditions
                                                  if t.strip()]
    with transaction.atomic():
        _lock(order, version)
        before = _terms(order)
        problems: list[Problem] = []
        if order.status != ProtectiveOrder.Status.LIVE:
            problems.append(("status", order.get_status_display(),
                             "only a live order is varied"))
        if not (reason or "").strip():
            problems.append(("reason", "", "say what the court varied and why"))
        if not (court or "").strip() and not isinstance(actor, str):
            problems.append(("court", "", "name the court that varied the order"))
        if varied_on > timezone.localdate():
            problems.append(("varied_on", varied_on, "the variation date is in the future"))
        start = _start(order)
        if start and varied_on < start:
            problems.append(("varied_on", varied_on,
                             f"the order was made on {start:%d %B %Y}; it cannot be varied "
                             f"before it"))
        if order.ends_on and varied_on > order.ends_on:
            problems.append(("varied_on", varied_on,
                             f"the order ended on {order.ends_on:%d %B %Y}; it cannot be "
                             f"varied after it"))
        if ends_on is not None and ends_on < varied_on:
            problems.append(("ends_on", ends_on, "the new end date is before the variation"))
        if conditions is not None and not conditions:
            problems.append(("conditions", "", "an order keeps at least one condition; to "
                                               "end it, record its discharge"))
        changed = ((ends_on is not None and ends_on != before[0])
                   or (conditions is not None and [list(c) for c in conditions] != before[1]))
        if not problems and not changed:
            problems.append(("ends_on", ends_on, "nothing was changed: give the new end date "
                                                 "or conditions"))
        if problems:
            raise RecordInvalid(problems)
        if ends_on is not None:
            order.ends_on = ends_on
        if conditions is not None:
            order.conditions.all().delete()
            _add_parties(order, [], conditions)
        records.save(order, actor=actor, person_ids=_persons(order), context=context,
                     detail={"step": "varied", "reason": reason.strip(), "court": court.strip(),
                             "varied_on": varied_on.isoformat(),
                             "before": {"ends_on": before[0] and before[0].isoformat(),
                                        "conditions": [t for _, t in before[1]]}})
        _record_variation(order, kind=OrderVariation.Kind.VARIED, decided_on=varied_on,
                          court=court.strip(), reason=reason.strip(), before=before, actor=actor)
    return order


def end_order(order: ProtectiveOrder, *, actor, status: str, at: datetime | None = None,
              on: date | None = None, court: str = "", reason: str = "",
              version: int | None = None, context: str = "") -> ProtectiveOrder:
    """An order expires or is discharged (the rules then stop its checks and clocks).

    `on`: the day it ended (default: the day of `at`). A discharge names the court and
    why; its day becomes the order's last. An order with an end date expires on it.
    """
    records.authorise(actor, roles.complete_task(ORDERS), [order.lpa_id],
                      what="orders.protectiveorder")
    at = at or timezone.now()
    on = on or as_date(at)
    discharge = status == ProtectiveOrder.Status.DISCHARGED
    if status not in (ProtectiveOrder.Status.EXPIRED, ProtectiveOrder.Status.DISCHARGED):
        raise RecordInvalid([("status", status, "an order ends as expired or discharged")])
    with transaction.atomic():
        _lock(order, version)
        before = _terms(order)
        problems: list[Problem] = []
        if order.status != ProtectiveOrder.Status.LIVE:
            problems.append(("status", order.get_status_display(), "the order is not live"))
        if on > as_date(max(at, timezone.now())):
            problems.append(("on", on, "the date is in the future"))
        start = _start(order)
        if start and on < start:
            problems.append(("on", on, f"the order was made on {start:%d %B %Y}; it cannot "
                                       f"end before it"))
        if not discharge and order.ends_on and on < order.ends_on:
            problems.append(("on", on, f"the order is in force until {order.ends_on:%d %B %Y}"
                                       "; an order ended early by the court is discharged"))
        if discharge and not isinstance(actor, str):
            if not court.strip():
                problems.append(("court", "", "name the court that discharged the order"))
            if not reason.strip():
                problems.append(("reason", "", "say why the order was discharged"))
        if problems:
            raise RecordInvalid(problems)
        order.status = status
        if order.ends_on is None or (discharge and on < order.ends_on):
            order.ends_on = on
        records.save(order, actor=actor, person_ids=_persons(order), as_of=at,
                     context=context, detail={"step": status, **({"court": court.strip(),
                                                                  "reason": reason.strip()}
                                                                 if discharge else {})})
        _record_variation(order, kind=status, decided_on=on if discharge else order.ends_on,
                          court=court.strip(),
                          reason=reason.strip(), before=before, actor=actor)
    return order


def order_end(order: ProtectiveOrder) -> date | None:
    """The last day the order is in force, when it is known."""
    if order.ends_on:
        return order.ends_on
    if order.hearing_at:
        return as_date(order.hearing_at)
    return None


def record_order_check(order: ProtectiveOrder, *, actor, checked_at: datetime,
                       victim_contacted: bool, subject_checked: bool, breach_found: bool,
                       notes: str = "", context: str = "") -> OrderCheck:
    """The weekly check of victim and subject while a DVPN/DVPO is live. A breach found
    at the check is recorded as a breach found by police, for the daily risk meeting."""
    records.authorise(actor, roles.complete_task("local_policing"), [order.lpa_id],
                      what="orders.ordercheck")
    check = OrderCheck(order=order, checked_at=checked_at, checked_by=records.actor_name(actor),
                       victim_contacted=victim_contacted, subject_checked=subject_checked,
                       breach_found=breach_found, notes=notes.strip())
    problems = _in_force_problems(order, checked_at, "check")
    if breach_found and not notes.strip():
        problems.append(("notes", "", "describe the breach found"))
    with transaction.atomic():
        records.save(check, actor=actor, person_ids=_persons(order), as_of=checked_at,
                     context=context, problems=problems)
        if breach_found:
            breach = OrderBreach(order=order, reported_at=checked_at,
                                 reported_by=OrderBreach.ReportedBy.POLICE,
                                 found_at_check=check, notes=notes.strip())
            records.save(breach, actor=actor, person_ids=_persons(order), as_of=checked_at,
                         context=context)
    return check


def _in_force_problems(order, at: datetime, what: str) -> list[Problem]:
    problems: list[Problem] = []
    start = order.served_at or (order.starts_on and datetime.combine(
        order.starts_on, datetime.min.time(), tzinfo=at.tzinfo))
    if start and at < start:
        problems.append(("checked_at" if what == "check" else "reported_at", at,
                         f"the {what} is before the order was served"))
    end = order_end(order)
    if order.status in (ProtectiveOrder.Status.REFUSED, ProtectiveOrder.Status.APPLIED):
        problems.append(("order", str(order), f"the order is {order.get_status_display().lower()}"
                                              f"; there is nothing to {what}"))
    elif end is not None and as_date(at) > end:
        problems.append(("order", str(order), f"the order ended on {end:%d %B %Y}; a {what} "
                                              f"on {as_date(at):%d %B %Y} is after it"))
    elif order.status in (ProtectiveOrder.Status.EXPIRED, ProtectiveOrder.Status.DISCHARGED) \
            and end is None:
        problems.append(("order", str(order), f"the order is {order.get_status_display().lower()}"))
    return problems


def record_breach(order: ProtectiveOrder, *, actor, reported_at: datetime, reported_by: str,
                  notes: str, context: str = "") -> OrderBreach:
    """A breach reported (by the victim, or another) outside a check: to the daily risk
    meeting for arrest."""
    team = ("local_policing" if not isinstance(actor, str)
            and roles.can(actor, roles.complete_task("local_policing")) else ORDERS)
    records.authorise(actor, roles.complete_task(team), [order.lpa_id],
                      what="orders.orderbreach")
    breach = OrderBreach(order=order, reported_at=reported_at, reported_by=reported_by,
                         notes=(notes or "").strip())
    problems = _in_force_problems(order, reported_at, "breach")
    if reported_at > timezone.now():
        problems.append(("reported_at", reported_at, "the report time is in the future"))
    if not breach.notes:
        problems.append(("notes", "", "describe the breach reported"))
    return records.save(breach, actor=actor, person_ids=_persons(order), as_of=reported_at,
                        context=context, problems=problems)


def record_breach_result(breach: OrderBreach, *, actor, result: str,
                         context: str = "") -> OrderBreach:
    """What became of a breach: charged, NFA, contempt, or still under investigation."""
    records.authorise(actor, roles.complete_task(ORDERS), [breach.order.lpa_id],
                      what="orders.orderbreach")
    breach.result = result
    return records.save(breach, actor=actor, person_ids=_persons(breach.order), context=context)


def record_notification(order: ProtectiveOrder, *, actor, notified_at: datetime,
                        context: str = "") -> ProtectiveOrder:
    """The subject notified their name and address (DAPO, SPO)."""
    records.authorise(actor, roles.complete_task(ORDERS), [order.lpa_id],
                      what="orders.protectiveorder")
    order.notified_at = notified_at
    return records.save(order, actor=actor, person_ids=_persons(order), as_of=notified_at,
                        context=context, detail={"notified_at": notified_at.isoformat()})


def set_engagement(order: ProtectiveOrder, *, actor, engagement: str,
                   context: str = "") -> ProtectiveOrder:
    """How the victim engages: the weekly checks are prioritised by it."""
    records.authorise(actor, roles.complete_task("local_policing"), [order.lpa_id],
                      what="orders.protectiveorder")
    order.victim_engagement = engagement
    return records.save(order, actor=actor, person_ids=set(), context=context,
                        detail={"victim_engagement": engagement})


def record_dip_check(*, actor, lpa, orders_sampled: int, orders_prioritised_right: int,
                     notes: str = "", at: datetime | None = None,
                     context: str = "") -> PrioritisationDipCheck:
    """A supervisor's dip check of the checks' prioritisation by victim engagement."""
    records.authorise(actor, roles.assign_task("local_policing"), [lpa.pk],
                      what="orders.prioritisationdipcheck")
    dip = PrioritisationDipCheck(
        lpa=lpa, checked_at=at or timezone.now(), checked_by=records.actor_name(actor),
        orders_sampled=orders_sampled, orders_prioritised_right=orders_prioritised_right,
        notes=(notes or "").strip())
    problems: list[Problem] = []
    if orders_sampled < 1:
        problems.append(("orders_sampled", orders_sampled, "sample at least one order"))
    if orders_prioritised_right > orders_sampled:
        problems.append(("orders_prioritised_right", orders_prioritised_right,
                         f"more than the {orders_sampled} orders sampled"))
    return records.save(dip, actor=actor, person_ids=set(), problems=problems, context=context)

