"""Screening services: screen on arrival and in batch, labels with role and area checks."""

from datetime import timedelta

import pytest

from tests import factories
from tests.factories import at
from vigil.controlroom import screening
from vigil.controlroom.screener import BLAMING, CHILDREN, MARKS, RISK, SUPPORT, VERSION
from vigil.controlroom.screening_models import LogScreening, ScreeningLabel, ScreeningMark
from vigil.core.models import AuditEvent

RISKY = ("IP states SUSP put hands round her neck. Asked about pregnancy - no. "
         "No children at the address.")


@pytest.fixture
def log(areas):
    return factories.make_incident(areas["BHM"], at(2025, 4, 1), narrative=RISKY)


@pytest.fixture
def specialist(make_user, areas):
    return make_user(role="control_room", area=areas["BHM"])


def test_screen_incident_stores_every_mark_with_its_words(log):
    screening.screen_incident(log.pk, actor="test")
    s = LogScreening.objects.get(incident=log)
    assert s.screener_version == VERSION and s.text_chars == len(RISKY)
    marks = {m.kind: m for m in s.marks.all()}
    assert set(marks) == {RISK, CHILDREN, "children_asked"}  # marks with words only
    assert marks[RISK].present and marks[RISK].words == ["pregnancy"]
    assert not marks[CHILDREN].present
    assert [h["reason"] for h in marks[CHILDREN].hits] == ["negated"]
    assert AuditEvent.objects.filter(object_type="controlroom.logscreening",
                                     object_id=str(log.pk), actor="test").exists()


def test_screen_incident_replaces_the_earlier_screening(log):
    screening.screen_incident(log.pk, actor="test")
    log.narrative = "Handler: why do you keep letting him back in?"
    log.save()
    screening.screen_incident(log.pk, actor="test")
    assert LogScreening.objects.filter(incident=log).count() == 1
    assert list(ScreeningMark.objects.filter(screening__incident=log).values_list(
        "kind", "present")) == [(BLAMING, True)]
    assert [m.kind for m in screening.marks_for(log.pk)] == list(MARKS)


def test_screen_incident_unknown_id_is_a_clear_error(db):
    with pytest.raises(screening.ScreeningError, match="incident 999999 does not exist"):
        screening.screen_incident(999999, actor="test")


def test_screen_pending_screens_new_and_changed_logs_only(areas):
    a = factories.make_incident(areas["BHM"], at(2025, 4, 1), narrative="Kids x2 in house")
    b = factories.make_incident(areas["COV"], at(2025, 4, 2), narrative="")
    stats = screening.screen_pending(actor="test")
    assert stats.screened == 2 and stats.marked[CHILDREN] == 1
    assert screening.screen_pending(actor="test").screened == 0  # idempotent
    b.narrative = "Signposted to Women's Aid."
    b.save()  # updated_at moves past screened_at
    again = screening.screen_pending(actor="test")
    assert again.screened == 1 and again.marked[SUPPORT] == 1
    assert LogScreening.objects.count() == 2
    assert ScreeningMark.objects.get(screening__incident=a, kind=CHILDREN).present


def test_screen_pending_as_of_leaves_later_logs_for_later(areas):
    early = factories.make_incident(areas["BHM"], at(2025, 4, 1), narrative="x")
    late = factories.make_incident(areas["BHM"], at(2025, 4, 3), narrative="y")
    stats = screening.screen_pending(actor="test", as_of=at(2025, 4, 2))
    assert stats.screened == 1
    assert LogScreening.objects.filter(incident=early).exists()
    assert not LogScreening.objects.filter(incident=late).exists()


def test_screen_pending_rescreens_logs_of_an_older_screener(log):
    screening.screen_incident(log.pk, actor="test")
    LogScreening.objects.update(screener_version="rules-0.1")
    assert screening.screen_pending(actor="test").screened == 1
    assert LogScreening.objects.get().screener_version == VERSION


def test_screen_pending_in_chunks_writes_one_audit_row_per_chunk(areas):
    for day in range(1, 6):
        factories.make_incident(areas["BHM"], at(2025, 4, day), narrative="Asked re NFS - no")
    stats = screening.screen_pending(actor="test", chunk=2)
    assert stats.screened == 5 and stats.marked[RISK] == 5
    assert AuditEvent.objects.filter(context="screening:batch").count() == 3


