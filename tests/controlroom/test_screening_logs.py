"""The labelled log generator: its truth follows its pieces, and it covers the edge cases."""

import pytest

from vigil.synth import screening_logs as sl


@pytest.mark.parametrize("style", sorted(sl.STYLES))
def test_same_seed_same_logs(style):
    a = sl.corpus(50, style, seed=3)
    b = sl.corpus(50, style, seed=3)
    assert [x.text for x in a] == [x.text for x in b]
    assert [x.text for x in a] != [x.text for x in sl.corpus(50, style, seed=4)]


@pytest.mark.parametrize("style", sorted(sl.STYLES))
def test_every_piece_of_a_mark_sets_it_and_no_trap_sets_its_own_mark(style):
    bank = sl.STYLES[style]
    for mark in sl.MARKS:
        for text, sets, _traps in bank.get(mark, []):
            assert mark in sets, (style, mark, text)
        for text, sets, traps in bank.get(mark + "_no", []):
            assert mark not in sets, (style, mark, text)
            assert traps, f"a {mark}_no piece should say which mark it traps: {text}"


def test_truth_is_consistent_and_the_set_is_varied():
    logs = sl.corpus(600, "prose", seed=9, huge_every=200)
    for log in logs:
        if log.truth["children_mentioned"]:
            assert log.truth["children_asked"]
        if not log.text.strip():
            assert not any(log.truth.values())
    for mark in sl.MARKS:
        share = sum(x.truth[mark] for x in logs) / len(logs)
        assert 0.05 < share < 0.95, mark
    huge = [x for x in logs if len(x.text) > 90_000]
    assert len(huge) == 3
    assert any(not x.text.strip() for x in sl.corpus(600, "terse", seed=9))


def test_unknown_style_is_named():
    with pytest.raises(ValueError, match="unknown style 'haiku'"):
        sl.corpus(1, "haiku")


# --- the held-out styles (vigil.synth.screening_heldout) ---------------------------------

from vigil.synth import screening_heldout as ho  # noqa: E402


@pytest.mark.parametrize("style", sorted(ho.STYLES))
def test_held_out_lines_set_their_mark_and_traps_do_not(style):
    bank = ho.STYLES[style]
    for mark in ho.MARKS:
        for text, sets, _traps in bank.get(mark, []):
            assert mark in sets, (style, mark, text)
        for text, sets, traps in bank.get(mark + "_no", []):
            assert mark not in sets and mark in traps, (style, mark, text)


@pytest.mark.parametrize("style", sorted(ho.STYLES))
def test_held_out_corpus_is_seeded_consistent_and_varied(style):
    logs = ho.corpus(400, style, seed=5)
    assert [x.text for x in logs] == [x.text for x in ho.corpus(400, style, seed=5)]
    for log in logs:
        assert not log.truth["children_mentioned"] or log.truth["children_asked"]
    for mark in ho.MARKS:
        share = sum(x.truth[mark] for x in logs) / len(logs)
        assert 0.05 < share < 0.95, (style, mark)


@pytest.mark.parametrize("logs", [ho.fresh(), ho.fresh2()], ids=["fresh", "fresh2"])
def test_hand_labelled_sets_are_whole(logs):
    assert len(logs) == 40 and len({x.text for x in logs}) == 40
    for log in logs:
        assert not log.truth["children_mentioned"] or log.truth["children_asked"]
    # Every mark has positives and negatives to measure.
    for mark in ho.MARKS:
        assert 0 < sum(x.truth[mark] for x in logs) < 40, mark


def test_unknown_held_out_style_is_named():
    with pytest.raises(ValueError, match="unknown style 'haiku'"):
        ho.corpus(1, "haiku")
