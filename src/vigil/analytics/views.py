"""Performance dashboards: every KPI, filterable by LPA and year, with its chart, the
table behind it and a download (audited as an export). Thin: the work is in queries."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vigil.analytics import asof, catalogue, queries, rag, services
from vigil.analytics.pack import last_complete_month
from vigil.core import audit, roles
from vigil.core.exports import write_csv, xlsx_workbook
from vigil.core.policy import current


class Refused(Exception):
    """An as-of or year the snapshot cannot answer for."""


def _context(request):
    """Pack, scope, as-of and period from the query string.

    Raises NoSnapshot when there is no snapshot, Refused for an as-of or year it cannot
    answer for.
    """
    data_dir = Path(settings.DATA_DIR)
    queries.snapshot_stamp(data_dir)  # NoSnapshot before anything else
    try:
        when = asof.resolve(data_dir, request.GET.get("as_of") or request.POST.get("as_of"),
                            today=timezone.localdate())
    except asof.AsOfError as exc:
        raise Refused(str(exc)) from None
    as_of = when.as_of
    pack = queries.load_pack(data_dir, current(), as_of)
    scope = queries.scope_for(request.user, pack, request.GET.get("lpa"))
    years = queries.years_available(pack, as_of)
    year = request.GET.get("year") or None
    if year is not None and year not in years:
        raise Refused(f"the snapshot has no complete month of {year} by {as_of:%d %B %Y}; "
                      f"years with data: {', '.join(years) or 'none'}")
    try:
        first, last, label = queries.period_for(as_of, year or (years[0] if years else None))
    except ValueError as exc:
        raise Refused(str(exc)) from None
    return {"pack": pack, "scope": scope, "as_of": as_of, "when": when, "years": years,
            "year": label, "first": first, "last": last,
            "lpa_id": scope.lpa["id"] if scope.lpa else None,
            "area_name": scope.lpa["name"] if scope.lpa else "Whole force"}


def _no_snapshot(request, exc):
    if isinstance(exc, Refused):
        return render(request, "analytics/refused.html", {"problem": str(exc)}, status=400)
    return render(request, "analytics/no_snapshot.html", {"problem": str(exc)}, status=503)


def _my_leads(user) -> list[str]:
    from vigil.analytics.models import CommitmentLead

    return list(CommitmentLead.objects.filter(user=user).values_list("commitment", flat=True))


def _ratings(ctx):
    return rag.rate_commitments(ctx["pack"], rag.DEFAULT_RULES, ctx["as_of"],
                                services.overrides_for(last_complete_month(ctx["as_of"])))


@roles.requires(roles.VIEW_DASHBOARDS)
def dashboard(request):
    try:
        ctx = _context(request)
    except (queries.NoSnapshot, Refused) as exc:
        return _no_snapshot(request, exc)
    groups = queries.overview(ctx["pack"], current(), ctx["lpa_id"], ctx["first"], ctx["last"],
                              ratings=_ratings(ctx), as_of=ctx["as_of"],
                              rank_among=len(ctx["scope"].lpas))
    audit.record(request.user, audit.VIEW, "analytics.dashboard", ctx["year"],
                 context=audit.context_from_request(request),
                 detail={"area": ctx["area_name"], "as_of": ctx["as_of"].isoformat()})
    return render(request, "analytics/dashboard.html", {**ctx, "groups": groups,
                                                        "can_report": roles.can(
                                                            request.user,
                                                            roles.BOARD_REPORT),
                                                        "my_leads": _my_leads(request.user)})


def _kpi_or_404(kpi_id: str) -> catalogue.Kpi:
    try:
        return catalogue.get(kpi_id)
    except catalogue.CatalogueError as exc:
        raise Http404(str(exc)) from exc


@roles.requires(roles.VIEW_DASHBOARDS)
def kpi(request, kpi_id: str):
    measure = _kpi_or_404(kpi_id)
    try:
        ctx = _context(request)
    except (queries.NoSnapshot, Refused) as exc:
        return _no_snapshot(request, exc)
    detail = queries.kpi_detail(ctx["pack"], current(), measure, ctx["lpa_id"], ctx["first"],
                                ctx["last"])
    audit.record(request.user, audit.VIEW, "analytics.kpi", measure.id,
                 context=audit.context_from_request(request),
                 detail={"area": ctx["area_name"], "year": ctx["year"]})
    return render(request, "analytics/kpi.html", {**ctx, "kpi": measure, **detail,
                                                  "query": request.GET.urlencode(),
                                                  "can_export": roles.can(request.user,
                                                                          roles.EXPORT)})


@roles.requires(roles.EXPORT)
def download(request, kpi_id: str, fmt: str):
    measure = _kpi_or_404(kpi_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404(f"unknown format {fmt!r}: csv or xlsx")
    try:
        ctx = _context(request)
    except (queries.NoSnapshot, Refused) as exc:
        return _no_snapshot(request, exc)
    rows = queries.export_rows(ctx["pack"], measure, ctx["scope"].lpas, ctx["lpa_id"],
                               ctx["first"], ctx["last"])
    services.record_export(actor=request.user.username, user=request.user, what=measure.id,
                           fmt=fmt, at=timezone.now(),
                           context=audit.context_from_request(request),
                           detail={"area": ctx["area_name"], "year": ctx["year"],
                                   "rows": len(rows) - 1})
    name = f"{measure.id}-{ctx['year']}-{(ctx['scope'].lpa or {}).get('code', 'force')}"
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(buf, rows)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        data = io.BytesIO()
        wb = xlsx_workbook(data, {"in_memory": True})
        ws = wb.add_worksheet(measure.id[:31])
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
        wb.close()
        response = HttpResponse(
            data.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@roles.requires(roles.VIEW_DASHBOARDS)
def rag_overrides(request):
    """The computed RAG per commitment, and the official rating the Commissioner's office
    assigns beside it, with who and why."""
    try:
        ctx = _context(request)
    except (queries.NoSnapshot, Refused) as exc:
        return _no_snapshot(request, exc)
    period_end = last_complete_month(ctx["as_of"])
    can_assign = roles.can(request.user, roles.ASSIGN_RATING)
    ratings = _ratings(ctx)
    if request.method == "POST":
        if not can_assign:
            raise roles.deny(request, roles.ASSIGN_RATING)
        ref = request.POST.get("commitment", "")
        computed = next((r.computed for r in ratings if r.commitment == ref), None)
        try:
            services.override_rag(actor=request.user.username, user=request.user,
                                  commitment=ref, period_end=period_end,
                                  computed=computed or "", rating=request.POST.get("rating", ""),
                                  reason=request.POST.get("reason", ""), at=timezone.now())
        except services.AnalyticsError as exc:
            messages.error(request, f"Rating not saved: {exc}")
        else:
            messages.success(request, f"Official rating for ref {ref} recorded, with your "
                                      "reason.")
        return redirect(f"{request.path}?as_of={ctx['as_of'].isoformat()}")
    return render(request, "analytics/rag.html", {
        **ctx, "ratings": ratings, "period_end": period_end, "can_assign": can_assign,
        "definitions": rag.DEFINITIONS, "choices": list(rag.DEFINITIONS),
        "official_by": rag.OFFICIAL_BY})
