"""A compact set of small non-negative integer ids: one bit per possible id.

The Person ids an import touches are dense auto-increment keys, so a bitmap
takes about max_id / 8 bytes (14 KB for 110,000 persons) where a Python set of
ints takes some 70 bytes per id; the import's memory then stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator, Set


class IdSet(Set):
    def __init__(self, ids=()):
        self._bits = bytearray()
        self._len = 0
        for i in ids:
            self.add(i)

    def add(self, i: int) -> None:
        byte, bit = divmod(int(i), 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if not self._bits[byte] & (1 << bit):
            self._bits[byte] |= 1 << bit
            self._len += 1

    def __contains__(self, i) -> bool:
        if not isinstance(i, int) or i < 0:
            return False
        byte, bit = divmod(i, 8)
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << bit))

    def __iter__(self) -> Iterator[int]:
        for byte, value in enumerate(self._bits):
            if value:
                for bit in range(8):
                    if value & (1 << bit):
                        yield byte * 8 + bit

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"IdSet({sorted(self)!r})"
