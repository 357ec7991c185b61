"""Generate a calibrated synthetic force into a folder of import files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vigil.synth.areas import write_reference
from vigil.synth.clock import years_before
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


@dataclass(frozen=True)
class Options:
    out_dir: Path
    years: int = 1
    scale: float = 1.0
    seed: int = 2026
    end: date = DEFAULT_END
    noise: str = "low"
    progress: bool = False

    def __post_init__(self):
        if self.years < 1:
            raise ValueError(f"years must be at least 1, not {self.years}")
        if not 0 < self.scale <= 10:
            raise ValueError(f"scale must be above 0 and at most 10, not {self.scale}")
        if self.noise not in NOISE:
            raise ValueError(f"noise must be one of {', '.join(NOISE)}, not {self.noise!r}")


@dataclass
class Result:
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    start: date | None = None
    end: date | None = None


def generate(opts: Options) -> Result:
    """Write every import file (and ground_truth/person_truth.csv) into opts.out_dir."""
    from vigil.core.policy import current

    started = time.monotonic()
    out = Path(opts.out_dir)
    start = years_before(opts.end, opts.years)
    with Sink(out) as sink:
        geo = write_reference(sink, Draw(opts.seed, 0), scale=opts.scale)
        people = People(Draw(opts.seed, 2), sink, opts.noise,
                        {lpa.code: geo.postcode_maker(lpa) for lpa in _lpas()})
        force = Force(sink, geo, people, current(), start, opts.end, opts.scale, opts.seed,
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
    return Result(counts=counts, seconds=time.monotonic() - started, start=start,
                  end=opts.end)


def _lpas():
    from vigil.synth.reference import LPAS

    return LPAS
