"""Read side for orders: which orders a user may open, and the order page."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Expression, Prefetch, Q, QuerySet, TextField
from django.urls import reverse
from django.utils import timezone

from vigil.core import roles
from vigil.core.models import Area
from vigil.core.record_links import record_link, record_tasks, scoped
from vigil.core.records import human_reference, made_in_vigil_among
from vigil.incidents.models import Arrest, Bail, Crime, Wanted
from vigil.orders.models import (
    LIVE_UNTIL,
    OrderBreach,
    OrderCheck,
    OrderCondition,
    ProtectedPerson,
    ProtectiveOrder,
)
from vigil.people.models import Person, SourceRecord


def visible_orders(user) -> QuerySet[ProtectiveOrder]:
    return scoped(user, ProtectiveOrder.objects.all(), "lpa")


@dataclass
class OrderView:
    record: ProtectiveOrder
    protected: list[ProtectedPerson]
    checks: list[OrderCheck]
    breaches: list[OrderBreach]
    breach_arrests: list[Arrest]
    followed_by: list[ProtectiveOrder]
    tasks: list
    versions: list[OrderVersion]


@dataclass
class OrderVersion:
    """One version of an order's terms: as made, then after each variation or its end."""
    number: int
    what: str                 # "As made", "Varied", "Discharged", "Expired"
    decided_on: date | None
    court: str
    reason: str
    ends_on: date | None
    conditions: list[str]     # "No contact: Not to ..."
    recorded: str             # who recorded the change in Vigil, and when
    current: bool = False


def _conditions(pairs) -> list[str]:
    labels = dict(OrderCondition.Kind.choices)
    return [f"{labels.get(k, k)}: {t}" for k, t in pairs]


def order_versions(order: ProtectiveOrder) -> list[OrderVersion]:
    """Every version of the order's terms, oldest first (empty: never varied or ended in
    Vigil, so the order page's terms are the only version)."""
    changes = list(order.variations.all())
    if not changes:
        return []
    first = changes[0]
    made = order.made_on or order.starts_on or (
        timezone.localtime(order.served_at).date() if order.served_at else None)
    out = [OrderVersion(1, "As made", made, order.court,
                        "", first.ends_on_before, _conditions(first.conditions_before), "")]
    for c in changes:
        out.append(OrderVersion(
            c.number, c.get_kind_display(), c.decided_on, c.court, c.reason, c.ends_on,
            _conditions(c.conditions),
            f"{c.recorded_by}, {timezone.localtime(c.recorded_at):%-d %b %Y %H:%M}"))
    out[-1].current = True
    return out


def order_view(user, pk: int) -> OrderView | None:
    order = (visible_orders(user)
             .select_related("lpa", "subject", "follows", "crime__incident")
             .prefetch_related("conditions",
                               Prefetch("protected_persons",
                                        queryset=ProtectedPerson.objects.select_related("person")))
             .filter(pk=pk).first())
    if order is None:
        return None
    return OrderView(
        record=order, protected=list(order.protected_persons.all()),
        checks=list(order.checks.order_by("-checked_at")),
        breaches=list(order.breaches.select_related("arrest").order_by("-reported_at")),
        breach_arrests=list(order.breach_arrests.order_by("-arrested_at")),
        followed_by=list(order.followed_by.order_by("served_at")),
        tasks=record_tasks(user, order),
        versions=order_versions(order),
    )


# --- the court-orders search ------------------------------------------------------

@dataclass
class OrderFilters:
    lpa: str = ""               # LPA code
    neighbourhood: str = ""     # neighbourhood code: where the protected person lives
    subject_postcode: str = ""  # where the perpetrator lives (postcode or its start)
    protected_postcode: str = ""  # where the protected person lives
    order_type: str = ""
    status: str = "live"        # "" : any
    expires_by: date | None = None
    new_since: date | None = None


def _neighbourhood_q(area_id: int | None) -> Q:
    # By id, and the incident's neighbourhood as a subquery: no OR across outer joins.
    return (Q(neighbourhood_id=area_id)
            | Q(neighbourhood__isnull=True,
                crime_id__in=Crime.objects.filter(incident__neighbourhood_id=area_id)
                .values("pk")))


