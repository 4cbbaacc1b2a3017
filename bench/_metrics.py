"""Small accuracy measures shared by the benchmarks."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (punctuation and whitespace ignored)."""
    return _TOKEN_RE.findall(text.lower())


def token_f1(predicted: str, reference: str) -> float:
    """Bag-of-tokens F1 between an extracted text and the reference text (1.0 = same words)."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(reference))
    if not pred and not ref:
        return 1.0
    overlap = sum((pred & ref).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)
