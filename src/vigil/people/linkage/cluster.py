"""Turn scored pairs into people, never against a person's ruling.

Greedy single-link clustering: human "same" rulings first, then automatic
pairs from the most to the least probable; two groups merge only if no
"different" ruling lies between them. With no rulings this gives exactly
Splink's connected components at the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class _Groups:
    def __init__(self, ids: Iterable[int], different: Iterable[tuple[int, int]]):
        self.parent: dict[int, int] = {i: i for i in ids}
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

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        apart_a, apart_b = self.apart.get(ra), self.apart.get(rb)
        if apart_a and any(self.find(x) == rb for x in apart_a):
            return False
        if apart_b and any(self.find(x) == ra for x in apart_b):
            return False
        self.parent[rb] = ra
        if apart_b:
            self.apart.setdefault(ra, set()).update(apart_b)
            del self.apart[rb]
        return True


def cluster(ids: Iterable[int], pairs: Iterable[tuple[int, int]], *,
            same: Iterable[tuple[int, int]] = (),
            different: Iterable[tuple[int, int]] = ()) -> dict[int, int]:
    """record id -> cluster id (the smallest record id in its cluster).

    `pairs` must come most probable first; `same` and `different` are human rulings.
    """
    groups = _Groups(ids, different)
    for a, b in same:
        if a in groups.parent and b in groups.parent:
            groups.union(a, b)
    for a, b in pairs:
        groups.union(int(a), int(b))
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
