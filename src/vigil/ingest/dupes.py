"""Duplicate keys in a file, found in fixed memory.

A Bloom filter remembers the keys seen so far in a few megabytes whatever the
file size. A key it may have seen before becomes a suspect; a second, key-only
pass over the file (only when there are suspects) confirms the real duplicates
with their line numbers, so a false positive never produces a reject.
"""

from __future__ import annotations

from hashlib import blake2b

MAX_BITS = 1 << 25  # 4 MiB at most: about 6 false suspects per 10,000 keys at a million keys
MIN_BITS = 1 << 16
HASHES = 3


def bits_for(file_size: int) -> int:
    """A bit per byte of the file (dozens per key), capped so memory stays bounded."""
    bits = MIN_BITS
    while bits < file_size * 8 and bits < MAX_BITS:
        bits <<= 1
    return bits


class KeyFilter:
    def __init__(self, bits: int = MAX_BITS):
        self.bits = bits
        self.array = bytearray(bits // 8)
        self.suspects: set[tuple[str, ...]] = set()

    def _positions(self, key: tuple[str, ...]):
        digest = blake2b("\x1f".join(key).encode(), digest_size=8 * HASHES).digest()
        for i in range(HASHES):
            yield int.from_bytes(digest[8 * i:8 * i + 8], "little") % self.bits

    def add(self, key: tuple[str, ...]) -> None:
        """Remember a key; a key that may have been seen before becomes a suspect."""
        seen = True
        for pos in self._positions(key):
            byte, bit = divmod(pos, 8)
            if not self.array[byte] & (1 << bit):
                seen = False
                self.array[byte] |= 1 << bit
        if seen:
            self.suspects.add(key)

    def suspect(self, key: tuple[str, ...]) -> None:
        self.suspects.add(key)
