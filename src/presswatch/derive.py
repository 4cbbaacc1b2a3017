"""Per-article facts every view needs, derived from mentions once at ingest (pure functions)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from presswatch.models import Mention

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    """Identity of a text: equal for texts differing only in case, spacing or punctuation."""

    article_id: int  # signed 64-bit, the primary key
    text_hash: str  # 32 hex digits
    word_count: int


def fingerprint(text: str) -> TextFingerprint:
    """Hash the normalised words of ``text`` so re-ingested or re-formatted copies collide."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).digest()
    article_id = int.from_bytes(digest[:8], "big", signed=True)
    return TextFingerprint(article_id, digest.hex(), len(words))


class EntityCount(NamedTuple):
    """How often one entity is mentioned in one article, and in how many sentences.

    (A named tuple, like CountryPair: built for every entity of every article at ingest,
    where a frozen dataclass's slower constructor showed in profiles.)
    """

    entity_id: str
    kind: str  # country | organisation | term
    n_named: int
    n_capital: int
    n_sentences: int  # sentences mentioning it by any signal
    n_sentences_named: int  # sentences mentioning it without capital-city metonymy


def entity_counts(mentions: Iterable[Mention]) -> list[EntityCount]:
    """Per-entity counts; capital metonymy is counted apart so views can include or drop it."""
    named: dict[tuple[str, str], int] = defaultdict(int)
    capital: dict[tuple[str, str], int] = defaultdict(int)
    sentences: dict[tuple[str, str], set[int]] = defaultdict(set)
    named_sentences: dict[tuple[str, str], set[int]] = defaultdict(set)
    for m in mentions:
        if m.kind == "capital":
            key = (m.entity_id, "country")
            capital[key] += 1
        else:
            key = (m.entity_id, m.kind)
            named[key] += 1
            named_sentences[key].add(m.sentence)
        sentences[key].add(m.sentence)
    return [
        EntityCount(
            eid,
            kind,
            named.get((eid, kind), 0),
            capital.get((eid, kind), 0),
            len(sentences[(eid, kind)]),
            len(named_sentences.get((eid, kind), ())),
        )
        for eid, kind in sorted(sentences)
    ]


def country_sentence_counts(mentions: Iterable[Mention]) -> tuple[int, int]:
    """Sentences mentioning any country: (with capital-city metonymy, without it)."""
    any_signal: set[int] = set()
    named: set[int] = set()
    for m in mentions:
        if m.kind == "country":
            any_signal.add(m.sentence)
            named.add(m.sentence)
        elif m.kind == "capital":
            any_signal.add(m.sentence)
    return len(any_signal), len(named)


class CountryPair(NamedTuple):
    """Two countries (a < b) that co-occur in one article, at article or sentence scope."""

    scope: str  # article | sentence
    a: str
    b: str
    n: int  # with capital-city mentions
    n_named: int  # without them


def _pairs(codes: set[str]) -> Iterable[tuple[str, str]]:
    return combinations(sorted(codes), 2)


def country_pairs(mentions: Sequence[Mention]) -> list[CountryPair]:
    """Co-occurring country pairs; a country named several times in a unit counts once."""
    all_units: dict[int, set[str]] = defaultdict(set)
    named_units: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        if m.kind == "country":
            all_units[m.sentence].add(m.entity_id)
            named_units[m.sentence].add(m.entity_id)
        elif m.kind == "capital":
            all_units[m.sentence].add(m.entity_id)
    if not all_units:
        return []

    article_all = set().union(*all_units.values())
    article_named = set().union(*named_units.values()) if named_units else set()
    result = [
        CountryPair("article", a, b, 1, int(a in article_named and b in article_named))
        for a, b in _pairs(article_all)
    ]

    sentence_n: dict[tuple[str, str], int] = defaultdict(int)
    sentence_named: dict[tuple[str, str], int] = defaultdict(int)
    for sentence, codes in all_units.items():
        for pair in _pairs(codes):
            sentence_n[pair] += 1
        for pair in _pairs(named_units.get(sentence, set())):
            sentence_named[pair] += 1
    result.extend(
        CountryPair("sentence", a, b, n, sentence_named.get((a, b), 0))
        for (a, b), n in sorted(sentence_n.items())
    )
    return result