def _area_id(code: str, kind: str) -> int | None:
    return Area.objects.filter(code=code, kind=kind).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class SearchAreas:
    """The search form's area choices, from one query of plain rows (shared between
    requests: not to be changed)."""
    lpas: tuple[tuple[str, str], ...]           # (code, name)
    neighbourhoods: tuple[tuple[str, str], ...]  # (code, "name (LPA)")
    ids: dict[tuple[str, str], int]             # (kind, code) -> id
    names: dict[int, str]                       # id -> name


# The areas are reference data read by every search, serve and court-order page (about a
# tenth of a search's CPU): each web worker keeps them a minute per scope, so a new or
# renamed area shows within a minute in other workers, at once in the one that saved it.
AREAS_TTL = 60.0
_areas_kept: dict[tuple[int, ...] | None, tuple[float, SearchAreas]] = {}


def forget_search_areas(**_kwargs) -> None:
    """Drop the kept areas (connected to Area's post_save and post_delete)."""
    _areas_kept.clear()


def search_areas(user) -> SearchAreas:
    """The LPAs and neighbourhoods the user may search, in one query (or none: kept by
    the user's scope, worked out afresh each request)."""
    allowed = roles.area_ids(user)
    scope = None if allowed is None else tuple(sorted(allowed))
    now = time.monotonic()
    kept = _areas_kept.get(scope)
    if kept is not None and now - kept[0] < AREAS_TTL:
        return kept[1]
    areas = _read_search_areas(scope)
    if len(_areas_kept) >= 64:  # scopes are few (the LPAs); bound it anyway
        _areas_kept.clear()
    _areas_kept[scope] = (now, areas)
    return areas


def _read_search_areas(scope: tuple[int, ...] | None) -> SearchAreas:
    qs = Area.objects.filter(kind__in=(Area.Kind.LPA, Area.Kind.NEIGHBOURHOOD))
    if scope is not None:
        qs = qs.filter(Q(kind=Area.Kind.LPA, pk__in=scope)
                       | Q(kind=Area.Kind.NEIGHBOURHOOD, parent_id__in=scope))
    rows = list(qs.values_list("pk", "kind", "code", "name", "parent__name"))
    lpas = sorted((r for r in rows if r[1] == Area.Kind.LPA), key=lambda r: r[3])
    hoods = sorted((r for r in rows if r[1] == Area.Kind.NEIGHBOURHOOD),
                   key=lambda r: (r[4] or "", r[3]))
    return SearchAreas(lpas=tuple((r[2], r[3]) for r in lpas),
                       neighbourhoods=tuple((r[2], f"{r[3]} ({r[4]})") for r in hoods),
                       ids={(r[1], r[2]): r[0] for r in rows},
                       names={r[0]: r[3] for r in rows})


def search_orders(user, f: OrderFilters,
                  area_ids: dict[tuple[str, str], int] | None = None
                  ) -> QuerySet[ProtectiveOrder]:
    """Orders the user may see that match the filters, soonest ending first.

    Filters on the orders table only (other tables through id subqueries), so the count
    reads the orders' own indexes; `search_rows` then reads a page's cells. The postcode
    prefixes use the index on UPPER(postcode) (migration orders 0003).
    """
    def area_id(code: str, kind: str) -> int | None:
        if area_ids is not None:  # the form's choices already hold the ids
            return area_ids.get((kind, code))
        return _area_id(code, kind)

    qs = visible_orders(user)
    if f.lpa:
        qs = qs.filter(lpa_id=area_id(f.lpa, Area.Kind.LPA))
    if f.neighbourhood:
        qs = qs.filter(_neighbourhood_q(area_id(f.neighbourhood, Area.Kind.NEIGHBOURHOOD)))
    if f.subject_postcode:
        qs = qs.filter(subject__postcode__istartswith=f.subject_postcode.strip())
    if f.protected_postcode:
        qs = qs.filter(id__in=ProtectedPerson.objects.filter(
            person__postcode__istartswith=f.protected_postcode.strip()).values("order_id"))
    if f.order_type:
        qs = qs.filter(order_type=f.order_type)
    qs = qs.alias(live_until=LIVE_UNTIL)
    if f.status == ProtectiveOrder.Status.LIVE:
        # Live: in force today (an order past its end date that nobody closed is not).
        qs = qs.filter(live_until__gte=timezone.localdate(), status=f.status)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.expires_by:
        qs = qs.filter(Q(ends_on__lte=f.expires_by)
                       | Q(ends_on__isnull=True, hearing_at__date__lte=f.expires_by))
    if f.new_since:
        qs = qs.filter(Q(served_at__date__gte=f.new_since)
                       | Q(served_at__isnull=True, starts_on__gte=f.new_since))
    return qs.order_by("live_until", "-served_at", "pk")  # soonest ending; undated last