def test_hundred_kilobyte_and_empty_logs_are_stored(areas):
    big = factories.make_incident(areas["BHM"], at(2025, 4, 1),
                                  narrative=("Update: nothing further. " * 4200)
                                  + "Asked about separation - yes.")
    empty = factories.make_incident(areas["BHM"], at(2025, 4, 1), narrative="")
    screening.screen_pending(actor="test")
    assert LogScreening.objects.get(incident=big).text_chars > 100_000
    assert ScreeningMark.objects.get(screening__incident=big, kind=RISK).present
    assert not ScreeningMark.objects.filter(screening__incident=empty, present=True).exists()


def test_record_label_keeps_the_correction_and_audits_it(log, specialist):
    screening.screen_incident(log.pk, actor="test")
    label = screening.record_label(log.pk, CHILDREN, actor=specialist, present=True,
                                   note="daughter mentioned later in the call",
                                   words=["daughter"])
    assert not label.agrees and label.screener_present is False
    assert label.screener_version == VERSION and label.words == ["daughter"]
    event = AuditEvent.objects.get(object_type="controlroom.screeninglabel",
                                   action=AuditEvent.Action.CREATE)
    assert event.user == specialist and event.detail["agrees"] is False
    view = {m.kind: m for m in screening.marks_for(log.pk)}
    assert view[CHILDREN].present is True and view[CHILDREN].screener_present is False
    assert view[RISK].labelled is None


def test_a_later_label_supersedes_and_agreement_counts_the_latest(log, specialist):
    screening.screen_incident(log.pk, actor="test")
    t = at(2025, 4, 2)
    screening.record_label(log.pk, RISK, actor=specialist, present=False, at=t)
    screening.record_label(log.pk, RISK, actor=specialist, present=True,
                           at=t + timedelta(minutes=5))
    screening.record_label(log.pk, CHILDREN, actor=specialist, present=True, at=t)
    rows = {a.kind: a for a in screening.label_agreement()}
    assert rows[RISK].confirmed == 1 and rows[RISK].false_positive == 0
    assert rows[CHILDREN].false_negative == 1 and rows[CHILDREN].recall == 0.0
    assert ScreeningLabel.objects.count() == 3  # history kept


@pytest.mark.parametrize("role", ["analyst", "da_desk", "admin"])
def test_other_roles_cannot_label_and_the_refusal_is_audited(log, make_user, role):
    screening.screen_incident(log.pk, actor="test")
    user = make_user(role=role)
    with pytest.raises(screening.ScreeningRefused, match="role"):
        screening.record_label(log.pk, RISK, actor=user, present=False)
    assert not ScreeningLabel.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, user=user).exists()


def test_a_specialist_cannot_label_another_areas_log(log, make_user, areas):
    screening.screen_incident(log.pk, actor="test")
    other = make_user(role="control_room", area=areas["COV"])
    with pytest.raises(screening.ScreeningRefused, match="another area"):
        screening.record_label(log.pk, RISK, actor=other, present=False)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, user=other).exists()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": "mood"}, "unknown mark 'mood'"),
    ({"present": "yes"}, "present must be True or False"),
    ({"note": "x" * 501}, "note is 501 characters"),
    ({"words": ["w"] * 21}, "21 words"),
])
def test_bad_label_input_is_refused_with_a_clear_error(log, specialist, kwargs, message):
    screening.screen_incident(log.pk, actor="test")
    args = {"kind": RISK, "present": True} | kwargs
    kind = args.pop("kind")
    with pytest.raises(screening.ScreeningError, match=message):
        screening.record_label(log.pk, kind, actor=specialist, **args)
    assert not ScreeningLabel.objects.exists()


def test_a_mark_without_words_can_still_be_corrected(log, specialist):
    screening.screen_incident(log.pk, actor="test")
    label = screening.record_label(log.pk, BLAMING, actor=specialist, present=True,
                                   words=["what did you do"])
    assert label.screener_present is False and not label.agrees
    view = {m.kind: m for m in screening.marks_for(log.pk)}
    assert view[BLAMING].present and view[BLAMING].hits == []


def test_a_log_not_yet_screened_cannot_be_labelled(log, specialist):
    assert screening.marks_for(log.pk) == []
    with pytest.raises(screening.ScreeningError, match="not been screened"):
        screening.record_label(log.pk, RISK, actor=specialist, present=True)
