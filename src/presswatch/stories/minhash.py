"""MinHash signatures of many documents at once, and their LSH band keys.

Permutation p is h_p(x) = (a_p * x + b_p) mod 2**32 with a_p odd (a bijection of the
32-bit values) on the top 32 bits x of each shingle hash. The shingle hashes are already
splitmix64-mixed, so what MinHash needs is only that each h_p reorders them independently;
tests/test_stories_minhash.py checks that the estimates have the binomial spread
J(1-J)/permutations around the true Jaccard. 32-bit arithmetic, not the textbook
(a*x + b) mod (2**61 - 1): numpy vectorises 32-bit multiplies and not 64-bit ones, and a
prime-field version (mod 2**31 - 1, folded without division) measured several times slower.
All documents' shingles are concatenated and each permutation is one multiply-add pass over
that array plus ``np.minimum.reduceat`` at the document offsets, so there is no per-document
Python cost (bench/bench_stories.py compares this with datasketch).

Band keys: band ``i`` of a signature, r values, is hashed with the band's number into one
uint64, so a key can be stored in an integer column and two documents are an LSH candidate
pair exactly when they share a key. The band numbers of the lead signature continue after
those of the full-text signature, so both kinds of key can share one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from presswatch.stories.text import U64, _finalise

_SHIFT32 = np.uint64(32)
_MIX = np.uint64(0x9E3779B97F4A7C15)
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BandSpec:
    """``bands`` bands of ``rows`` MinHash values each; ``first_band`` numbers the first."""

    bands: int
    rows: int
    first_band: int = 0

    @property
    def permutations(self) -> int:
        return self.bands * self.rows

    def candidate_probability(self, similarity: float) -> float:
        """The S-curve: chance that a pair of this (Jaccard) similarity shares a band key."""
        return float(1.0 - (1.0 - similarity**self.rows) ** self.bands)


@dataclass(frozen=True)
class MinHasher:
    """``permutations`` universal hash functions drawn from ``seed`` (fixed: stored
    signatures and band keys are only comparable under the same seed)."""

    permutations: int
    seed: int = 20261203
    _a: U32 = field(init=False, repr=False, compare=False)
    _b: U32 = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        a = rng.integers(0, 1 << 32, self.permutations, dtype=np.uint64).astype(np.uint32)
        b = rng.integers(0, 1 << 32, self.permutations, dtype=np.uint64).astype(np.uint32)
        a |= np.uint32(1)
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)

    def signatures(self, values: U64, offsets: I64) -> U32:
        """Signatures (documents x permutations, uint32) of the sets
        ``values[offsets[i]:offsets[i+1]]``; every set must be non-empty."""
        docs = offsets.size - 1
        out = np.empty((docs, self.permutations), dtype=np.uint32)
        if docs == 0:
            return out
        if np.any(np.diff(offsets) <= 0):
            raise ValueError("every document needs at least one shingle")
        x = (values >> _SHIFT32).astype(np.uint32)
        starts = offsets[:-1]
        y = np.empty_like(x)
        for p in range(self.permutations):
            np.multiply(x, self._a[p], out=y)  # wraps modulo 2**32, as intended
            y += self._b[p]
            out[:, p] = np.minimum.reduceat(y, starts)
        return out


def band_keys(signatures: U32, spec: BandSpec) -> U64:
    """One uint64 key per (document, band): documents x spec.bands."""
    docs = signatures.shape[0]
    if signatures.shape[1] < spec.permutations:
        raise ValueError("signature shorter than the bands need")
    sig = signatures[:, : spec.permutations].astype(np.uint64).reshape(docs, spec.bands, -1)
    band_ids = np.arange(spec.first_band, spec.first_band + spec.bands, dtype=np.uint64)
    acc = np.broadcast_to(_finalise(band_ids + np.uint64(1)), (docs, spec.bands)).copy()
    for r in range(spec.rows):
        acc = acc * _MIX + sig[:, :, r]
    return _finalise(acc)
