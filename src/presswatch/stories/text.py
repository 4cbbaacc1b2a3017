"""Matching text: normalised words and their k-word shingles as uint64 hashes.

Two copies of a story differ in quotes, dashes, ellipses, case, spacing and punctuation,
and in the short menu/byline/"See also" lines a page wraps around the text. None of that
is evidence of a different story, so it is removed before shingling:

- NFKC (full-width and compatibility forms), then ``casefold``;
- every punctuation, symbol, separator or control character separates words and
  apostrophes vanish, so ``U.S.`` and ``U. S.``, ``don’t`` and ``don't``, curly and straight
  quotes, en/em dashes and hyphens, ``…`` and ``...`` tokenise alike;
- lines of at most ``SHORT_LINE_WORDS`` words (menus, bylines, "Share", "Read more") are
  dropped, unless they end a sentence (". ! ?": the tail of a hard-wrapped paragraph, so
  a copy whose lines were re-wrapped keeps its words) or that would leave fewer than ``K``
  words.

Shingle hashes are stable across processes and machines (64-bit polynomial hashes of the
words' UTF-8 bytes, mixed by splitmix64's finaliser), so they can be stored and compared
later. They are computed without a Python-level loop over words: on this project's shared
2-core machines, splitting a 6 KB text into Python strings and hashing each cost more than
the whole per-article budget.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

# Word-shingle length; bench/eval_stories.py --k compares others (bench/README.md).
K = 5
# A document's lead: its first distinct shingles, the retrieval key that lets an excerpt
# find its story (see stories.lsh) and the part of a story every copy carries.
LEAD_SHINGLES = 48
SHORT_LINE_WORDS = 4

# Apostrophes are deleted, not turned into spaces, so "don't", "don’t" and "dont" agree.
_APOSTROPHES = "'`\u00b4\u2018\u2019\u201a\u201b\u2032\u02bc"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# A word's hash: sum(byte_j * BASE**j) mod 2**64 over its UTF-8 bytes (see word_hashes).
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_SPACE = 32
_NEWLINE = 10
# Sentence-final punctuation becomes this byte in normalised text: a word separator that
# also tells a paragraph's last line from a menu line.
STOP = "\x01"
_STOP = 1
# Spaces allowed after a line's STOP for the line to count as ending a sentence.
TRAILING_SPACES = 3


@cache
def _table() -> dict[int, str | None]:
    """str.translate table: punctuation, symbols, separators and controls below U+3040
    (Latin, Greek, Cyrillic, Arabic, general and CJK punctuation; NFKC has already folded
    the full-width forms) become a space; CR becomes a newline."""
    table: dict[int, str | None] = {}
    for code in range(0x3040):
        category = unicodedata.category(chr(code))
        if category == "Cc" or category[0] in "PSZ":
            table[code] = " "
    table[ord("\n")] = "\n"
    table[ord("\r")] = "\n"
    for char in ".!?\u3002\uff01\uff1f":
        table[ord(char)] = STOP
    for char in _APOSTROPHES + _INVISIBLE:
        table[ord(char)] = None
    return table


def normalise(text: str) -> str:
    """Text as matched: NFKC, sentence-final punctuation as ``STOP``, other punctuation as
    spaces, no apostrophes, casefolded; newlines kept (they delimit the short lines
    :func:`words` drops)."""
    return unicodedata.normalize("NFKC", text).translate(_table()).casefold()


def words(text: str) -> list[str]:
    """Normalised words of ``text`` without its short (menu, byline) lines: the sequence
    :func:`word_hashes` hashes, written plainly (tests hold the two equal)."""
    raw = normalise(text).split("\n")
    lines = [line.replace(STOP, " ").split() for line in raw]
    ends = [
        line.rstrip(" ").endswith(STOP) and len(line) - len(line.rstrip(" ")) <= TRAILING_SPACES
        for line in raw
    ]
    kept = [
        w
        for line, end in zip(lines, ends, strict=True)
        if len(line) > SHORT_LINE_WORDS or end
        for w in line
    ]
    if len(kept) >= K:
        return kept
    return [w for line in lines for w in line]


def word_hash(word: str) -> int:
    """The hash :func:`word_hashes` gives ``word``, computed one word at a time."""
    total = 0
    for j, byte in enumerate(word.encode()):
        total = (total + byte * pow(_BASE, j, 1 << 64)) % (1 << 64)
    return total


def _powers(base: int, n: int) -> U64:
    powers = np.full(n, base, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)  # wraps modulo 2**64, as intended


_power_tables: dict[int, U64] = {}


def _powers_upto(base: int, n: int) -> U64:
    """BASE**j (or its inverse) for j < n, from a table grown by doubling and kept."""
    table = _power_tables.get(base)
    if table is None or table.size < n:
        table = _powers(base, max(n, 1 << 16, 2 * (0 if table is None else table.size)))
        _power_tables[base] = table
    return table[:n]


def _long_or_sentence_end(
    data: npt.NDArray[np.uint8], line_of: npt.NDArray[np.int64]
) -> np.ndarray:
    """Per word (``line_of`` its line): is its line longer than SHORT_LINE_WORDS words, or
    is the line's last non-space byte a STOP?"""
    if line_of.size == 0:
        return np.zeros(0, dtype=bool)
    newlines = np.flatnonzero(data == _NEWLINE)
    long_line = np.bincount(line_of, minlength=newlines.size + 1)[line_of] > SHORT_LINE_WORDS
    # Look back from each line's end over at most TRAILING_SPACES spaces for a STOP (a
    # closing quote or bracket after the full stop is a space by then). Work per line,
    # not per byte.
    ends = np.append(newlines, data.size)
    line_starts = np.concatenate(([0], newlines + 1))
    ends_sentence = np.zeros(ends.size, dtype=bool)
    only_spaces = np.ones(ends.size, dtype=bool)
    for back in range(1, TRAILING_SPACES + 2):
        at = ends - back
        inside = at >= line_starts
        byte = data[np.maximum(at, 0)] if data.size else np.zeros(ends.size, dtype=np.uint8)
        ends_sentence |= only_spaces & inside & (byte == _STOP)
        only_spaces &= inside & (byte == _SPACE)
    return long_line | ends_sentence[line_of]


