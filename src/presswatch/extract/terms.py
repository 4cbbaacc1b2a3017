"""The term tokeniser behind the term index (word cloud, keyness and keyword search).

Scheme (one pass over ``title + text``, lower-cased):

- **Unigrams**: word tokens of letters/digits, with internal hyphens and apostrophes kept
  ("anti-china", "don't"), the possessive 's dropped ("China's" -> "china"), dotted
  acronyms kept whole ("U.S." -> "u.s."). Tokens of one character, tokens longer than
  ``MAX_TOKEN_CHARS`` and stopwords (data/stopwords.txt) are not indexed. Numbers of two or
  more digits are indexed (search for "2022" works; the word cloud hides them by default).
- **Listed phrases** (data/phrases.txt, plus every multi-word country and capital name of
  the gazetteer: "hong kong", "south korea", "new delhi"): counted wherever their tokens
  occur in sequence (any whitespace between, no punctuation); they may bridge stopwords
  ("community with a shared future"). A phrase is only looked for when its first two
  words occur together in the article, and then by a substring count over the joined token
  stream, so a long list costs little. A name is thus indexed whole in every article, and
  the word cloud can show "hong kong" instead of "hong" and "kong".
- **Automatic bigrams**: two adjacent indexed unigrams with no stopword or punctuation
  between them ("joint exercise", "foreign minister") — kept only when the pair occurs at
  least ``MIN_BIGRAM_COUNT`` times in the article (the title counts), and at most
  ``MAX_BIGRAMS`` per article (most frequent first). Occurrences that straddle the edge of
  a multi-word name ("kong government" in "hong kong government") do not count.

Why bounded: unigrams are needed for search and grow with vocabulary, but the number of
distinct adjacent pairs grows with article length; keeping only repeated pairs (plus the
curated phrase list) adds a few dozen rows per article at most, so the index stays about
``distinct words + 30`` rows per article, usable at a million articles.

``term_id`` is a stable 63-bit id (blake2b of the UTF-8 term), the same in every process.
Keyword search (presswatch.textquery) tokenises query words with ``tokenize`` so a query
word finds exactly the articles whose index contains it, or a hyphenated compound that has
it as a part (a compound is indexed whole, for the word cloud; search splits it at hyphens).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
from itertools import compress, islice, pairwise, repeat
from operator import le
from pathlib import Path

from presswatch.extract.gazetteer import load_gazetteer
from presswatch.settings import DATA_DIR

STOPWORDS_PATH = DATA_DIR / "stopwords.txt"
PHRASES_PATH = DATA_DIR / "phrases.txt"

MAX_TOKEN_CHARS = 40
MIN_BIGRAM_COUNT = 2
MAX_BIGRAMS = 30

# Curly apostrophes and Unicode hyphens become their ASCII forms before tokenising.
_REPLACEMENTS = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u02bc", "'"),
    ("\u2010", "-"),
    ("\u2011", "-"),
)
# Frequent characters above U+00FF that play no part in a word, swapped for ASCII ones that
# tokenise the same way: breakers for a comma (a breaker too, and never part of a word,
# unlike "."), the rest for a space (a plain separator, as before). Once none is left, a
# string is stored one byte per character and the tokeniser runs faster.
_TO_ASCII = (
    ("\u2014", ","),
    ("\u2013", ","),
    ("\u201c", ","),
    ("\u201d", ","),
    ("\u2026", " "),
    ("\u2022", " "),
    ("\u201e", " "),
)
_NORMALISE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"}
)

# Alternatives, in order: words (internal hyphens/apostrophes kept, but an apostrophe
# followed by a lone "s" ends the word, and that possessive is consumed outside the
# group; a dotted acronym such as "u.s." continues the word), then punctuation that breaks
# a phrase (returned as a one-character token, never indexed, so no bigram spans it).
# Possessive quantifiers (++, *+) never give back what they matched: the same tokens, but
# the engine skips backtracking it could never use (faster on news text).
_TOKEN_RE = re.compile(
    r"([^\W_]++(?:-[^\W_]++|'(?!s\b)[^\W_]++)*+(?:\.(?:[^\W\d_]\.)++)?"
    r"|[.,;:!?()\"\u201c\u201d\u2014\u2013])(?:'s\b)?"
)
_BREAKERS = frozenset('.,;:!?()"\u201c\u201d\u2014\u2013')


def _read_list(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a data file, lower-cased and whitespace-collapsed."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            out.append(" ".join(line.split()))
    return out


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    return frozenset(w.translate(_NORMALISE) for w in _read_list(STOPWORDS_PATH))


@lru_cache(maxsize=1)
def _stop_and_breakers() -> frozenset[str]:
    return _default_stopwords() | _BREAKERS


def _normalise(text: str) -> str:
    """Curly apostrophes and Unicode hyphens to ASCII (``str.replace`` is much faster than
    ``str.translate`` on non-ASCII text, and a no-op scan when the character is absent)."""
    for src, dst in _REPLACEMENTS:
        if src in text:
            text = text.replace(src, dst)
    return text


def _normalise_for_index(text: str) -> str:
    """``_normalise``, plus the swaps of ``_TO_ASCII``: the same tokens, found faster."""
    text = _normalise(text)
    if not text.isascii():
        for src, dst in _TO_ASCII:
            if src in text:
                text = text.replace(src, dst)
    return text


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (no stopword removal, punctuation dropped)."""
    return [t for t in _TOKEN_RE.findall(text.lower().translate(_NORMALISE)) if t not in _BREAKERS]


