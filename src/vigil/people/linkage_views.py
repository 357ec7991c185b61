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
from vigil.people.linkage import decisions
from vigil.people.models import LinkChange, Person, RecordMove, ReviewPair, SourceRecord
from vigil.people.queries import visible_persons
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


def _visible_person(user, pk: int) -> Person:
    person = visible_persons(user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person in your area.")
    return person


@never_cache
@roles.requires(roles.MANAGE_LINKAGE)
def review_queue(request):
    pairs = (ReviewPair.objects.filter(status=ReviewPair.Status.OPEN)
             .select_related("record_a", "record_b"))
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    audit.record(request.user, audit.VIEW, "people.reviewpair", context="linkage-review",
                 detail={"page": page.number, "rows": len(page.object_list)})
    return render(request, "people/linkage/review_queue.html", {"page": page})


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def review_decide(request, pk: int):
    pair = get_object_or_404(ReviewPair, pk=pk)
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
    person = _visible_person(request.user, pk)
    records = SourceRecord.objects.filter(person=person).order_by("source_system", "id")
    change_ids = (RecordMove.objects.filter(to_person=person).values("change_id")
                  .union(RecordMove.objects.filter(from_person=person).values("change_id")))
    changes = LinkChange.objects.filter(pk__in=change_ids).order_by("-at", "-id")[:50]
    audit.record(request.user, audit.VIEW, person, context="linkage",
                 detail={"page": "links"})
    return render(request, "people/linkage/person_links.html", {
        "person": person, "records": records, "changes": changes})


def _done(request, person_pk: int, message: str):
    messages.success(request, message)
    return redirect("linkage:person", pk=person_pk)


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def person_action(request, pk: int):
    person = _visible_person(request.user, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:300]
    now = timezone.now()
    try:
        if action == "split":
            record = get_object_or_404(SourceRecord, pk=request.POST.get("record"),
                                       person=person)
            decisions.split_record(record, user=request.user, as_of=now, reason=reason,
                                   context=f"person:{pk}")
            return _done(request, pk, f"{record.source_ref} is now a person of its own.")
        other_pk = request.POST.get("other", "").strip()
        if not other_pk.isdigit():
            raise decisions.LinkageError("give the other person's number")
        other = _visible_person(request.user, int(other_pk))
        if action == "link":
            decisions.link_persons(person, other, user=request.user, as_of=now, reason=reason,
                                   context=f"person:{pk}")
            return _done(request, pk, f"Person {other.pk} linked into this person.")
        if action == "different":
            decisions.mark_different(person, other, user=request.user, as_of=now,
                                     reason=reason, context=f"person:{pk}")
            return _done(request, pk, f"Marked as a different person from {other.pk}.")
        raise decisions.LinkageError(f"unknown action {action!r}")
    except decisions.LinkageError as exc:
        messages.error(request, str(exc))
        return redirect("linkage:person", pk=pk)


@require_POST
@roles.requires(roles.MANAGE_LINKAGE)
def revert_change(request, pk: int):
    change = get_object_or_404(LinkChange, pk=pk)
    back_to = request.POST.get("person", "")
    try:
        decisions.revert(change, user=request.user, as_of=timezone.now(),
                         reason=request.POST.get("reason", "")[:300])
        messages.success(request, f"Change {change.pk} reverted.")
    except decisions.LinkageError as exc:
        messages.error(request, str(exc))
    if back_to.isdigit():
        return redirect("linkage:person", pk=int(back_to))
    return redirect("linkage:review")
