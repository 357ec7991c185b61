"""Turn scored pairs into people, never against a person's ruling.

Greedy single-link clustering: human "same" rulings first, then automatic
pairs from the most to the least probable; two groups merge only if no
"different" ruling lies between them. With no rulings (and no dates of birth
given) this gives exactly Splink's connected components at the threshold.

Given the records' dates of birth, an automatic pair also never bridges two
groups holding conflicting dates of birth: the model weighed the pair's own
dates, but connected components would chain, say, a father and his son
through a record of the same name and address without a date of birth, a
pair the model never scored. On the synthetic force at noise "high" this
lifts precision from 0.987 to 0.998 at the same recall (docs/linkage-and-search.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np


def dobs_near(a: str, b: str) -> bool:
    """Compatible, or one day apart, or the same day and month one year apart: the
    slips a record corroborated by its phone or address is allowed (issue 17)."""
    if dobs_compatible(a, b):
        return True
    if a[5:] == b[5:] and a[:4].isdigit() and b[:4].isdigit():
        return abs(int(a[:4]) - int(b[:4])) <= 1
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= 1
    except ValueError:
        return False


def dobs_compatible(a: str, b: str) -> bool:
    """Whether two ISO dates of birth can be one person's: the levels of
    settings.dob_comparison above "All other comparisons" (exact, day and
    month swapped, one or two digits wrong)."""
    if a == b:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 2


class _Groups:
    def __init__(self, ids: Iterable[int], different: Iterable[tuple[int, int]],
                 dobs: Mapping[int, str | None] | None = None):
        self.parent: dict[int, int] = {i: i for i in ids}
        # Root -> how many of its group's records have each date of birth.
        self.dob_of = dobs or {}
        self.dobs: dict[int, Counter[str]] | None = None if dobs is None else {
            i: Counter([dobs[i]]) for i in self.parent if dobs.get(i)}
        # Root -> records that must never join its group.
        self.apart: dict[int, set[int]] = {}
        for a, b in different:
            if a in self.parent and b in self.parent:
                self.apart.setdefault(a, set()).add(b)
                self.apart.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int, *, check_dobs: bool = False, near: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        apart_a, apart_b = self.apart.get(ra), self.apart.get(rb)
        if apart_a and any(self.find(x) == rb for x in apart_a):
            return False
        if apart_b and any(self.find(x) == ra for x in apart_b):
            return False
        if check_dobs and self._dobs_conflict(a, b, ra, rb, near):
            return False
        self.parent[rb] = ra
        if apart_b:
            self.apart.setdefault(ra, set()).update(apart_b)
            del self.apart[rb]
        if self.dobs is not None and rb in self.dobs:
            self.dobs.setdefault(ra, Counter()).update(self.dobs.pop(rb))
        return True

    def _dobs_conflict(self, a: int, b: int, ra: int, rb: int, near: bool = False) -> bool:
        """Conflicting dates between two records across the groups, other than a and b.

        `near`: the pair agrees on phone or address, so dates one day or one year
        apart are a slip, not two people."""
        same = dobs_near if near else dobs_compatible
        if self.dobs is None:
            return False
        left, right = self.dobs.get(ra), self.dobs.get(rb)
        if not left or not right:
            return False
        own = (self.dob_of.get(a), self.dob_of.get(b))
        for x, nx in left.items():
            for y, ny in right.items():
                if same(x, y):
                    continue
                # Only a's date against b's date, which the model scored itself.
                if (x, y) == own and nx == 1 and ny == 1:
                    continue
                return True
        return False


def cluster(ids: Iterable[int], pairs: Iterable[tuple[int, int]], *,
            same: Iterable[tuple[int, int]] = (),
            different: Iterable[tuple[int, int]] = (),
            dobs: Mapping[int, str | None] | None = None) -> dict[int, int]:
    """record id -> cluster id (the smallest record id in its cluster).

    `pairs` must come most probable first (ties in a stable order: the result
    depends on it), each (a, b) or (a, b, corroborated), corroborated meaning the
    pair agrees on phone or address; `same` and `different` are human rulings (a
    "same" ruling links whatever the dates say); `dobs` (record id -> ISO date of
    birth or None) turns on the date-of-birth guard for `pairs`.
    """
    groups = _Groups(ids, different, dobs)
    for a, b in same:
        if a in groups.parent and b in groups.parent:
            groups.union(a, b)
    for pair in pairs:
        groups.union(int(pair[0]), int(pair[1]), check_dobs=True,
                     near=bool(pair[2]) if len(pair) > 2 else False)
    roots: dict[int, int] = {}
    out = {}
    for i in sorted(groups.parent):
        root = groups.find(i)
        out[i] = roots.setdefault(root, i)
    return out


def pairwise_scores(predicted: dict[int, int], truth: dict[int, object]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against true entity labels."""
    ids = sorted(truth)
    pred = np.array([predicted[i] for i in ids])
    true = np.array([hash(truth[i]) for i in ids], dtype=np.int64)

    def pair_count(*labels: np.ndarray) -> int:
        _, counts = np.unique(np.stack(labels, axis=1), axis=0, return_counts=True)
        return int((counts * (counts - 1) // 2).sum())

    tp = pair_count(pred, true)
    predicted_pairs = pair_count(pred)
    true_pairs = pair_count(true)
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true_pairs,
            "predicted_pairs": predicted_pairs, "true_positives": tp}
