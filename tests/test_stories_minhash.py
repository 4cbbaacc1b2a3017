"""MinHash signatures and LSH band keys."""

from __future__ import annotations

import numpy as np
import pytest

from presswatch.stories.detect import FULL_BANDS, HASHER, LEAD_BANDS, sketch
from presswatch.stories.minhash import BandSpec, MinHasher, band_keys


def _offsets(sets: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)


def test_estimates_have_the_binomial_spread_around_the_true_jaccard() -> None:
    # The 32-bit multiply-add permutations must behave like independent random ones:
    # the estimate's error, in units of sqrt(J(1-J)/P), has mean ~0 and spread ~1.
    rng = np.random.default_rng(7)
    hasher = MinHasher(128, seed=3)
    z = []
    for _ in range(300):
        j = rng.uniform(0.1, 0.9)
        n = 600
        common = round(2 * n * j / (1 + j))
        pool = rng.integers(0, 2**63, 2 * n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        a = np.unique(pool[:n])
        b = np.unique(np.concatenate([pool[:common], pool[n : 2 * n - common]]))
        true = np.intersect1d(a, b).size / np.union1d(a, b).size
        sig = hasher.signatures(np.concatenate([a, b]), _offsets([a, b]))
        estimate = float((sig[0] == sig[1]).mean())
        z.append((estimate - true) / np.sqrt(true * (1 - true) / 128))
    assert abs(float(np.mean(z))) < 0.2
    assert 0.8 < float(np.std(z)) < 1.2


def test_batch_signatures_equal_one_document_at_a_time() -> None:
    rng = np.random.default_rng(1)
    sets = [np.unique(rng.integers(0, 2**63, size, dtype=np.uint64)) for size in (1, 5, 300)]
    batch = HASHER.signatures(np.concatenate(sets), _offsets(sets))
    for i, s in enumerate(sets):
        assert np.array_equal(batch[i], HASHER.signatures(s, _offsets([s]))[0])


def test_signatures_refuse_an_empty_set() -> None:
    with pytest.raises(ValueError, match="at least one shingle"):
        HASHER.signatures(np.zeros(3, dtype=np.uint64), np.array([0, 0, 3], dtype=np.int64))


def test_band_keys_differ_by_band_and_match_only_equal_bands() -> None:
    sig = np.array([[1, 2, 3, 4, 5, 6], [1, 2, 3, 9, 9, 9], [1, 2, 3, 4, 5, 6]], dtype=np.uint32)
    spec = BandSpec(bands=2, rows=3)
    keys = band_keys(sig, spec)
    assert keys.shape == (3, 2) and keys.dtype == np.uint64
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert np.array_equal(keys[0], keys[2])
    # The same values in another band number give another key (bands share one table).
    same_values = np.array([[1, 2, 3, 1, 2, 3]], dtype=np.uint32)
    k = band_keys(same_values, spec)
    assert k[0, 0] != k[0, 1]
    assert band_keys(sig, BandSpec(2, 3, first_band=5))[0, 0] != keys[0, 0]


def test_s_curves_of_the_chosen_bands() -> None:
    assert FULL_BANDS.permutations == 60 and LEAD_BANDS.permutations == 32
    assert FULL_BANDS.candidate_probability(0.6) > 0.99
    assert FULL_BANDS.candidate_probability(0.1) < 0.03
    assert LEAD_BANDS.candidate_probability(0.5) > 0.98
    assert LEAD_BANDS.candidate_probability(0.05) < 0.05


def test_sketch_rows_follow_the_input_and_skip_empty_texts() -> None:
    sk = sketch(["", "one two three four five six", "one two three four five six"])
    assert sk.keys.shape == (2, FULL_BANDS.bands + LEAD_BANDS.bands)
    assert sk.keys_of(0) == []
    assert sk.keys_of(1) == sk.keys_of(2)
