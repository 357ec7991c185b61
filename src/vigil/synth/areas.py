"""Areas, schools and order availability: the force's reference data."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.synth import reference as R
from vigil.synth.draw import Draw
from vigil.synth.identity import POSTCODE_LETTERS, SURNAMES
from vigil.synth.writer import Sink

SCHOOL_SUFFIX = {"primary": "Primary School", "secondary": "Academy", "college": "College",
                 "special": "Special School"}


@dataclass
class Geography:
    lpa_codes: list[str]
    lpa_weights: list[float]
    neighbourhoods: dict[str, list[str]]
    towns: dict[str, str]
    schools: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # lpa->phase->urns
    school_la: dict[str, str] = field(default_factory=dict)  # urn -> lpa

    def postcode_maker(self, lpa: R.Lpa):
        def make(d: Draw) -> str:
            return (f"{d.pick(lpa.districts)} {d.integer(1, 9)}"
                    f"{d.pick(POSTCODE_LETTERS)}{d.pick(POSTCODE_LETTERS)}")
        return make


def write_reference(sink: Sink, d: Draw, *, scale: float = 1.0) -> Geography:
    """Areas and schools. Populations scale with the force (a 1/30 demo has 1/30 of the
    adult women), so rates per 10,000 women match the real force's; schools do not."""
    total = sum(lpa.adult_women for lpa in R.LPAS)
    geo = Geography(
        lpa_codes=[lpa.code for lpa in R.LPAS],
        lpa_weights=[lpa.adult_women / total for lpa in R.LPAS],
        neighbourhoods={}, towns={lpa.code: lpa.name for lpa in R.LPAS},
    )
    for code, label, parent, _share in R.LOCAL_SUB_CODES:
        sink.add("outcome_codes", code=code, label=label, group="Local sub-code",
                 parent=parent)
    sink.add("areas", code=R.FORCE_CODE, name=R.FORCE_NAME, kind="force")
    for lpa in R.LPAS:
        sink.add("areas", code=lpa.code, name=lpa.name, kind="lpa", parent=R.FORCE_CODE,
                 local_authority=f"{lpa.name} City Council" if lpa.code in {"BHM", "COV",
                                                                          "WOL"}
                 else f"{lpa.name} Metropolitan Borough Council",
                 adult_women=max(1, round(lpa.adult_women * scale)))
        codes = []
        for suffix, name in lpa.neighbourhoods:
            code = f"{lpa.code}-{suffix}"
            sink.add("areas", code=code, name=name, kind="neighbourhood", parent=lpa.code)
            codes.append(code)
        geo.neighbourhoods[lpa.code] = codes
    urn = 990_000
    used = set()
    for lpa in R.LPAS:
        by_phase = {}
        for phase, per_10k in R.SCHOOLS_PER_10K_WOMEN.items():
            urns = []
            for _ in range(max(1, round(lpa.adult_women / 10_000 * per_10k))):
                urn += 1 + d.integer(0, 5)
                name = f"{d.pick(SURNAMES)} {SCHOOL_SUFFIX[phase]}"
                while name in used:
                    name = f"{d.pick(SURNAMES)} {d.pick(('Park', 'Hill', 'Green', 'Vale'))} " \
                           f"{SCHOOL_SUFFIX[phase]}"
                used.add(name)
                slug = name.lower().replace(" ", "").replace("'", "")
                sink.add("schools", urn=str(urn), name=name, phase=phase,
                         local_authority=lpa.code,
                         key_adult_email=f"encompass@{slug[:30]}.sch.uk")
                urns.append(str(urn))
                geo.school_la[str(urn)] = lpa.code
            by_phase[phase] = urns
        geo.schools[lpa.code] = by_phase
    for lpa in R.LPAS:
        for order_type, since in R.ORDER_AVAILABILITY.items():
            sink.add("order_availability", order_type=order_type, area=lpa.code,
                     available_from=since)
    return geo
