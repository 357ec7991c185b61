"""`vigil generate --forces N`: a region whose forces share some people, linked as one."""

from collections import Counter

import pytest

from vigil.cli import main
from vigil.ingest import spec
from vigil.synth.generate import Options, generate
from vigil.synth.region import cross_force_people, force_dirs, person_records

SCALE = 0.004


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    out = tmp_path_factory.mktemp("region")
    result = generate(Options(out_dir=out, years=1, scale=SCALE, seed=5, forces=3))
    return out, result


def test_each_force_has_its_own_complete_export_folder(region):
    out, result = region
    assert [p.name for p in force_dirs(out)] == ["force1", "force2", "force3"]
    for folder in force_dirs(out):
        assert all((folder / fs.filename).is_file() for fs in spec.FILES)
        assert (folder / "ground_truth" / "person_truth.csv").is_file()
    assert [name for name, _, _ in result.forces] == ["force1", "force2", "force3"]
    assert result.forces[0][2] == 0  # nobody comes before the first force


def test_the_first_force_is_the_single_force_of_the_same_seed(region, tmp_path):
    out, _ = region
    generate(Options(out_dir=tmp_path, years=1, scale=SCALE, seed=5))
    for fs in spec.FILES:
        assert (tmp_path / fs.filename).read_bytes() == (
            out / "force1" / fs.filename).read_bytes(), fs.filename


def test_forces_differ_and_true_ids_do_not_collide_by_chance(region):
    out, _ = region
    records = list(person_records(out))
    per_force = Counter(r["force"] for r in records)
    assert set(per_force) == {"force1", "force2", "force3"}
    shared = cross_force_people(records)
    # Every true id in two forces is a mover: the later force's record of them came
    # from the earlier force's person (ids are numbered per force, far apart).
    by_force = {}
    for r in records:
        by_force.setdefault(r["truth"], {}).setdefault(r["force"], []).append(r)
    owner = {t: int(t[1:]) // 10_000_000 + 1 for t in shared}
    assert all(f"force{owner[t]}" in forces for t, forces in shared.items())


def test_cross_force_people_exist_with_a_second_forces_noise(region):
    out, result = region
    records = list(person_records(out))
    shared = cross_force_people(records)
    arrived = sum(n for _, _, n in result.forces)
    assert arrived > 0 and len(shared) == arrived
    ids = {}
    for r in records:
        ids.setdefault(r["truth"], []).append(r)
    # Their records in the later force are that force's own, made afresh: a new
    # address, and never all the same values as every earlier record.
    moved = 0
    for t in shared:
        first = {r["force"] for r in ids[t]}
        assert len(first) >= 2
        earlier = [r for r in ids[t] if r["force"] == min(first)]
        later = [r for r in ids[t] if r["force"] != min(first)]
        moved += not ({r["postcode"] for r in later if r["postcode"]}
                      & {r["postcode"] for r in earlier if r["postcode"]})
    assert moved >= len(shared) * 0.8


def test_same_seed_same_region(region, tmp_path):
    out, _ = region
    generate(Options(out_dir=tmp_path, years=1, scale=SCALE, seed=5, forces=3))
    for k in (1, 2, 3):
        for fs in spec.FILES:
            assert (tmp_path / f"force{k}" / fs.filename).read_bytes() == (
                out / f"force{k}" / fs.filename).read_bytes()


def test_linkage_joins_people_across_forces(region, db):
    from vigil.core.policy import current
    from vigil.people.linkage import frame, model, pipeline

    out, _ = region
    records = list(person_records(out))
    shared = cross_force_people(records)
    df = frame.build(records)
    pol = current()
    linked = pipeline.link(df, model.load_file(model.DEFAULT_MODEL),
                           link_probability=pol.link_match_probability,
                           review_probability=pol.link_review_probability)
    clusters = linked.clusters
    joined = 0
    for t in shared:
        forces_by_cluster = {}
        for r in records:
            if r["truth"] == t:
                forces_by_cluster.setdefault(clusters[r["id"]], set()).add(r["force"])
        joined += any(len(f) > 1 for f in forces_by_cluster.values())
    assert joined >= len(shared) * 0.6, (joined, len(shared))
    # ...and does not join different people across forces.
    truth_of = {r["id"]: r["truth"] for r in records}
    force_of = {r["id"]: r["force"] for r in records}
    members = {}
    for rid, c in clusters.items():
        members.setdefault(c, []).append(rid)
    mixed = [m for m in members.values()
             if len({force_of[i] for i in m}) > 1 and len({truth_of[i] for i in m}) > 1]
    assert len(mixed) <= max(1, joined // 10)


def test_generate_forces_on_the_command_line(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "r"), "--forces", "2", "--scale", "0.003",
                 "--end", "2025-12-31", "--seed", "4"]) == 0
    printed = capsys.readouterr().out
    assert "region of 2 forces" in printed and "force2/" in printed
    assert (tmp_path / "r" / "force2" / "persons.csv").is_file()
    assert main(["generate", str(tmp_path / "x"), "--forces", "0"]) == 1
    assert "forces must be 1 to" in capsys.readouterr().err
