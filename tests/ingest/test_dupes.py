"""The fixed-memory duplicate filter: never misses a repeat; false suspects are rare."""

from vigil.ingest.dupes import MAX_BITS, MIN_BITS, KeyFilter, bits_for


def test_every_repeated_key_becomes_a_suspect():
    f = KeyFilter(bits=1 << 12)  # small on purpose: many collisions
    keys = [("S", str(n)) for n in range(300)]
    for k in keys:
        f.add(k)
    for k in keys[::7]:
        f.add(k)
    assert set(keys[::7]) <= f.suspects


def test_false_suspects_are_rare_at_the_default_size():
    f = KeyFilter(bits=bits_for(20_000 * 30))
    for n in range(20_000):
        f.add(("CONNECT", f"P{n}"))
    assert len(f.suspects) < 20


def test_size_follows_the_file_but_is_bounded():
    assert bits_for(0) == MIN_BITS
    assert bits_for(10**6) == 1 << 23
    assert bits_for(10**10) == MAX_BITS