@dataclass
class SearchRow:
    """What the search's table and download show of an order (plain values, no models)."""
    pk: int
    source_system: str
    source_id: str
    order_type: str
    status: str
    lpa: str
    neighbourhood: str        # where the victim lives (the order's, else its crime's)
    subject_forename: str
    subject_surname: str
    subject_postcode: str
    served_at: datetime | None
    made_on: date | None      # a court order made in court may have no service time
    ends_on: date | None
    hearing_at: datetime | None  # with ends_on: services.order_end, the last day in force
    protecting: list[str]


# Within the protected persons' names: between forename and surname, and between persons.
_UNIT, _RECORD = "\x1f", "\x1e"


class _ProtectedNames(Expression):
    """Each order's protected persons as "forename<US>surname" joined by <RS>, in the
    order they were recorded: read with the page's rows instead of a query of its own."""

    output_field = TextField()

    def _parts(self, compiler):
        order = f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.id"
        quote = compiler.connection.ops.quote_name
        return (quote(ProtectedPerson._meta.db_table), quote(SourceRecord._meta.db_table),
                order)

    def as_postgresql(self, compiler, connection):
        pp, sr, order = self._parts(compiler)
        return (f"(SELECT STRING_AGG(p.forename || chr(31) || p.surname, chr(30) "
                f"ORDER BY pp.id) FROM {pp} pp JOIN {sr} p ON p.id = pp.person_id "
                f"WHERE pp.order_id = {order})"), []

    def as_sql(self, compiler, connection):  # SQLite: no ORDER BY in an aggregate before
        pp, sr, order = self._parts(compiler)  # 3.44, so an ordered subquery (not flattened)
        return (f"(SELECT GROUP_CONCAT(n, char(30)) FROM (SELECT p.forename || char(31) || "
                f"p.surname AS n FROM {pp} pp JOIN {sr} p ON p.id = pp.person_id "
                f"WHERE pp.order_id = {order} ORDER BY pp.id))"), []


def _names(joined: str | None) -> list[str]:
    out = []
    for person in (joined or "").split(_RECORD):
        if person:
            fn, _, sn = person.partition(_UNIT)
            out.append(f"{fn} {sn.upper()}".strip())
    return out


_ROW_FIELDS = ("pk", "source_system", "source_id", "order_type", "status", "lpa_id",
               "neighbourhood_id", "crime_id", "subject__forename", "subject__surname",
               "subject__postcode", "served_at", "made_on", "ends_on", "hearing_at")


def search_rows(qs: QuerySet[ProtectiveOrder],
                area_names: dict[int, str] | None = None) -> list[SearchRow]:
    """The rows of `qs` (a page, or every match for the download) as plain values.

    The rows' query joins only the perpetrator's record: area names come from
    `area_names` (the search form's areas) or one query, and the crime's neighbourhood
    only for orders without their own. Each join costs the database more planning a
    search than executing it."""
    rows = list(qs.annotate(protecting=_ProtectedNames())
                .values_list(*_ROW_FIELDS, "protecting"))
    names = dict(area_names or {})
    missing = {a for r in rows for a in (r[5], r[6]) if a is not None and a not in names}
    if missing:
        names.update(Area.objects.filter(pk__in=missing).values_list("pk", "name"))
    crimes = {r[7] for r in rows if r[6] is None and r[7] is not None}
    crime_hood = dict(Crime.objects.filter(pk__in=crimes).values_list(
        "pk", "incident__neighbourhood__name")) if crimes else {}
    out = []
    for (pk, system, sid, kind, status, lpa, hood, crime, fn, sn, postcode, served, made,
         ends, hearing, protecting) in rows:
        out.append(SearchRow(
            pk=pk, source_system=system, source_id=sid, order_type=kind, status=status,
            lpa=names.get(lpa, ""),
            neighbourhood=names.get(hood, "") if hood else (crime_hood.get(crime) or ""),
            subject_forename=fn, subject_surname=sn, subject_postcode=postcode,
            served_at=served, made_on=made, ends_on=ends, hearing_at=hearing,
            protecting=_names(protecting)))
    return out


def where_lives(order: ProtectiveOrder):
    """The neighbourhood the order protects (its own, else its crime's incident's)."""
    if order.neighbourhood_id:
        return order.neighbourhood
    incident = order.crime.incident if order.crime_id and order.crime else None
    return incident.neighbourhood if incident else None