def is_indexed_word(token: str) -> bool:
    """Whether a single token (already lower-cased) would be stored in the term index."""
    return token not in _default_stopwords() and 1 < len(token) <= MAX_TOKEN_CHARS


def _name_phrases() -> list[str]:
    """Multi-word country and capital names of the gazetteer ("Hong Kong", "South Korean",
    "New Delhi"), lower-cased: listed like data/phrases.txt so that every occurrence is
    indexed whole and a word cloud can show the name as one term instead of its words."""
    gazetteer = load_gazetteer(DATA_DIR)  # (once: the callers are cached)
    return [
        " ".join(a.form.lower().split())
        for a in gazetteer.aliases
        if a.kind in ("country", "capital") and " " in a.form.strip()
    ]


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Listed phrases of two or more tokens: (phrase as indexed, its tokens)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in [*_read_list(PHRASES_PATH), *_name_phrases()]:
        toks = tuple(t for t in tokenize(line.translate(_NORMALISE)))
        if len(toks) >= 2:  # one-token entries are ordinary unigrams already
            out.setdefault(" ".join(toks), toks)
    return tuple(out.items())


@lru_cache(maxsize=1)
def _phrases_by_first_pair() -> dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The listed phrases grouped by their first two tokens (hundreds of them with the
    names, so an article looks up only those whose first pair it contains)."""
    groups: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = {}
    for phrase, toks in _phrases():
        groups.setdefault((toks[0], toks[1]), []).append((phrase, toks))
    return {pair: tuple(group) for pair, group in groups.items()}


_Edges = dict[str, tuple[tuple[str, ...], ...]]


@lru_cache(maxsize=1)
def _phrase_edges() -> tuple[_Edges, _Edges]:
    """({last token: names ending with it}, {first token: names starting with it}) of the
    multi-word country and capital names, to find automatic bigrams that straddle the edge
    of a name ("kong government"). Only names: "minister wang" beside "foreign minister"
    is a term of its own."""
    ends: dict[str, list[tuple[str, ...]]] = {}
    starts: dict[str, list[tuple[str, ...]]] = {}
    names = {" ".join(tokenize(line.translate(_NORMALISE))) for line in _name_phrases()}
    for _phrase, toks in (item for item in _phrases() if item[0] in names):
        ends.setdefault(toks[-1], []).append(toks)
        starts.setdefault(toks[0], []).append(toks)
    return {k: tuple(v) for k, v in ends.items()}, {k: tuple(v) for k, v in starts.items()}


@lru_cache(maxsize=1)
def listed_phrases() -> frozenset[str]:
    """The multi-word phrases of data/phrases.txt as indexed (tokens joined by one space).

    Each is counted in every article where its tokens occur in sequence, so the index
    answers a search for it exactly (no text verification needed).
    """
    return frozenset(p for p, _toks in _phrases())


def _phrase_counts(toks: list[str], pairs: Counter[tuple[str, str]]) -> dict[str, int]:
    """Counts of listed phrases as consecutive tokens (punctuation tokens break a phrase).

    A two-word phrase is read straight from the adjacent-pair counts; a longer one is
    looked for only when each of its adjacent pairs occurs, then counted by a C-level
    substring count over the joined token stream.
    """
    found: dict[str, int] = {}
    joined = ""
    by_pair = _phrases_by_first_pair()
    for first in by_pair.keys() & pairs.keys():  # C-level intersection
        n = pairs[first]
        for phrase, ptoks in by_pair[first]:
            count = n
            if len(ptoks) > 2:
                if not all(pair in pairs for pair in pairwise(ptoks[1:])):
                    continue
                if not joined:
                    joined = " " + " ".join(toks) + " "
                count = joined.count(" " + phrase + " ")
            if count:
                found[phrase] = count
    return found


def _outside_phrases(
    a: str,
    b: str,
    count: int,
    toks: list[str],
    pairs: Counter[tuple[str, str]],
    joined: list[str],
) -> int:
    """How many of the ``count`` occurrences of the pair (a, b) do not straddle the edge of a
    multi-word name: "hong kong government" holds the pair "kong government", which is no
    term of its own but a piece of the name "Hong Kong" and the next word."""
    ends, starts = _phrase_edges()
    if f"{a} {b}" in listed_phrases():
        return count
    # Only phrases whose pair next to (a, b) occurs at all can straddle it (a dict look-up
    # each); those few are counted over the joined token stream.
    spans = [(*p, b) for p in ends.get(a, ()) if (p[-2], a) in pairs]
    spans.extend((a, *p) for p in starts.get(b, ()) if (b, p[1]) in pairs)
    if not spans:
        return count
    if not joined:  # (built once per article, only when some pair needs it)
        joined.append(" " + " ".join(toks) + " ")
    straddling = sum(joined[0].count(" " + " ".join(span) + " ") for span in spans)
    return max(0, count - straddling)


def article_terms(title: str | None, text: str) -> dict[str, int]:
    """Term -> occurrences in title + text: unigrams, listed phrases and repeated bigrams."""
    body = f"{title}\n.\n{text}" if title else text
    toks = _TOKEN_RE.findall(_normalise_for_index(body.lower()))
    counts = Counter(toks)  # C-level counting; filter the (much smaller) distinct set after
    kept = counts.keys() - _stop_and_breakers()  # C-level set difference
    terms = {t: counts[t] for t in kept if 1 < len(t) <= MAX_TOKEN_CHARS}
    # Bigrams: count all adjacent pairs in C, then keep repeated pairs of indexed words;
    # the "repeated" mask is computed in C too (map/compress), as most pairs occur once.
    pairs = Counter(zip(toks, islice(toks, 1, None), strict=False))
    repeated = compress(pairs.items(), map(le, repeat(MIN_BIGRAM_COUNT), pairs.values()))
    bigrams = [
        (c, a, b)
        for (a, b), c in repeated
        if a in terms and b in terms and not (a.isdigit() or b.isdigit())
    ]
    # A country or capital name is a unit: a pair made of its last word and the next one
    # (or of a word and its first) is a fragment, not a term; only occurrences away from
    # names count.
    ends, starts = _phrase_edges()
    if any(a in ends or b in starts for _c, a, b in bigrams):
        joined: list[str] = []
        bigrams = [
            (c, a, b)
            if a not in ends and b not in starts
            else (_outside_phrases(a, b, c, toks, pairs, joined), a, b)
            for c, a, b in bigrams
        ]
        bigrams = [x for x in bigrams if x[0] >= MIN_BIGRAM_COUNT]
    if len(bigrams) > MAX_BIGRAMS:
        bigrams.sort(key=lambda x: (-x[0], x[1], x[2]))
        del bigrams[MAX_BIGRAMS:]
    for c, a, b in bigrams:
        terms[f"{a} {b}"] = c
    for phrase, c in _phrase_counts(toks, pairs).items():
        terms[phrase] = max(terms.get(phrase, 0), c)
    return terms


_MASK63 = (1 << 63) - 1


@lru_cache(maxsize=1 << 18)
def term_id(term: str) -> int:
    """Stable id of a term: the first 8 bytes of blake2b(term), masked to 0 <= id < 2**63."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MASK63
