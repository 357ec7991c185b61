"""Performance dashboards: every KPI, filterable by LPA and year, with its chart, the
table behind it and a download (audited as an export). Thin: the work is in queries."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vigil.analytics import catalogue, queries, rag, services
from vigil.analytics.pack import last_complete_month
from vigil.core import audit, roles
from vigil.core.exports import write_csv, xlsx_workbook
from vigil.core.policy import current

# Earlier than any force's records; later than today is the future (and far dates overflow).
AS_OF_EARLIEST = date(2000, 1, 1)


def _as_of(request) -> date:
    text = request.GET.get("as_of") or request.POST.get("as_of")
    today = timezone.localdate()
    if text:
        try:
            as_of = date.fromisoformat(text[:10])
        except ValueError:
            messages.error(request, f"As-of date {text[:20]!r} is not a date (YYYY-MM-DD); "
                                    "showing today.")
        else:
            if AS_OF_EARLIEST <= as_of <= today:
                return as_of
            messages.error(request, f"As-of date {as_of:%d %B %Y} is out of range: choose a "
                                    f"date from {AS_OF_EARLIEST:%d %B %Y} to today; "
                                    "showing today.")
    return today


def _context(request):
    """Pack, scope and period from the query string; None when there is no snapshot."""
    as_of = _as_of(request)
    pack = queries.load_pack(Path(settings.DATA_DIR), current(), as_of)
    scope = queries.scope_for(request.user, pack, request.GET.get("lpa"))
    years = queries.years_available(pack, as_of)
    year = request.GET.get("year")
    if year not in years:
        year = years[0] if years else None
    first, last, label = queries.period_for(as_of, year)
    return {"pack": pack, "scope": scope, "as_of": as_of, "years": years, "year": label,
            "first": first, "last": last,
            "lpa_id": scope.lpa["id"] if scope.lpa else None,
            "area_name": scope.lpa["name"] if scope.lpa else "Whole force"}


def _no_snapshot(request, exc):
    return render(request, "analytics/no_snapshot.html", {"problem": str(exc)}, status=503)


@roles.requires(roles.VIEW_DASHBOARDS)
def dashboard(request):
    try:
        ctx = _context(request)
    except queries.NoSnapshot as exc:
        return _no_snapshot(request, exc)
    groups = queries.overview(ctx["pack"], current(), ctx["lpa_id"], ctx["first"], ctx["last"])
    audit.record(request.user, audit.VIEW, "analytics.dashboard", ctx["year"],
                 context=audit.context_from_request(request),
                 detail={"area": ctx["area_name"], "as_of": ctx["as_of"].isoformat()})
    return render(request, "analytics/dashboard.html", {**ctx, "groups": groups,
                                                        "can_override": roles.can(
                                                            request.user,
                                                            roles.VIEW_ANALYTICS)})


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
    except queries.NoSnapshot as exc:
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
    except queries.NoSnapshot as exc:
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
    """The computed RAG per commitment, and (analysts) an override with a reason."""
    try:
        ctx = _context(request)
    except queries.NoSnapshot as exc:
        return _no_snapshot(request, exc)
    period_end = last_complete_month(ctx["as_of"])
    can_override = roles.can(request.user, roles.VIEW_ANALYTICS)
    overrides = services.overrides_for(period_end)
    ratings = rag.rate_commitments(ctx["pack"], rag.DEFAULT_RULES, ctx["as_of"], overrides)
    if request.method == "POST":
        if not can_override:
            raise roles.deny(request, roles.VIEW_ANALYTICS)
        ref = request.POST.get("commitment", "")
        computed = next((r.computed for r in ratings if r.commitment == ref), None)
        try:
            services.override_rag(actor=request.user.username, user=request.user,
                                  commitment=ref, period_end=period_end,
                                  computed=computed or "", rating=request.POST.get("rating", ""),
                                  reason=request.POST.get("reason", ""), at=timezone.now())
        except services.AnalyticsError as exc:
            messages.error(request, f"Override not saved: {exc}")
        else:
            messages.success(request, f"Rating for ref {ref} set, with your reason recorded.")
        return redirect(f"{request.path}?as_of={ctx['as_of'].isoformat()}")
    return render(request, "analytics/rag.html", {
        **ctx, "ratings": ratings, "period_end": period_end, "can_override": can_override,
        "definitions": rag.DEFINITIONS, "choices": list(rag.DEFINITIONS)})
