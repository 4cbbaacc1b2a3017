"""The candidate check: are two documents copies of one story?

Measured on the actual shingle sets (sorted uint64 hashes), after removing the shingles
that are boilerplate for either document's source (see ``Boilerplate``):

- Jaccard J = |A∩B| / |A∪B| — near-identical copies (wire rewrite, mirror, page wrapper);
- containment C = |A∩B| / min(|A|, |B|) — one text inside the other (a lead-only excerpt,
  an article with a comment thread or a long "related stories" block appended);
- lead overlap L = the larger of: the share of A's lead (its first distinct shingles) found
  in B, and of B's lead found in A. Every copy carries its story's opening; two press
  releases that share only a closing "About the Ministry…" paragraph or a disclaimer do
  not share an opening, so a high containment without the lead is not a copy.

Same story when J >= JACCARD, or C >= CONTAINMENT and L >= LEAD, and the smaller set
keeps at least MIN_SHINGLES shingles after the discount (a text that is all boilerplate
is evidence of nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from presswatch.stories.text import U64, Shingles

JACCARD = 0.7
CONTAINMENT = 0.6
LEAD = 0.5
MIN_SHINGLES = 8
# A shingle in at least this many distinct articles of one source is that source's
# boilerplate (menus, cookie text, "About the Ministry", disclaimers).
BOILERPLATE_ARTICLES = 3


@dataclass(frozen=True, slots=True)
class Verdict:
    jaccard: float
    containment: float
    lead: float
    same: bool


def _member(values: U64, ordered: U64) -> np.ndarray:
    """values in ``ordered`` (sorted), by binary search: both sides are short or sorted,
    and np.isin re-sorts them on every call."""
    if ordered.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), ordered.size - 1)
    return ordered[at] == values


def _without(values: U64, ignore: Sequence[U64]) -> U64:
    for ordered in ignore:
        if ordered.size and values.size:
            values = values[~_member(values, ordered)]
    return values


def _share_in(lead: U64, other: U64) -> float:
    if lead.size == 0:
        return 0.0
    return float(_member(lead, other).mean())


def compare(
    a: Shingles,
    b: Shingles,
    ignore: Sequence[U64] = (),
    *,
    jaccard: float = JACCARD,
    containment: float = CONTAINMENT,
    lead: float = LEAD,
    min_shingles: int = MIN_SHINGLES,
) -> Verdict:
    """The check for one candidate pair; ``ignore`` holds the sorted boilerplate arrays to
    discount (those of both sources). Symmetric in ``a`` and ``b``."""
    set_a, set_b = _without(a.all, ignore), _without(b.all, ignore)
    smaller = min(set_a.size, set_b.size)
    if smaller == 0:
        return Verdict(0.0, 0.0, 0.0, False)
    shared = np.intersect1d(set_a, set_b, assume_unique=True).size
    j = shared / (set_a.size + set_b.size - shared)
    c = shared / smaller
    lead_a, lead_b = _without(a.lead, ignore), _without(b.lead, ignore)
    overlap = max(_share_in(lead_a, set_b), _share_in(lead_b, set_a))
    same = smaller >= min_shingles and (j >= jaccard or (c >= containment and overlap >= lead))
    return Verdict(float(j), float(c), overlap, same)


def _counted(values: U64) -> tuple[U64, npt.NDArray[np.int64]]:
    """Sorted distinct values and how often each occurs."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered, np.zeros(0, dtype=np.int64)
    firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[firsts], np.diff(np.append(firsts, ordered.size))


class Boilerplate:
    """Per-source document frequency of shingles; a source's boilerplate is every shingle
    found in at least ``min_articles`` of its distinct articles.

    The counts are a sum over articles, so they are the same whatever order or batch size
    the articles came in; only the moment a shingle crosses the threshold depends on order
    (see the package docstring for how the integration keeps the partition independent).
    Kept as sorted numpy arrays per source, updated a batch at a time.
    """

    def __init__(self, min_articles: int = BOILERPLATE_ARTICLES) -> None:
        self.min_articles = min_articles
        self._keys: dict[str, U64] = {}
        self._counts: dict[str, npt.NDArray[np.int64]] = {}
        self._cache: dict[str, U64] = {}

    def add(self, source: str, shingles: Shingles) -> None:
        """Count one article (its distinct shingles) for ``source``."""
        self.add_many(source, [shingles])

    def add_many(self, source: str, articles: Sequence[Shingles]) -> None:
        """Count several articles of one source."""
        if not articles:
            return
        batch, seen = _counted(np.concatenate([a.all for a in articles]))
        keys = self._keys.get(source, np.zeros(0, dtype=np.uint64))
        counts = self._counts.get(source, np.zeros(0, dtype=np.int64)).copy()
        at = np.searchsorted(keys, batch)
        found = np.zeros(batch.size, dtype=bool)
        if keys.size:
            found = keys[np.minimum(at, keys.size - 1)] == batch
        counts[at[found]] += seen[found]
        self._keys[source] = np.insert(keys, at[~found], batch[~found])
        self._counts[source] = np.insert(counts, at[~found], seen[~found])
        self._cache.pop(source, None)

    def add_all(self, items: Iterable[tuple[str, Shingles]]) -> None:
        by_source: dict[str, list[Shingles]] = {}
        for source, shingles in items:
            by_source.setdefault(source, []).append(shingles)
        for source, articles in by_source.items():
            self.add_many(source, articles)

    def of(self, source: str) -> U64:
        """The sorted boilerplate shingles of ``source``."""
        cached = self._cache.get(source)
        if cached is None:
            keys = self._keys.get(source, np.zeros(0, dtype=np.uint64))
            counts = self._counts.get(source, np.zeros(0, dtype=np.int64))
            cached = keys[counts >= self.min_articles]
            self._cache[source] = cached
        return cached

    def of_pair(self, source_a: str, source_b: str) -> tuple[U64, ...]:
        """What ``compare`` is to ignore for a pair from these two sources."""
        if source_a == source_b:
            return (self.of(source_a),)
        return (self.of(source_a), self.of(source_b))
