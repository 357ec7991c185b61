"""Buffered random draws from one numpy Generator.

Scalar calls into numpy cost microseconds each; the generator makes millions
of small decisions, so draws come from pre-filled blocks. Same seed, same
sequence: every stream is a numpy Generator seeded from (seed, stream number).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from functools import partial
from itertools import accumulate, chain

import numpy as np

_BLOCK = 1 << 15


class Draw:
    def __init__(self, seed: int, stream: int):
        rng = self.rng = np.random.default_rng([seed, stream])
        # next() on a chain of blocks runs in C: a draw costs tens of nanoseconds.
        uniforms = chain.from_iterable(iter(lambda: rng.random(_BLOCK).tolist(), None))
        normals = chain.from_iterable(iter(lambda: rng.standard_normal(_BLOCK).tolist(), None))
        self.u = partial(next, uniforms)  # a uniform draw in [0, 1)
        self._z = partial(next, normals)

    def normal(self, mean: float = 0.0, sd: float = 1.0) -> float:
        return mean + sd * self._z()

    def chance(self, p: float) -> bool:
        return self.u() < p

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.u()

    def integer(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi] inclusive."""
        return lo + int(self.u() * (hi - lo + 1))

    def expo(self, mean: float) -> float:
        return -mean * math.log(1.0 - self.u())

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(self.normal(0.0, sigma))

    def pick(self, seq: Sequence):
        return seq[int(self.u() * len(seq))]

    def poisson(self, lam: float) -> int:
        return int(self.rng.poisson(lam)) if lam > 0 else 0

    def binomial(self, n: int, p: float) -> int:
        return int(self.rng.binomial(n, p))


class Weighted:
    """Choice among values with fixed weights, by bisection on the cumulative sum."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cum = list(accumulate(float(w) for w in weights.values()))
        self.total = self.cum[-1]

    def __call__(self, draw: Draw):
        return self.values[bisect.bisect_right(self.cum, draw.u() * self.total)]
