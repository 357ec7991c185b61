"""Sign in and out, the home page, the audit log, and the error pages' context."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from vigil.core import audit, mail, queries, roles
from vigil.core import home as home_parts
from vigil.core.context_processors import nav_for
from vigil.core.models import AuditEvent, OutboundEmail
from vigil.safeguarding.models import Team

TEAM_LABELS = dict(Team.choices)

AUDIT_PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    """Sign-in; successes, failures and lockouts are audited by vigil.core.auth."""

    template_name = "core/login.html"
    redirect_authenticated_user = True


def csrf_failure(request, reason=""):
    """A refused form post (forged or stale): recorded, then Django's usual 403."""
    from django.views.csrf import csrf_failure as django_csrf_failure

    audit.record(request.user, audit.DENIED, "request", context=request.path[:300],
                 detail={"reason": "csrf", "why": reason[:200], "method": request.method})
    return django_csrf_failure(request, reason=reason)


def home(request):
    user = request.user
    links = [item for item in nav_for(user, request.path) if item["href"] != request.path]
    panels = [mark_safe(render_to_string(template, context, request))  # noqa: S308 our templates
              for template, context in home_parts.panels(request)]
    return render(request, "core/home.html", {
        "panels": panels, "recent": home_parts.recent_records(user)
        if roles.can(user, roles.VIEW_PERSON) else [],
        "links": links,
        "teams": [TEAM_LABELS.get(t, t) for t in roles.teams_for(user)],
        "can_open_people": roles.can(user, roles.VIEW_PERSON),
        "no_casework_note": _no_casework_note(user),
    })


def _no_casework_note(user) -> str:
    """Why a role without person pages has none, so nobody thinks something is broken."""
    if roles.can(user, roles.VIEW_PERSON):
        return ""
    if roles.can(user, roles.ADMIN):
        return ("Your role manages accounts and reference data. It does not open person or "
                "incident pages.")
    return ("Your role sees aggregate and pseudonymised figures only. Person and incident "
            "pages are not available to you.")


@roles.requires(roles.VIEW_AUDIT)
def audit_log(request):
    f = queries.AuditFilter.from_params(request.GET)
    page = Paginator(queries.audit_events(f), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, audit.SEARCH, AuditEvent, context="audit-log",
                 detail=f.as_detail())
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "core/audit_log.html", {
        "page": page, "filter": f, "actions": AuditEvent.Action.choices,
        "object_types": queries.audited_object_types(), "query": params.urlencode(),
    })


@roles.requires(roles.VIEW_AUDIT)
def audit_export(request):
    """The audit log for a date range (and the page's filters) as CSV; itself audited."""
    f = queries.AuditFilter.from_params(request.GET)
    if not (f.date_from and f.date_to):
        return HttpResponse("Give a date range: ?date_from=YYYY-MM-DD&date_to=YYYY-MM-DD",
                            status=400, content_type="text/plain")
    events = queries.audit_events(f).order_by("at", "id")
    audit.record(request.user, audit.EXPORT, AuditEvent, context="audit-log",
                 detail=f.as_detail())
    response = StreamingHttpResponse(queries.audit_csv_lines(events),
                                     content_type="text/csv; charset=utf-8")
    name = f"vigil-audit-{f.date_from}-to-{f.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@roles.requires(roles.VIEW_AUDIT)
def outbox(request):
    """Every email Vigil sent or tried to send: to whom, when, and how delivery went.

    Bodies are not shown here: they hold case details, read on the record they are
    about. A user with an area sees that area's emails only.
    """
    status = request.GET.get("status", "")
    if status not in OutboundEmail.Status.values:
        status = ""
    rows = mail.outbox(area=request.user.area, status=status or None)
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, audit.SEARCH, OutboundEmail, context="outbox",
                 detail={"status": status} if status else {})
    return render(request, "core/outbox.html", {
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number),
        "status": status, "statuses": OutboundEmail.Status.choices,
        "query": f"status={status}" if status else "",
    })
