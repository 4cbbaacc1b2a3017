"""Story detection over a collection: sketches, candidates, checked edges, story ids."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from presswatch.stories.assign import story_ids
from presswatch.stories.check import Boilerplate, compare
from presswatch.stories.minhash import U32, BandSpec, MinHasher, band_keys
from presswatch.stories.text import U64, K, Shingles, shingles_many

FULL_BANDS = BandSpec(bands=20, rows=3)
LEAD_BANDS = BandSpec(bands=16, rows=2, first_band=FULL_BANDS.bands)
HASHER = MinHasher(max(FULL_BANDS.permutations, LEAD_BANDS.permutations))


@dataclass
class Sketches:
    """Shingle sets and band keys of a batch of texts, in input order. ``keys`` is
    documents x (FULL_BANDS.bands + LEAD_BANDS.bands); a text without a single word has
    no row in it (``has_keys`` False) and can only be its own story."""

    shingles: list[Shingles]
    keys: U64
    has_keys: np.ndarray

    def keys_of(self, index: int) -> list[int]:
        if not self.has_keys[index]:
            return []
        return self.keys[self._rows[index]].tolist()

    @cached_property
    def _rows(self) -> np.ndarray:
        return np.cumsum(self.has_keys) - 1


def _signatures(sets: list[U64]) -> U32:
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([s.size for s in sets], out=offsets[1:])
    values = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    return HASHER.signatures(values, offsets)


def sketch(texts: Sequence[str], k: int = K) -> Sketches:
    """Shingles (of ``k`` words) and band keys for many texts at once."""
    sets = shingles_many(texts, k)
    has = np.array([s.size > 0 for s in sets], dtype=bool)
    kept = [s for s in sets if s.size > 0]
    full = band_keys(_signatures([s.all for s in kept]), FULL_BANDS)
    lead = band_keys(_signatures([s.lead for s in kept]), LEAD_BANDS)
    return Sketches(sets, np.hstack([full, lead]), has)


@dataclass(frozen=True)
class Article:
    id: int
    source: str
    text: str


def _pairs_sharing_keys(rows: Iterable[tuple[int, list[int]]]) -> set[tuple[int, int]]:
    buckets: dict[int, list[int]] = {}
    for doc, keys in rows:
        for key in keys:
            buckets.setdefault(key, []).append(doc)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            ordered = sorted(set(members))
            for i, a in enumerate(ordered):
                pairs.update((a, b) for b in ordered[i + 1 :])
    return pairs


def same_story_edges(
    pairs: Iterable[tuple[int, int]],
    shingle_of: dict[int, Shingles],
    source_of: dict[int, str],
    boilerplate: Boilerplate,
) -> set[tuple[int, int]]:
    """The candidate pairs that the check accepts."""
    return {
        (a, b)
        for a, b in pairs
        if compare(
            shingle_of[a], shingle_of[b], boilerplate.of_pair(source_of[a], source_of[b])
        ).same
    }


def find_stories(articles: Sequence[Article], k: int = K) -> dict[int, int]:
    """Article id -> story id (the smallest article id of its story), all at once."""
    sk = sketch([a.text for a in articles], k)
    boilerplate = Boilerplate()
    boilerplate.add_all((a.source, sh) for a, sh in zip(articles, sk.shingles, strict=True))
    pairs = _pairs_sharing_keys((a.id, sk.keys_of(i)) for i, a in enumerate(articles))
    edges = same_story_edges(
        pairs,
        {a.id: s for a, s in zip(articles, sk.shingles, strict=True)},
        {a.id: a.source for a in articles},
        boilerplate,
    )
    return story_ids([a.id for a in articles], edges)


class IncrementalStories:
    """The same partition as ``find_stories``, built batch by batch the way the ingest
    integration is to do it (see the package docstring): new candidates are checked, and
    the stored candidates of every source whose boilerplate changed are re-checked."""

    def __init__(self) -> None:
        self.boilerplate = Boilerplate()
        self.shingle_of: dict[int, Shingles] = {}
        self.source_of: dict[int, str] = {}
        self.index: dict[int, list[int]] = {}
        self.candidates: set[tuple[int, int]] = set()
        self.edges: set[tuple[int, int]] = set()

    def add_batch(self, articles: Sequence[Article]) -> None:
        sk = sketch([a.text for a in articles])
        sources = {a.source for a in articles}
        before = {s: self.boilerplate.of(s) for s in sources}
        self.boilerplate.add_all((a.source, sk.shingles[i]) for i, a in enumerate(articles))
        for i, article in enumerate(articles):
            self.shingle_of[article.id] = sk.shingles[i]
            self.source_of[article.id] = article.source
        changed = {s for s in sources if not np.array_equal(before[s], self.boilerplate.of(s))}
        new_pairs: set[tuple[int, int]] = set()
        for i, article in enumerate(articles):
            for key in sk.keys_of(i):
                bucket = self.index.setdefault(key, [])
                new_pairs.update((min(o, article.id), max(o, article.id)) for o in bucket)
                bucket.append(article.id)
        recheck = {
            (a, b)
            for a, b in self.candidates
            if self.source_of[a] in changed or self.source_of[b] in changed
        }
        self.candidates |= new_pairs
        todo = new_pairs | recheck
        self.edges -= todo
        self.edges |= same_story_edges(todo, self.shingle_of, self.source_of, self.boilerplate)

    def stories(self) -> dict[int, int]:
        return story_ids(list(self.shingle_of), self.edges)


def partition(assignment: dict[int, int]) -> set[frozenset[Hashable]]:
    """A story assignment as a set of stories (sets of article ids), for comparisons."""
    groups: dict[int, set[int]] = {}
    for article, story in assignment.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}
