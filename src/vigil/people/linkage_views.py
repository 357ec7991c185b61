"""Search for people, the linkage review queue, and a person's links (link, split, revert).

Thin views: the work is in vigil.people.search and vigil.people.linkage.decisions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.people.labels import person_labels
from vigil.people.linkage import decisions
from vigil.people.models import (
    LinkChange,
    Person,
    RecordMove,
    ReviewPair,
    SourceRecord,
    record_by_reference,
)
from vigil.people.queries import persons_in_area, visible_persons, visible_review_pairs
from vigil.people.search import SearchError, SearchQuery, search


@never_cache
@roles.requires(roles.SEARCH)
def search_view(request):
    query = SearchQuery.from_params(request.GET)
    result, error = None, ""
    if not query.is_empty:
        try:
            result = search(request.user, query, as_of=timezone.now(),
                            context=audit.context_from_request(request) or "search")
        except SearchError as exc:
            error = str(exc)
    return render(request, "people/search.html", {"query": query, "result": result,
                                                  "error": error})


def _refuse(request, obj_type: str, pk, capability: str = roles.MANAGE_LINKAGE) -> Http404:
    """Audit a look or decision outside the user's area; answer as if it did not exist."""
    audit.record(request.user, audit.DENIED, obj_type, pk,
                 context=audit.context_from_request(request) or "linkage",
                 detail={"capability": capability, "reason": "out_of_area",
                         "path": request.path})
    return Http404("Nothing with that number in your area.")


def _visible_person(request, pk: int) -> Person:
    person = visible_persons(request.user).filter(pk=pk).first()
    if person is None:
        if Person.objects.filter(pk=pk).exists():
            raise _refuse(request, "people.person", pk)
        raise Http404("No such person in your area.")
    return person


@never_cache
@roles.requires(roles.MANAGE_LINKAGE)
def review_queue(request):
    pairs = (visible_review_pairs(request.user).filter(status=ReviewPair.Status.OPEN)
             .select_related("record_a", "record_b"))
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    # Each side's person by name, date of birth and source references.
    labels = person_labels(p.person_id for pair in page
                           for p in (pair.record_a, pair.record_b))
    for pair in page:
        pair.person_a = labels.get(pair.record_a.person_id)
        pair.person_b = labels.get(pair.record_b.person_id)
    audit.record(request.user, audit.VIEW, ReviewPair, "", context="linkage-review",
                 detail={"page": page.number, "pairs": [p.pk for p in page]})
    return render(request, "people/linkage/review_queue.html", {
        "page": page, "scoped": roles.area_ids(request.user) is not None,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1,
                                                           on_ends=1)})


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def review_decide(request, pk: int):
    pair = visible_review_pairs(request.user).filter(pk=pk).first()
    if pair is None:
        if ReviewPair.objects.filter(pk=pk).exists():
            raise _refuse(request, "people.reviewpair", pk)
        raise Http404("No such review pair.")
    decision = request.POST.get("decision")
    if decision not in ("same", "different"):
        messages.error(request, "Choose 'same person' or 'different people'.")
        return redirect("linkage:review")
    try:
        decisions.decide_review(pair, decision == "same", user=request.user,
                                as_of=timezone.now(), reason=request.POST.get("reason", "")[:300])
    except decisions.LinkageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Linked as the same person." if decision == "same"
                         else "Kept apart as different people.")
    return redirect("linkage:review")


@never_cache
@roles.requires(roles.MANAGE_LINKAGE)
def person_links(request, pk: int):
    person = _visible_person(request, pk)
    records = SourceRecord.objects.filter(person=person).order_by("source_system", "id")
    change_ids = (RecordMove.objects.filter(to_person=person).values("change_id")
                  .union(RecordMove.objects.filter(from_person=person).values("change_id")))
    changes = LinkChange.objects.filter(pk__in=change_ids).order_by("-at", "-id")[:50]
    audit.record(request.user, audit.VIEW, person, context="linkage",
                 detail={"page": "links"})
    return render(request, "people/linkage/person_links.html", {
        "person": person, "records": records, "changes": changes})


def _person_of_reference(text: str) -> int:
    """The person holding the source record a user typed by the force's reference."""
    record = record_by_reference(text)
    if record is None or record.person_id is None:
        raise decisions.LinkageError(
            "give a source record of the other person, for example CONNECT P0001234")
    return record.person_id


def _done(request, person_pk: int, message: str):
    messages.success(request, message)
    return redirect("linkage:person", pk=person_pk)


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def person_action(request, pk: int):
    person = _visible_person(request, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:300]
    now = timezone.now()
    try:
        other = _visible_person(request, _person_of_reference(request.POST.get("other", "")))
        label = person_labels([other.pk])[other.pk]
        if action == "link":
            decisions.link_persons(person, other, user=request.user, as_of=now, reason=reason,
                                   context=f"person:{pk}")
            return _done(request, pk, f"{label} linked into this person.")
        if action == "different":
            decisions.mark_different(person, other, user=request.user, as_of=now,
                                     reason=reason, context=f"person:{pk}")
            return _done(request, pk, f"Marked as a different person from {label}.")
        raise decisions.LinkageError(f"unknown action {action!r}")
    except decisions.LinkageError as exc:
        messages.error(request, str(exc))
        return redirect("linkage:person", pk=pk)


@never_cache
@roles.requires(roles.MANAGE_LINKAGE)
def split_confirm(request, pk: int, record_pk: int):
    """Splitting a record off a person: shown first, done only with a reason."""
    person = _visible_person(request, pk)
    record = get_object_or_404(SourceRecord, pk=record_pk, person=person)
    error = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:300]
        if request.POST.get("confirm") != "yes":
            error = "Confirm that this record is not this person"
        elif not reason:
            error = "Enter why this record is not this person"
        else:
            try:
                decisions.split_record(record, user=request.user, as_of=timezone.now(),
                                       reason=reason, context=f"person:{pk}")
            except decisions.LinkageError as exc:
                error = str(exc)
            else:
                return _done(request, pk, f"{record.source_system} {record.source_id} is "
                                          "now a person of its own.")
    return render(request, "people/linkage/split_confirm.html", {
        "person": person, "record": record, "error": error,
        "reason": request.POST.get("reason", ""),
        "others": SourceRecord.objects.filter(person=person).exclude(pk=record.pk)
        .order_by("source_system", "id"),
    }, status=400 if error else 200)


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def revert_change(request, pk: int):
    change = get_object_or_404(LinkChange, pk=pk)
    moved = RecordMove.objects.filter(change=change)
    persons = {p for pair in moved.values_list("from_person_id", "to_person_id")
               for p in pair if p is not None}
    allowed = roles.area_ids(request.user)
    if allowed is not None and not persons_in_area(persons, allowed):
        raise _refuse(request, "people.linkchange", pk)
    back_to = request.POST.get("person", "")
    try:
        decisions.revert(change, user=request.user, as_of=timezone.now(),
                         reason=request.POST.get("reason", "")[:300])
        messages.success(request, f"Reverted: {change}.")
    except decisions.LinkageError as exc:
        messages.error(request, str(exc))
    if back_to.isdigit():
        return redirect("linkage:person", pk=int(back_to))
    return redirect("linkage:review")
