"""Per-article facts every view needs, derived from mentions once at ingest (pure functions)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, combinations
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
    r"""Hash the normalised words of ``text`` so re-ingested or re-formatted copies collide.

    The words are the ``\w+`` runs of the NFKC-normalised, casefolded text, joined by one
    space (``_words_joined`` computes exactly that, mostly without a regular expression).
    """
    joined, count = _words_joined(unicodedata.normalize("NFKC", text))
    digest = hashlib.blake2b(joined, digest_size=16).digest()
    article_id = int.from_bytes(digest[:8], "big", signed=True)
    return TextFingerprint(article_id, digest.hex(), count)


# Non-word characters common in news text, replaced by a space before the fast path.
_COMMON_NON_WORD = "\u2014\u2013\u2019\u2018\u201c\u201d\u201e\u2026\u00ab\u00bb\u2022\u00a0\ufeff"
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")
# Byte table: ASCII letters, digits and "_" (the ASCII word characters) and every non-ASCII
# byte stay; every other ASCII byte becomes a space.
_WORD_BYTES = bytes(b if b > 127 or chr(b).isalnum() or b == 95 else 32 for b in range(256))


def _words_joined(text: str) -> tuple[bytes, int]:
    r"""(UTF-8 of the ``\w+`` runs of ``text.casefold()`` joined by single spaces, how many).

    When every non-ASCII character left is a word character, words are runs of bytes that
    the table keeps, so bytes.translate and bytes.split (C loops) give the same words as the
    regex at a fraction of the cost. Replacing a non-word character by a space never changes
    the words, so the usual dashes and quotes are replaced first; and before casefolding,
    which leaves them as they are and is several times faster once the text is all ASCII.
    """
    if not text.isascii():
        for ch in _COMMON_NON_WORD:
            if ch in text:
                text = text.replace(ch, " ")
    folded = text.casefold()
    if not folded.isascii() and _NON_ASCII_NON_WORD.search(folded):
        words = _WORD.findall(folded)
        return " ".join(words).encode("utf-8"), len(words)
    parts = folded.encode("utf-8").translate(_WORD_BYTES).split()
    return b" ".join(parts), len(parts)


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


def _sentence_pairs(units: Iterable[set[str]]) -> Counter[tuple[str, str]]:
    """How many units each pair (a < b) shares; single-country units, the most common
    kind, are skipped before any sorting."""
    return Counter(chain.from_iterable(combinations(sorted(c), 2) for c in units if len(c) > 1))


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
        for a, b in combinations(sorted(article_all), 2)
    ]
    sentence_n = _sentence_pairs(all_units.values())
    sentence_named = _sentence_pairs(named_units.values())
    result.extend(
        CountryPair("sentence", a, b, n, sentence_named.get((a, b), 0))
        for (a, b), n in sorted(sentence_n.items())
    )
    return result