def word_hashes(text: str) -> U64:
    """``[word_hash(w) for w in words(text)]`` for a whole text at once, from prefix sums:
    prefix[i] = sum(byte_j * BASE**j, j < i), so a word's hash is
    (prefix[end] - prefix[start]) * BASE**-start (BASE is odd, so invertible mod 2**64)."""
    data = np.frombuffer(normalise(text).encode(), dtype=np.uint8)
    blank = (data == _SPACE) | (data == _NEWLINE) | (data == _STOP)
    edges = np.diff(np.concatenate(([True], blank, [True])).view(np.int8))
    starts = np.flatnonzero(edges == -1)
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    ends = np.flatnonzero(edges == 1)
    prefix = np.zeros(data.size + 1, dtype=np.uint64)
    np.cumsum(data * _powers_upto(_BASE, data.size), out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * _powers_upto(_BASE_INVERSE, data.size)[starts]
    line_of = np.cumsum(data == _NEWLINE)[starts]
    keep = _long_or_sentence_end(data, line_of)
    if int(keep.sum()) >= K:
        return hashes[keep]
    return hashes


def _finalise(h: U64) -> U64:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


def shingle_hashes(hashes: U64, k: int = K) -> U64:
    """Hashes of the k-word shingles of a word-hash sequence, in text order (a text shorter
    than k words is one shingle)."""
    if hashes.size == 0:
        return np.zeros(0, dtype=np.uint64)
    n = max(hashes.size - k + 1, 1)
    width = min(k, hashes.size)
    mixed = _finalise(hashes)
    acc = mixed[:n].copy()
    for j in range(1, width):
        acc = acc * _MIX + mixed[j : j + n]
    return _finalise(acc + np.uint64(width))


@dataclass(frozen=True, slots=True)
class Shingles:
    """What the story check needs of one document.

    ``all`` is the sorted set of its shingle hashes (the compact form to store: 8 bytes a
    shingle); ``lead`` its first ``LEAD_SHINGLES`` distinct shingle hashes, in text order.
    """

    all: U64
    lead: U64

    @property
    def size(self) -> int:
        return int(self.all.size)


def shingles(text: str, k: int = K, lead: int = LEAD_SHINGLES) -> Shingles:
    """The shingle sets of one text."""
    seq = shingle_hashes(word_hashes(text), k)
    # dict.fromkeys keeps the first occurrence of each, in order; np.unique is slower here.
    head = list(dict.fromkeys(seq[: lead * 2].tolist()))[:lead]
    return Shingles(_sorted_set(seq), np.array(head, dtype=np.uint64))


def _sorted_set(values: U64) -> U64:
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def shingles_many(texts: Sequence[str], k: int = K, lead: int = LEAD_SHINGLES) -> list[Shingles]:
    """``[shingles(t, k, lead) for t in texts]``, with the word and shingle hashing done once
    for the whole batch (one buffer, the texts separated by newlines) instead of per text."""
    encoded = [normalise(text).encode() for text in texts]
    if not encoded:
        return []
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    doc_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    blank = (data == _SPACE) | (data == _NEWLINE) | (data == _STOP)
    edges = np.diff(np.concatenate(([True], blank, [True])).view(np.int8))
    starts = np.flatnonzero(edges == -1)
    ends = np.flatnonzero(edges == 1)
    prefix = np.zeros(data.size + 1, dtype=np.uint64)
    np.cumsum(data * _powers_upto(_BASE, data.size), out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * _powers_upto(_BASE_INVERSE, data.size)[starts]
    docs = len(encoded)
    doc_of = np.searchsorted(doc_starts, starts, side="right") - 1
    line_of = np.cumsum(data == _NEWLINE)[starts]
    long_line = _long_or_sentence_end(data, line_of)
    kept_per_doc = np.bincount(doc_of[long_line], minlength=docs)
    keep = long_line | (kept_per_doc < K)[doc_of]
    hashes, doc_of = hashes[keep], doc_of[keep]
    words_per_doc = np.bincount(doc_of, minlength=docs)
    word_starts = np.concatenate(([0], np.cumsum(words_per_doc)))
    seq = np.zeros(0, dtype=np.uint64)
    if hashes.size >= k:
        n = hashes.size - k + 1
        mixed = _finalise(hashes)
        acc = mixed[:n].copy()
        for j in range(1, k):
            acc = acc * _MIX + mixed[j : j + n]
        seq = _finalise(acc + np.uint64(k))
    out = []
    for d in range(docs):
        count = int(words_per_doc[d])
        if count < k:  # no full window: one shingle of all its words, as shingle_hashes
            own = shingle_hashes(hashes[word_starts[d] : word_starts[d + 1]], k)
        else:
            own = seq[word_starts[d] : word_starts[d] + count - k + 1]
        head = list(dict.fromkeys(own[: lead * 2].tolist()))[:lead]
        out.append(Shingles(_sorted_set(own), np.array(head, dtype=np.uint64)))
    return out
