"""Labels placed inside a sentence, keeping the force's acronyms (at the start of one,
Django's `capfirst` keeps them already)."""

from __future__ import annotations


def _acronym(word: str) -> bool:
    return len(word) > 1 and word[:2].isupper()


def mid_sentence(label: str) -> str:
    """'Order check' -> 'order check'; 'MARAC hearing' and 'IDVA referral' unchanged."""
    first = label.split(" ", 1)[0]
    return label if not label or _acronym(first) else label[0].lower() + label[1:]

