"""linli.kept: a bounded per-process store, the least recently used dropped first."""

from linli.kept import Kept


def test_keeps_at_most_its_size_and_drops_the_least_recently_used():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recent
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)
    assert len(kept) == 2
    kept.clear()
    assert len(kept) == 0 and kept.get("a") is None
