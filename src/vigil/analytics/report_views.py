"""The board report in the app: editions (generated in the background, with progress),
the cover details, each commitment's SMT lead and their commentary. Thin: the state
changes are in services, the generation in editions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from vigil.analytics import asof, editions, queries, rag, services
from vigil.analytics.models import Commentary, CommitmentLead, ReportCover, ReportEdition
from vigil.analytics.pack import financial_year_start, fy_label, parse_financial_year
from vigil.core import audit, roles
from vigil.core.policy import current

PAGE = 20


def _years_and_default(data_dir: Path) -> tuple[list[str], asof.AsOf]:
    when = asof.resolve(data_dir, None, today=timezone.localdate())
    pack = queries.load_pack(data_dir, current(), when.as_of)
    return queries.years_available(pack, when.as_of), when


def _as_of_for_year(year: str, when: asof.AsOf) -> date:
    """The default as-of for a year: its 31 March, or the latest complete month if sooner."""
    end = date(parse_financial_year(year).year + 1, 3, 31)
    return min(end, when.as_of)


@roles.requires(roles.BOARD_REPORT)
def reports(request):
    data_dir = Path(settings.DATA_DIR)
    try:
        queries.snapshot_stamp(data_dir)
        years, when = _years_and_default(data_dir)
    except (queries.NoSnapshot, asof.AsOfError) as exc:
        return render(request, "analytics/no_snapshot.html", {"problem": str(exc)}, status=503)
    year = request.POST.get("year") or request.GET.get("year") or (years[0] if years else "")
    errors = {}
    if request.method == "POST":
        text = request.POST.get("as_of", "").strip()
        if year not in years:
            errors["year"] = f"Choose a financial year the data has: {', '.join(years)}"
        else:
            try:
                chosen = (asof.resolve(data_dir, text, today=timezone.localdate()).as_of
                          if text else _as_of_for_year(year, when))
            except asof.AsOfError as exc:
                errors["as_of"] = str(exc)[0].upper() + str(exc)[1:]
            else:
                fy = parse_financial_year(year)
                if not (fy <= chosen <= date(fy.year + 1, 4, 1)):
                    errors["as_of"] = (f"The as-of date must fall in {year} (1 April {fy.year} "
                                       f"to 31 March {fy.year + 1})")
        if not errors:
            with transaction.atomic():
                edition = services.request_edition(actor=request.user.username,
                                                   user=request.user, year=year,
                                                   as_of=chosen, at=timezone.now())
                transaction.on_commit(lambda: editions.enqueue(edition))
            return redirect("analytics:edition", edition.pk)
    page = max(1, int(request.GET.get("page", "1") or 1)) if request.GET.get(
        "page", "1").isdigit() else 1
    rows = list(ReportEdition.objects.all()[(page - 1) * PAGE: page * PAGE + 1])
    cover = ReportCover.objects.filter(year=year).first()
    leads = {r.commitment: r for r in CommitmentLead.objects.select_related("user")}
    commentary = services.current_commentary(year) if year else {}
    User = get_user_model()
    candidates = [u for u in User.objects.filter(is_active=True).order_by("username")
                  if roles.can(u, roles.VIEW_DASHBOARDS)]
    audit.record(request.user, audit.VIEW, "analytics.reports", year,
                 context=audit.context_from_request(request))
    return render(request, "analytics/reports.html", {
        "years": years, "year": year, "when": when, "errors": errors,
        "default_as_of": _as_of_for_year(year, when) if year in years else when.as_of,
        "editions": rows[:PAGE], "page": page, "has_next": len(rows) > PAGE,
        "cover": cover, "commitments": [
            {"ref": ref, "title": title, "lead": leads.get(ref),
             "commentary": commentary.get(ref)} for ref, title in rag.COMMITMENTS.items()],
        "candidates": candidates, "status": ReportEdition.Status})


@roles.requires(roles.BOARD_REPORT)
def cover(request, year: str):
    if request.method != "POST":
        return redirect(f"/analytics/reports/?year={year}")
    fields = {k: request.POST.get(k, "") for k in services.COVER_FIELDS}
    try:
        fields["meeting_date"] = (date.fromisoformat(fields["meeting_date"])
                                  if fields["meeting_date"] else None)
    except ValueError:
        messages.error(request, f"Date of meeting {fields['meeting_date']!r} is not a date "
                                "(use the date picker, or YYYY-MM-DD); nothing was saved.")
        return redirect(f"/analytics/reports/?year={year}")
    try:
        services.set_cover(actor=request.user.username, user=request.user, year=year,
                           at=timezone.now(), **fields)
    except services.AnalyticsError as exc:
        messages.error(request, f"Cover not saved: {exc}")
    else:
        messages.success(request, f"Cover details for {year} saved; the next edition uses "
                                  "them.")
    return redirect(f"/analytics/reports/?year={year}")


@roles.requires(roles.BOARD_REPORT)
def lead(request, ref: str):
    if request.method != "POST":
        return redirect("analytics:reports")
    User = get_user_model()
    who = User.objects.filter(username=request.POST.get("username", "")).first()
    try:
        services.set_lead(actor=request.user.username, user=request.user, commitment=ref,
                          lead=who, at=timezone.now())
    except services.AnalyticsError as exc:
        messages.error(request, f"Lead not set: {exc}")
    else:
        messages.success(request, f"{who.get_full_name() or who.username} is the SMT lead "
                                  f"for ref {ref}.")
    return redirect(request.POST.get("next") or "analytics:reports")


def _edition_or_404(pk: int) -> ReportEdition:
    return get_object_or_404(ReportEdition, pk=pk)


@roles.requires(roles.BOARD_REPORT)
def edition(request, pk: int):
    row = _edition_or_404(pk)
    running = row.status in (ReportEdition.Status.QUEUED, ReportEdition.Status.RUNNING)
    taken = (datetime.fromisoformat(row.snapshot_taken_at) if row.snapshot_taken_at
             else None)
    return render(request, "analytics/edition.html", {"e": row, "running": running,
                                                      "taken": taken,
                                                      "status": ReportEdition.Status})


def _file(row: ReportEdition, kind: str) -> Path:
    if row.status != ReportEdition.Status.DONE:
        raise Http404("this edition is not ready")
    path = editions.file_for(row, kind)
    if not path.exists():
        raise Http404("this edition's files are missing from the data folder")
    return path


@roles.requires(roles.BOARD_REPORT)
def edition_html(request, pk: int):
    row = _edition_or_404(pk)
    path = _file(row, "html")
    audit.record(request.user, audit.VIEW, "analytics.reportedition", str(row.pk),
                 context=audit.context_from_request(request), detail={"format": "html"})
    return FileResponse(path.open("rb"), content_type=editions.FILES["html"])


@roles.requires(roles.BOARD_REPORT)
def edition_download(request, pk: int, fmt: str):
    row = _edition_or_404(pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404(f"unknown format {fmt!r}: pdf or xlsx")
    path = _file(row, fmt)
    services.record_export(actor=request.user.username, user=request.user,
                           what=f"board-report-{row.pk}", fmt=fmt, at=timezone.now(),
                           context=audit.context_from_request(request),
                           detail={"year": row.year, "as_of": row.as_of.isoformat()})
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type=editions.FILES[fmt])


@roles.requires(roles.VIEW_DASHBOARDS)
def commentary(request, year: str, ref: str):
    """The SMT lead writes the commitment's commentary; every save is a new version."""
    if ref not in rag.COMMITMENTS:
        raise Http404(f"no commitment {ref!r}")
    try:
        parse_financial_year(year)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    lead_row = CommitmentLead.objects.filter(commitment=ref).select_related("user").first()
    is_lead = lead_row is not None and lead_row.user_id == request.user.pk
    if not (is_lead or roles.can(request.user, roles.BOARD_REPORT)):
        raise roles.deny(request, "write_commentary", object_type="analytics.commentary",
                         object_id=ref, reason="not the SMT lead")
    versions = list(Commentary.objects.filter(commitment=ref, year=year)
                    .order_by("-version")[:PAGE])
    latest = versions[0] if versions else None
    text = latest.text if latest else ""
    base = latest.version if latest else 0
    conflict = None
    if request.method == "POST":
        if not is_lead:
            raise roles.deny(request, "write_commentary", object_type="analytics.commentary",
                             object_id=ref, reason="not the SMT lead")
        text = request.POST.get("text", "")
        try:
            base_posted = int(request.POST.get("base_version", "0"))
            services.save_commentary(actor=request.user.username, user=request.user,
                                     commitment=ref, year=year, text=text,
                                     base_version=base_posted, at=timezone.now())
        except services.CommentaryConflict as exc:
            conflict = exc
        except (services.AnalyticsError, ValueError) as exc:
            messages.error(request, f"Commentary not saved: {exc}")
        else:
            messages.success(request, "Commentary saved. The next edition of the report "
                                      "includes it.")
            return redirect("analytics:commentary", year, ref)
    return render(request, "analytics/commentary.html", {
        "year": year, "ref": ref, "title": rag.COMMITMENTS[ref], "lead": lead_row,
        "is_lead": is_lead, "versions": versions, "latest": latest, "text": text,
        "base_version": base, "conflict": conflict,
        "this_year": fy_label(financial_year_start(timezone.localdate()))}, status=(
        409 if conflict else 200))
