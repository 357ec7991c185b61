"""Generate a calibrated synthetic force into a folder of import files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vigil.synth.areas import write_reference
from vigil.synth.clock import at, years_before
from vigil.synth.draw import Draw
from vigil.synth.force import Force
from vigil.synth.identity import NOISE, People
from vigil.synth.justice import Justice
from vigil.synth.marac import Marac
from vigil.synth.orders import Orders
from vigil.synth.risk import RiskAssessments
from vigil.synth.services import Services
from vigil.synth.writer import Sink

DEFAULT_END = date(2026, 10, 31)
MAX_FORCES = 50
MOVE_SHARE = 0.05  # of a force's people with a record, the share who turn up in the next
PID_STEP = 10_000_000  # true person ids of force k start at k * PID_STEP


@dataclass(frozen=True)
class Options:
    out_dir: Path
    years: int = 1
    scale: float = 1.0
    seed: int = 2026
    end: date = DEFAULT_END
    noise: str = "low"
    progress: bool = False
    forces: int = 1


    def __post_init__(self):
        if self.years < 1:
            raise ValueError(f"years must be at least 1, not {self.years}")
        if not 0 < self.scale <= 10:
            raise ValueError(f"scale must be above 0 and at most 10, not {self.scale}")
        if not 1 <= self.forces <= MAX_FORCES:
            raise ValueError(f"forces must be 1 to {MAX_FORCES}, not {self.forces}")
        if self.noise not in NOISE:
            raise ValueError(f"noise must be one of {', '.join(NOISE)}, not {self.noise!r}")


@dataclass
class Result:
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    start: date | None = None
    end: date | None = None
    forces: list = field(default_factory=list)  # per force folder: (name, counts, arrived)


def generate(opts: Options) -> Result:
    """Write every import file (and ground_truth/person_truth.csv) into opts.out_dir; with
    forces > 1, one folder per force (force1, force2, ...) inside it."""
    if opts.forces == 1:
        started = time.monotonic()
        counts, _, _ = _force(opts, Path(opts.out_dir), opts.seed, 0, [])
        return Result(counts=counts, seconds=time.monotonic() - started,
                      start=years_before(opts.end, opts.years), end=opts.end)
    return generate_region(opts)


def generate_region(opts: Options) -> Result:
    """A region: force k (1..N) is a force of its own seed (seed + k - 1) in folder forceK.
    A share of the people each force recorded turn up in the next force's records, as
    new source records made by that force's systems with that force's noise (a new
    address, often the same phone); their true id is the same in both forces' ground
    truth, so the region's truth is the union of the forces' person_truth.csv files."""
    started = time.monotonic()
    result = Result(start=years_before(opts.end, opts.years), end=opts.end)
    incomers: list = []
    for k in range(opts.forces):
        name = f"force{k + 1}"
        counts, people, arrived = _force(opts, Path(opts.out_dir) / name, opts.seed + k,
                                         k * PID_STEP, incomers)
        pick = Draw(opts.seed + k, 3)
        incomers = [p for p in people if p.records and pick.chance(MOVE_SHARE)]
        for file, n in counts.items():
            result.counts[file] = result.counts.get(file, 0) + n
        result.forces.append((name, counts, arrived))
    result.seconds = time.monotonic() - started
    return result


def _force(opts: Options, out: Path, seed: int, pid_base: int, incomers: list):
    """One force's files: (counts, its people, how many came from the previous force)."""
    from vigil.core.policy import current

    start = years_before(opts.end, opts.years)
    with Sink(out) as sink:
        geo = write_reference(sink, Draw(seed, 0), scale=opts.scale)
        people = People(Draw(seed, 2), sink, opts.noise,
                        {lpa.code: geo.postcode_maker(lpa) for lpa in _lpas()},
                        pid_base=pid_base, incomers=incomers, incomers_from=at(start))
        force = Force(sink, geo, people, current(), start, opts.end, opts.scale, seed,
                      opts.progress)
        marac = Marac(force)
        RiskAssessments(force, marac.after_assessment)
        orders = Orders(force)
        Justice(force, orders)
        services = Services(force)
        force.run()
        if force.inc_times:
            orders.standing()
            services.clares_law()
        marac.write_meetings()
        counts = dict(sink.counts)
    arrived = sum(1 for p in people.arrived if p.records)
    return counts, people.people, arrived


def _lpas():
    from vigil.synth.reference import LPAS

    return LPAS
