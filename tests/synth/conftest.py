"""One generated force shared by the synth tests (generation takes seconds)."""

import pytest

from vigil.synth.calibration import measure
from vigil.synth.generate import Options, generate

SCALE = 0.1
YEARS = 2
SEED = 11


@pytest.fixture(scope="session")
def force_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("force")
    generate(Options(out_dir=out, years=YEARS, scale=SCALE, seed=SEED))
    return out


@pytest.fixture(scope="session")
def figures(force_dir):
    return measure(force_dir, SCALE)
