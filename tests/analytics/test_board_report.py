"""The board report in the app: one as-of, one rating, editions, cover and commentary,
and a PDF whose tables fit their pages."""

from datetime import date

import pytest

from vigil.analytics import asof, rag
from vigil.analytics.models import Commentary, ReportEdition
from vigil.core.models import AuditEvent

# The small force's records run from January to 11 December 2025.
AS_OF = "2025-11-30"


@pytest.fixture
def client_for(client, make_user):
    def _login(role, area=None, username=None):
        user = make_user(role, area=area, username=username)
        client.force_login(user)
        return client, user

    return _login


# --- One as-of ------------------------------------------------------------------------

def test_default_as_of_is_the_end_of_the_last_complete_month_held(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/")
    assert page.status_code == 200
    assert page.context["as_of"] == date(2025, 11, 30)
    html = page.content.decode()
    assert "records to 11 December 2025, snapshot taken" in html
    assert "end of the last complete month the snapshot holds" in html
    # The year list covers the years the data has (records start January 2025).
    assert page.context["years"] == ["2025-26", "2024-25"]


@pytest.mark.parametrize("text,problem", [
    ("2099-01-31", "is in the future"),
    ("2025-12-20", "after the last records in the snapshot (11 December 2025)"),
    ("2024-06-30", "before the first records in the snapshot"),
    ("30/11/2025", "is not a date"),
])
def test_an_as_of_the_snapshot_cannot_answer_is_refused(small_force, client_for, text,
                                                        problem):
    client, _ = client_for("analyst")
    for url in ("/analytics/", "/analytics/rag/", "/analytics/kpi/arrests/"):
        page = client.get(url, {"as_of": text})
        assert page.status_code == 400, url
        assert problem in page.content.decode()


def test_a_year_with_no_data_is_refused(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/", {"as_of": AS_OF, "year": "2019-20"})
    assert page.status_code == 400
    assert "no complete month of 2019-20" in page.content.decode()


def test_resolve_boundaries(small_force):
    # The last day held is 11 December; the snapshot was taken later, so it is whole.
    when = asof.resolve(small_force, None, today=date(2026, 1, 5))
    assert (when.as_of, when.records_from, when.records_to) == (
        date(2025, 11, 30), date(2025, 1, 11), date(2025, 12, 11))
    assert asof.resolve(small_force, "2025-12-11", today=date(2026, 1, 5)).as_of == date(
        2025, 12, 11)
    with pytest.raises(asof.AsOfError):
        asof.resolve(small_force, "2025-12-12", today=date(2026, 1, 5))
    assert asof.resolve(small_force, "2025-01-11", today=date(2026, 1, 5)).as_of == date(
        2025, 1, 11)
    with pytest.raises(asof.AsOfError):
        asof.resolve(small_force, "2025-01-10", today=date(2026, 1, 5))
    assert asof.last_month_end_on_or_before(date(2024, 2, 29)) == date(2024, 2, 29)
    assert asof.last_month_end_on_or_before(date(2024, 2, 28)) == date(2024, 1, 31)


# --- One rating, one figure -------------------------------------------------------------

def _report(data_dir, as_of, year="2025-26"):
    from vigil.analytics.pack import last_complete_month
    from vigil.analytics.report import build
    from vigil.analytics.services import overrides_for
    from vigil.core.policy import current

    return build(data_dir, current(), year=year, as_of=as_of,
                 overrides=overrides_for(last_complete_month(as_of)))


def test_dashboard_and_report_give_the_same_figure_and_rating(small_force, client_for):
    from django.utils import timezone

    from vigil.analytics import services

    # One official rating, so the comparison covers both kinds.
    services.override_rag(actor="opcc", commitment="53", period_end=date(2025, 11, 1),
                          computed="", rating="amber", reason="Bail data under review",
                          at=timezone.now())
    client, _ = client_for("commissioner")
    page = client.get("/analytics/", {"as_of": AS_OF})
    assert page.status_code == 200
    report = _report(small_force, date(2025, 11, 30))
    web = {g["ref"]: g for g in page.context["groups"]}
    assert set(web) == set(rag.COMMITMENTS)
    for section in report.sections:
        group = web[section["ref"]]
        assert group["rating"].rating == section["rating"].rating, section["ref"]
        assert group["rating"].computed == section["rating"].computed, section["ref"]
        assert [r["value"] for r in group["rows"]] == [r["ytd"][0] for r in section["rows"]]
        assert [r["kpi"].id for r in group["rows"]] == [r["id"] for r in section["rows"]]
        # Each measure's own RAG on the dashboard is the report's rule result for it.
        report_rules = {res.rule.kpi: res.rating for res in section["rating"].results}
        web_rules = {r["kpi"].id: r["rag"]["rating"] for r in group["rows"] if r["rag"]}
        assert web_rules == report_rules, section["ref"]
    assert web["53"]["rating"].rating == "amber" and web["53"]["rating"].official
    # And the rating page shows the same rating for every commitment.
    rag_page = client.get("/analytics/rag/", {"as_of": AS_OF})
    assert [r.rating for r in rag_page.context["ratings"]] == [
        s["rating"].rating for s in report.sections]


def test_change_says_better_or_worse_by_the_measures_direction():
    from vigil.analytics import catalogue
    from vigil.analytics.queries import direction

    up, down = catalogue.get("positive_outcome_rate"), catalogue.get("marac_days_to_hearing")
    assert direction(up, 12.0, 10.0)["word"] == "Better"
    assert direction(up, 9.0, 10.0) == {"word": "Worse", "css": "red"}
    assert direction(down, 9.0, 10.0)["word"] == "Better"
    assert direction(down, 10.0, 10.0)["word"] == "No change"
    assert direction(down, 50.52, 50.48)["word"] == "No change"  # both show 50.5
    assert direction(up, None, 10.0)["word"] == ""
    assert direction(catalogue.get("da_crimes_recorded"), 5.0, 1.0)["word"] == ""


def test_every_default_threshold_states_its_source():
    for rule in rag.DEFAULT_RULES:
        assert rule.source.strip(), rule
    assert any(rule.source == rag.FORCE_CHOICE for rule in rag.DEFAULT_RULES)


# --- Commentary ------------------------------------------------------------------------

@pytest.fixture
def lead(db, make_user):
    from django.utils import timezone

    from vigil.analytics import services

    user = make_user("lpa_commander", username="supt-lead")
    services.set_lead(actor="opcc", commitment="51", lead=user, at=timezone.now())
    return user


def test_the_lead_saves_versions_and_each_is_audited(lead, client):
    client.force_login(lead)
    url = "/analytics/commentary/2025-26/51/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"text": "Backlog down in Coventry.", "base_version": "0"})
    assert r.status_code == 302
    r = client.post(url, {"text": "Backlog down in Coventry and Walsall.",
                          "base_version": "1"})
    assert r.status_code == 302
    rows = list(Commentary.objects.order_by("version"))
    assert [(c.version, c.text) for c in rows] == [
        (1, "Backlog down in Coventry."), (2, "Backlog down in Coventry and Walsall.")]
    assert AuditEvent.objects.filter(object_type="analytics.commentary",
                                     action="update").count() == 2


def test_a_second_editor_is_told_not_overwritten(lead, client):
    client.force_login(lead)
    url = "/analytics/commentary/2025-26/51/"
    client.post(url, {"text": "First draft.", "base_version": "0"})
    # Two tabs (or a deputy signed in as the lead) both opened version 1.
    client.post(url, {"text": "Tab A's words.", "base_version": "1"})
    r = client.post(url, {"text": "Tab B's words.", "base_version": "1"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "was not saved" in html and "Tab A&#x27;s words." in html
    assert "Tab B&#x27;s words." in html  # their own text is kept on the page
    assert list(Commentary.objects.order_by("version").values_list("text", flat=True)) == [
        "First draft.", "Tab A's words."]


def test_only_the_lead_writes(lead, client_for):
    client, _ = client_for("lpa_commander", username="someone-else")
    r = client.post("/analytics/commentary/2025-26/51/", {"text": "x", "base_version": "0"})
    assert r.status_code == 403
    assert not Commentary.objects.exists()
    assert AuditEvent.objects.filter(action="denied").exists()


# --- Editions --------------------------------------------------------------------------

def test_commissioners_office_generates_an_edition_with_cover_and_commentary(
        small_force, lead, client_for, settings, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from vigil.analytics import services

    settings.VIGIL_JOBS_SYNC = True
    services.save_commentary(actor=lead.username, user=lead, commitment="51",
                             year="2025-26", text="Two extra MARACs a month in Coventry.",
                             base_version=0, at=timezone.now())
    client, user = client_for("commissioner")
    client.post("/analytics/reports/cover/2025-26/", {
        "meeting": "Accountability and Governance Board", "meeting_date": "2026-01-20",
        "agenda_item": "7", "presented_by": "ACC Public Protection", "author": "DA lead"})
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/analytics/reports/", {"year": "2025-26", "as_of": ""})
    edition = ReportEdition.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/analytics/reports/{edition.pk}/"
    assert (edition.status, edition.progress, edition.as_of) == (
        "done", 100, date(2025, 11, 30))
    html = client.get(f"/analytics/reports/{edition.pk}/report.html")
    text = b"".join(html.streaming_content).decode()
    assert "Two extra MARACs a month in Coventry." in text
    assert "ACC Public Protection" in text and "20 January 2026" in text
    assert "records to 11 December 2025" in text and "<main>" in text
    pdf = client.get(f"/analytics/reports/{edition.pk}/download.pdf")
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    xlsx = client.get(f"/analytics/reports/{edition.pk}/download.xlsx")
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    exports = AuditEvent.objects.filter(action="export", user=user)
    assert sorted(e.detail["format"] for e in exports) == ["pdf", "xlsx"]
    listing = client.get("/analytics/reports/").content.decode()
    assert "30 November 2025" in listing and "Ready" in listing


@pytest.mark.parametrize("as_of,problem", [("2099-01-01", "in the future"),
                                           ("2025-03-31", "must fall in 2025-26")])
def test_a_report_for_a_bad_as_of_is_not_started(small_force, client_for, as_of, problem):
    client, _ = client_for("analyst")
    r = client.post("/analytics/reports/", {"year": "2025-26", "as_of": as_of})
    assert r.status_code == 200 and problem in r.content.decode()
    assert not ReportEdition.objects.exists()


@pytest.mark.parametrize("role", ["lpa_commander", "admin", "da_desk"])
def test_only_analysts_and_the_commissioners_office_generate(small_force, client_for, role):
    client, _ = client_for(role)
    assert client.get("/analytics/reports/").status_code == 403
    assert client.post("/analytics/reports/", {"year": "2025-26"}).status_code == 403


def test_a_report_made_while_a_snapshot_is_written_uses_the_last_complete_one(
        small_force, monkeypatch):
    """The writer builds a new generation and publishes it whole: a report made part way
    through reads the last complete snapshot, without waiting, and the next one the new."""
    import threading

    from tests import factories
    from tests.factories import at
    from vigil.analytics import snapshot
    from vigil.analytics.report import build
    from vigil.core.models import Area
    from vigil.core.policy import current

    def report():
        return build(small_force, current(), year="2025-26", as_of=date(2025, 11, 30))

    before = report()
    assert before.records_to == date(2025, 12, 11)
    # A later incident, then a snapshot run that stops after its first table while a
    # report is made (in a thread, so a report that waited would fail, not hang).
    factories.make_incident(Area.objects.get(code="COV"), at(2025, 12, 20),
                            victim=factories.make_person("Late", "Victim"))
    during, real_export = {}, snapshot.export_table

    def export_then_report(spec, *args, **kwargs):
        result = real_export(spec, *args, **kwargs)
        if spec.name == "incidents":  # the new incident is written, not yet published
            worker = threading.Thread(target=lambda: during.update(report=report()))
            worker.start()
            worker.join(timeout=120)
            during["finished"] = not worker.is_alive()
        return result

    monkeypatch.setattr(snapshot, "export_table", export_then_report)
    snapshot.take_snapshot(small_force)
    assert during["finished"], "the report waited for the snapshot being written"
    assert during["report"].taken_at == before.taken_at
    assert during["report"].records_to == date(2025, 12, 11)
    after = report()
    assert after.taken_at != before.taken_at and after.records_to == date(2025, 12, 20)
    # One generation is kept: the published one.
    gens = list((small_force / snapshot.GENERATIONS).iterdir())
    assert [g.resolve() for g in gens] == [snapshot.snapshot_dir(small_force).resolve()]


def test_an_unfinished_snapshot_run_is_never_read(small_force, monkeypatch):
    """A run that fails part way publishes nothing; the next run starts clean."""
    from vigil.analytics import snapshot
    from vigil.analytics.report import build
    from vigil.core.policy import current

    stamp = build(small_force, current(), year="2025-26", as_of=date(2025, 11, 30)).taken_at

    def broken(spec, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot, "export_table", broken)
    with pytest.raises(OSError):
        snapshot.take_snapshot(small_force)
    assert build(small_force, current(), year="2025-26",
                 as_of=date(2025, 11, 30)).taken_at == stamp
    monkeypatch.undo()
    snapshot.take_snapshot(small_force)
    assert len(list((small_force / snapshot.GENERATIONS).iterdir())) == 1


# --- A PDF that fits -------------------------------------------------------------------

def overflowing_tables(html: str) -> list[str]:
    """Tables (or cells) that run past the right edge of their page's content area."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    problems = []
    doc = HTML(string=html).render()
    for n, page in enumerate(doc.pages, 1):
        box = page._page_box
        right = box.content_box_x() + box.width + 0.5
        for child in box.descendants():
            if isinstance(child, boxes.TableBox | boxes.TableCellBox):
                edge = child.position_x + child.margin_width()
                if edge > right:
                    problems.append(f"page {n}: {type(child).__name__} ends at {edge:.0f}px, "
                                    f"page content ends at {right:.0f}px")
    return problems


def test_no_table_is_wider_than_its_page(small_force):
    from vigil.analytics.report import render_html

    report = _report(small_force, date(2025, 11, 30))
    assert len(report.lpa_names) == 7 and len(report.marac["weeks"]) == 13
    html = render_html(report)
    assert overflowing_tables(html) == []
    # The check can fail: the same MARAC table on a portrait page runs off it.
    portrait = html.replace('class="commitment landscape"', 'class="commitment"')
    assert overflowing_tables(portrait)


def test_the_pdf_is_tagged_for_accessibility(small_force, tmp_path):
    import shutil
    import subprocess

    from vigil.analytics.report import render_html, write_pdf

    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) not installed")
    report = _report(small_force, date(2025, 11, 30))
    path = tmp_path / "r.pdf"
    write_pdf(render_html(report), path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "Tagged:          yes" in info
    # Landscape pages for the wide MARAC tables, portrait for the rest.
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)],
                           capture_output=True, text=True, check=True).stdout
    import re

    shapes = {float(w) > float(h) for w, h in
              re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)}
    assert shapes == {True, False}