def known_in_area(user, record) -> bool:
    """Whether the source record's person is known in the user's area: an incident, crime
    or order of one of the user's LPAs (force-wide users: anywhere). Naming a record for
    an order must not reach a person the user could not otherwise open."""
    from vigil.incidents.models import CrimeParty, IncidentParty

    allowed = roles.area_ids(user)
    if allowed is None:
        return True
    person = record.person_id
    if person is None or not allowed:
        return False
    lpas = sorted(allowed)
    return (IncidentParty.objects.filter(person__person=person, incident__lpa__in=lpas).exists()
            or CrimeParty.objects.filter(person__person=person, crime__lpa__in=lpas).exists()
            or ProtectiveOrder.objects.filter(Q(subject__person=person)
                                              | Q(protected_persons__person__person=person),
                                              lpa__in=lpas).exists())


def lpas_for(user) -> QuerySet[Area]:
    allowed = roles.area_ids(user)
    qs = Area.objects.filter(kind=Area.Kind.LPA).order_by("name")
    return qs if allowed is None else qs.filter(pk__in=sorted(allowed))


# --- lists for the daily management meetings (per LPA) ---------------------------

MEETING_LISTS = {
    "breaches": "Order breaches for arrest",
    "serial": "Serial perpetrator ranking",
    "wanted": "Outstanding (wanted) DA suspects",
    "bail": "Bail and released-under-investigation cases coming due",
    "escalations": "Escalations awaiting the specialist team",
    "checks": "Weekly order checks due, by victim engagement",
}
# Checks first where the victim engages least: she is least likely to report a breach.
ENGAGEMENT_PRIORITY = {"not_engaged": 0, "": 1, "partly": 2, "engaged": 3}


@dataclass
class MeetingRow:
    cells: list          # what the table and the download show, in column order
    url: str = ""        # the record page, when there is one


def meeting_list(user, which: str, lpa: Area, now: datetime) -> tuple[list[str], list[MeetingRow]]:
    """(column headings, rows) of one list for one LPA, as of now."""
    from vigil.core.policy import current
    from vigil.safeguarding.models import Flag, Task

    policy = current()
    if which == "breaches":
        return _breaches_for_arrest(user, lpa)
    if which == "escalations":
        tasks = (Task.objects.filter(kind="escalation_review", status="open", lpa=lpa)
                 .select_related("person").order_by("due_at", "pk"))
        heads = ["Person", "Why", "Since", "Due by"]
        rows = []
        for t in tasks:
            link = record_link(t.subject, user)
            rows.append(MeetingRow(
                [str(t.person) if t.person else "", t.reason + (f" ({link.label})" if link else ""),
                 _local(t.starts_at), _local(t.due_at)],
                reverse("tasks:detail", args=[t.pk])))
        return heads, rows
    if which == "checks":
        return _checks_by_engagement(lpa)
    if which == "serial":
        people = (Person.objects.filter(
            source_records__crime_parties__role="suspect",
            source_records__crime_parties__crime__lpa=lpa).values("pk"))
        flags = (Flag.objects.filter(kind="serial_perpetrator", person__in=people)
                 .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                 .select_related("person").order_by("-score", "-raised_at", "pk"))
        rows, seen = [], set()
        for fl in flags:
            if fl.person_id in seen:
                continue
            seen.add(fl.person_id)
            rows.append(MeetingRow([len(seen), str(fl.person), fl.score, fl.reason,
                                    _local(fl.raised_at)],
                                   reverse("people:detail", args=[fl.person_id])))
        return ["Rank", "Person", "Score", "Reasons", "Latest offence"], rows
    if which == "wanted":
        wanted = (Wanted.objects.filter(resolved_at__isnull=True, crime__lpa=lpa)
                  .select_related("suspect", "crime").order_by("wanted_from", "pk"))
        return (["Suspect", "Wanted for", "Crime", "Since", "Days outstanding"],
                [MeetingRow([f"{w.suspect.forename} {w.suspect.surname.upper()}",
                             w.get_kind_display(), f"{w.crime.reference}: {w.crime.offence}",
                             _local(w.wanted_from), (now - w.wanted_from).days],
                            reverse("incidents:detail", args=[w.crime.incident_id])
                            if w.crime.incident_id else "")
                 for w in wanted])
    if which == "bail":
        soon = (now + timedelta(days=policy.bail_due_soon_days)).date()
        bails = (Bail.objects.filter(ended_at__isnull=True, return_on__isnull=False,
                                     return_on__lte=soon, arrest__crime__lpa=lpa)
                 .select_related("arrest__suspect", "arrest__crime").order_by("return_on", "pk"))
        rows = [MeetingRow([f"{b.arrest.suspect.forename} {b.arrest.suspect.surname.upper()}",
                            "Bail" + (" with conditions" if b.conditions else ""),
                            b.arrest.crime.reference if b.arrest.crime else "",
                            b.return_on.strftime("%d %b %Y")],
                           reverse("incidents:arrest", args=[b.arrest_id])) for b in bails]
        rui_due = now - timedelta(days=policy.rui_review_days - policy.bail_due_soon_days)
        ruis = (Arrest.objects.filter(disposal=Arrest.Disposal.RUI, arrested_at__lte=rui_due,
                                      crime__lpa=lpa, crime__outcome__isnull=True)
                .select_related("suspect", "crime").order_by("arrested_at", "pk"))
        rows += [MeetingRow([f"{a.suspect.forename} {a.suspect.surname.upper()}",
                             "Released under investigation", a.crime.reference,
                             (a.arrested_at + timedelta(days=policy.rui_review_days))
                             .strftime("%d %b %Y")],
                            reverse("incidents:arrest", args=[a.pk])) for a in ruis]
        return ["Suspect", "Released on", "Crime", "Due (return or review)"], rows
    raise ValueError(which)


