"""Production serving, sign-in, second factor, roles and the audit that misses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigil.core import audit
from vigil.core.models import AuditEvent

PASSWORD = "not-a-real-password-1"
PROD_ENV = {"VIGIL_HTTPS": "1", "VIGIL_ALLOWED_HOSTS": "vigil.example.police.uk",
            "VIGIL_SECRET_KEY": "k" * 10 + "a-long-random-production-key-0123456789-xyz"}


def _python(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("VIGIL_") and k != "DJANGO_SETTINGS_MODULE"}
    base.update(VIGIL_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="vigil.settings", **env)
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True,
                          text=True, timeout=120)


# --- Production serving -----------------------------------------------------------

def test_the_web_server_refuses_to_start_without_its_own_key(tmp_path):
    refused = _python("import vigil.wsgi", tmp_path)
    assert refused.returncode != 0 and "VIGIL_SECRET_KEY" in refused.stderr
    assert _python("import vigil.wsgi", tmp_path, VIGIL_DEBUG="1").returncode == 0
    assert _python("import vigil.wsgi", tmp_path, VIGIL_SECRET_KEY="x" * 50).returncode == 0
    # The demo's key, kept in the data dir, is the server's own key too.
    (tmp_path / "secret_key").write_text("y" * 50)
    served = _python("import vigil.wsgi; from django.conf import settings; "
                     "print(settings.SECRET_KEY)", tmp_path)
    assert served.returncode == 0 and served.stdout.strip() == "y" * 50


def test_vigil_serve_says_why_it_will_not_start(tmp_path):
    run = _python("import sys; from vigil.cli import main; sys.exit(main(['serve', "
                  "'--production']))", tmp_path)
    assert run.returncode == 1
    assert "vigil serve: Vigil will not serve without its own signing key" in run.stderr


def test_demo_keeps_a_random_key_in_its_data_dir(settings, tmp_path):
    from vigil.core.commands import ensure_secret_key

    settings.SECRET_KEY_FILE = tmp_path / "secret_key"
    settings.SECRET_KEY_SOURCE = "ephemeral"
    ensure_secret_key()
    first = settings.SECRET_KEY
    assert (tmp_path / "secret_key").read_text() == first and len(first) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    ensure_secret_key()  # kept, not replaced
    assert first == settings.SECRET_KEY


def test_check_deploy_is_clean_only_under_production_settings(tmp_path):
    code = ("from django.core.management import call_command; import django; django.setup(); "
            "call_command('check', deploy=True, fail_level='WARNING')")
    assert _python(code, tmp_path, **PROD_ENV).returncode == 0
    plain = _python(code, tmp_path)
    assert plain.returncode != 0
    for problem in ("security.W004", "security.W012", "vigil.E001"):
        assert problem in plain.stderr


def test_gunicorn_serves_the_wsgi_app_with_threads():
    from vigil.core.commands import gunicorn_argv

    argv = gunicorn_argv("127.0.0.1:8105", 3, 4)
    assert argv[1:4] == ["-m", "gunicorn", "vigil.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "3"
    # Idle connections outlive the proxy's, so the proxy never reuses a closed one.
    assert int(argv[argv.index("--keep-alive") + 1]) > 60


def test_pages_carry_the_security_headers(client, settings, make_user):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/login/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert client.get("/login/").status_code == 301  # plain HTTP goes to HTTPS


def test_no_template_has_inline_script_or_style():
    import re
    from pathlib import Path

    import vigil

    root = Path(vigil.__file__).parent
    bad = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
                r"\s(on[a-z]+|style)=", text):
            bad.append(str(path.relative_to(root)))
    assert bad == []


# --- Sign-in ----------------------------------------------------------------------

def _login(client, username, password, path="/login/"):
    return client.post(path, {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_and_are_audited(client, make_user, settings):
    make_user(role="da_desk", username="desk-7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "desk-7", "wrong-guess").status_code == 200
    locked = _login(client, "desk-7", "wrong-guess")
    assert locked.status_code == 429 and b"Sign-in is locked" in locked.content
    # The right password does not get in while locked.
    assert _login(client, "desk-7", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    reasons = list(AuditEvent.objects.filter(action="denied").values_list(
        "detail__reason", flat=True))
    assert reasons.count("failed_login") >= settings.AXES_FAILURE_LIMIT
    assert "locked_out" in reasons
    assert not AuditEvent.objects.filter(action="login").exists()


def test_admin_sign_in_is_audited(client, make_user):
    admin = make_user(role="admin", username="root-9")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    # Signed out, the admin's sign-in page is Vigil's own.
    assert client.get("/admin/login/")["Location"].startswith("/login/")
    # Signed in without the admin role, the admin site offers its own sign-in form.
    client.force_login(make_user(role="da_desk"))
    _login(client, "root-9", "nope", path="/admin/login/")
    failed = AuditEvent.objects.get(action="denied")
    assert (failed.context, failed.detail["username"]) == ("admin-login", "root-9")
    response = _login(client, "root-9", PASSWORD, path="/admin/login/")
    assert response.status_code == 302
    login = AuditEvent.objects.get(action="login")
    assert (login.user, login.context) == (admin, "admin-login")


@pytest.mark.parametrize("password,ok", [
    ("desk-officer-7", False),        # the username
    ("xDESKOFFICER7x", False),        # the username inside, any case
    ("384756109283", False),          # all digits
    ("aaaaaaaaaaaaaa", False),        # one character repeated
    ("abcabcabcabcabc", False),       # a short pattern repeated
    ("abababab1212", False),          # four distinct characters
    ("password1234", False),          # common
    ("short-1A", False),              # under 12
    ("plum-Harbour-71", True),
    ("correct horse battery", True),
])
def test_password_rules(password, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from vigil.core.models import User

    user = User(username="desk-officer-7", first_name="Priya", last_name="Shah")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


# --- Second factor ----------------------------------------------------------------

def _totp_now(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_privileged_roles_need_a_second_factor(client, make_user, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.VIGIL_OTP_ROLES = frozenset({"admin"})
    make_user(role="admin", username="root-2")
    assert _login(client, "root-2", PASSWORD).status_code == 302
    # Every page sends the admin to the second-factor page first.
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/two-factor/?next=%2Faudit%2F")
    enrol = client.get(response["Location"])
    assert b"Set up your security code" in enrol.content and b"data:image/svg+xml" in enrol.content
    device = TOTPDevice.objects.get(user__username="root-2", confirmed=False)

    bad = client.post("/account/two-factor/", {"token": "000000", "next": "/audit/"})
    assert bad.status_code == 200 and b"Enter the 6-digit code" in bad.content
    assert AuditEvent.objects.filter(action="denied",
                                     detail__reason="bad_second_factor").count() == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows the next try down
    device.throttle_reset()  # ... as waiting out the delay would
    good = client.post("/account/two-factor/", {"token": _totp_now(device), "next": "/audit/"})
    assert good.status_code == 302 and good["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="login", context="two-factor").exists()
    # An open redirect is not followed.
    assert client.get("/account/two-factor/?next=https://evil.example/")["Location"] == "/"


def test_casework_roles_sign_in_with_a_password_alone(client, make_user, settings):
    settings.VIGIL_OTP_ROLES = frozenset({"admin"})
    make_user(role="da_desk", username="desk-3")
    _login(client, "desk-3", PASSWORD)
    assert client.get("/").status_code == 200


# --- Roles --------------------------------------------------------------------------

def _admin_client(make_user):
    admin = make_user(role="admin", username="root-5")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client, admin


def _change_form(user, **changes):
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "",
            "role": user.role, "area": user.area_id or "", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"}
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return data


def test_an_admin_cannot_change_their_own_role_or_area(make_user, areas):
    client, admin = _admin_client(make_user)
    url = reverse("admin:core_user_change", args=[admin.pk])
    form = client.get(url)
    assert b'name="role"' not in form.content  # shown, not editable
    client.post(url, _change_form(admin, role="lpa_commander", area=areas["COV"].pk))
    admin.refresh_from_db()
    assert (admin.role, admin.area_id) == ("admin", None)


def test_a_role_change_is_audited_with_old_and_new_values(make_user, areas):
    client, admin = _admin_client(make_user)
    officer = make_user(role="da_desk", username="desk-5", area=areas["BHM"])
    url = reverse("admin:core_user_change", args=[officer.pk])
    response = client.post(url, _change_form(officer, role="lpa_commander",
                                             area=areas["COV"].pk))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.role == "lpa_commander"
    event = AuditEvent.objects.get(detail__has_key="privileges")
    assert event.object_id == str(officer.pk) and event.user == admin
    assert event.detail["privileges"] == {"role": ["da_desk", "lpa_commander"],
                                          "area": ["BHM", "COV"]}


# --- The audit misses nothing -----------------------------------------------------

def test_csrf_failures_are_audited(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role="da_desk", username="desk-8"))
    assert client.post("/queues/victim_care/tasks/1/complete/").status_code == 403
    event = AuditEvent.objects.get(action="denied")
    assert (event.actor, event.detail["reason"]) == ("desk-8", "csrf")


def test_a_service_refusal_is_audited_even_though_its_transaction_rolls_back(
        client, make_user, areas):
    from vigil.safeguarding.models import Task

    now = timezone.now()
    # A kind with no record behind it: the queue's plain outcome reaches the service.
    task = Task.objects.create(key="t-1", kind="escalation_review", team="marac",
                               lpa=areas["BHM"], subject="J S", reason="r", rule="x",
                               policy_version="t", starts_at=now, due_at=now + timedelta(1))
    outsider = make_user(role="marac_coordinator", area=areas["COV"], username="cov-m")
    client.force_login(outsider)
    response = client.post(f"/queues/marac/tasks/{task.pk}/complete/",
                           {"version": task.version, "outcome": "done"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "open"
    event = AuditEvent.objects.get(action="denied")
    assert (event.actor, event.object_id, event.detail["reason"], event.detail["layer"]) == (
        "cov-m", str(task.pk), "out_of_area", "service")


def test_the_review_queue_view_is_audited(client, make_user):
    client.force_login(make_user(role="safeguarding", username="sg-1"))
    assert client.get("/linkage/review/").status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="people.reviewpair",
                                     actor="sg-1").exists()


def test_an_audit_write_that_fails_never_fails_the_page(client, make_user, settings, tmp_path,
                                                        monkeypatch):
    settings.DATA_DIR = tmp_path
    client.force_login(make_user(role="admin", username="root-7"))
    real_save = AuditEvent.save

    def busy(self, *args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(AuditEvent, "save", busy)
    monkeypatch.setattr(audit, "_in_change", lambda: False)  # no test transaction around it
    assert client.get("/audit/").status_code == 200
    assert "root-7" in (tmp_path / "audit-fallback.jsonl").read_text()
    monkeypatch.setattr(AuditEvent, "save", real_save)
    monkeypatch.undo()
    assert audit.flush_fallback() == 1
    assert AuditEvent.objects.filter(actor="root-7", context="audit-log").exists()
    assert not (tmp_path / "audit-fallback.jsonl").exists()


def test_cli_commands_touching_personal_data_are_audited(db, areas):
    from vigil.cli import AUDITED_COMMANDS, main

    assert main(["createuser", "cli-made", "--role", "da_desk", "--password",
                 "plum-Harbour-71"]) == 0
    event = AuditEvent.objects.get(object_type="command")
    assert (event.action, event.object_id, event.context) == ("create", "createuser", "cli")
    assert event.actor.startswith("cli:") and "plum-Harbour-71" not in str(event.detail)
    assert event.detail["exit"] == 0
    for command in ("import", "snapshot", "report", "link", "rules", "backup", "restore"):
        assert command in AUDITED_COMMANDS


def test_admins_export_the_audit_for_a_date_range(client, make_user):
    client.force_login(make_user(role="admin", username="root-8"))
    audit.record("alice", audit.VIEW, "people.person", 7, at=timezone.now() - timedelta(days=40))
    audit.record("bob", audit.VIEW, "people.person", 7)
    today = timezone.localdate()
    assert client.get("/audit/export.csv").status_code == 400  # a range is required
    response = client.get("/audit/export.csv", {
        "date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat(),
        "object_type": "people.person", "object_id": "7"})
    body = b"".join(response.streaming_content).decode()
    assert "bob" in body and "alice" not in body
    assert AuditEvent.objects.filter(action="export", actor="root-8").exists()
    # Who viewed a person: the audit page's filter.
    page = client.get("/audit/", {"object_type": "people.person", "object_id": "7",
                                  "action": "view"})
    assert sorted(e.actor for e in page.context["page"]) == ["alice", "bob"]


def test_the_audit_table_cannot_be_rewritten_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    event = audit.record("alice", audit.VIEW, "people.person", 7)
    for sql in ("UPDATE core_auditevent SET actor = 'mallory' WHERE id = %s",
                "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cur:
            cur.execute(sql, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).actor == "alice"