def _local(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%d %b %Y %H:%M") if at else ""



def _made(orders) -> dict[int, str]:
    """Orders made in Vigil: when and by whom, in one query (records.human_reference)."""
    return made_in_vigil_among(ProtectiveOrder, orders)


def _breaches_for_arrest(user, lpa: Area) -> tuple[list[str], list[MeetingRow]]:
    """Breaches still under investigation with no arrest for breach of the order since:
    for the daily risk meeting, oldest first."""
    from django.db.models import Exists, OuterRef

    arrested = Arrest.objects.filter(for_breach_of=OuterRef("order_id"),
                                     arrested_at__gte=OuterRef("reported_at"))
    breaches = (OrderBreach.objects.filter(order__lpa=lpa, result="investigating")
                .exclude(Exists(arrested))
                .select_related("order__subject").order_by("reported_at", "pk"))
    breaches = list(breaches)
    made = _made([b.order for b in breaches])
    rows = []
    for b in breaches:
        o = b.order
        rows.append(MeetingRow(
            [f"{o.subject.forename} {o.subject.surname.upper()}",
             f"{o.get_order_type_display()}, {human_reference(o, made)}",
             b.get_reported_by_display(), _local(b.reported_at), b.notes],
            reverse("orders:detail", args=[o.pk]) + f"#breaches-{b.pk}"))
    return ["Perpetrator", "Order", "Breach found or reported by", "When", "What happened"], rows


def _checks_by_engagement(lpa: Area) -> tuple[list[str], list[MeetingRow]]:
    """Open weekly check tasks, least-engaged victims first, then soonest due."""
    from vigil.safeguarding.models import Task

    tasks = list(Task.objects.filter(kind="order_check", status="open", lpa=lpa)
                 .select_related("person").order_by("due_at", "pk"))
    ids = [int(t.subject.rpartition(":")[2]) for t in tasks
           if t.subject.startswith("orders.protectiveorder:")]
    orders = {o.pk: o for o in ProtectiveOrder.objects.filter(pk__in=ids)}
    labels = dict(ProtectiveOrder._meta.get_field("victim_engagement").choices)
    made = _made(orders.values())
    rows = []
    for t in tasks:
        o = orders.get(int(t.subject.rpartition(":")[2]))
        if o is None:
            continue
        rows.append((ENGAGEMENT_PRIORITY.get(o.victim_engagement, 1), t.due_at, t.pk, MeetingRow(
            [f"{o.get_order_type_display()}, {human_reference(o, made)}",
             str(t.person) if t.person else "",
             labels.get(o.victim_engagement, "Not recorded"), t.reason, _local(t.due_at)],
            reverse("tasks:detail", args=[t.pk]))))
    rows.sort(key=lambda r: r[:3])
    return (["Order", "Perpetrator", "Victim's engagement", "Check", "Due by"],
            [r[3] for r in rows])
