"""Fast sentence numbering: precomputed sentence starts plus bisect, no tokeniser."""

from __future__ import annotations

import re
from bisect import bisect_right

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote; a line break always ends one (paragraphs, Q&A turns).
#
# The rule is written as one pattern per first character, because `re` finds a pattern that
# starts with one literal character with a fast scan for that character, while a leading
# class such as [.!?\n] is tested character by character (several times slower on prose).
# Possessive quantifiers: the whitespace run is all-or-nothing anyway (what follows it must
# not be whitespace), so there is nothing to backtrack into.
_END = r"[\"'\u201d\u2019)\]]*+\s++(?=[\"'\u201c\u2018(\[]?[A-Z0-9])"
_PERIOD = re.compile(r"\." + _END)
# The other boundaries, each searched only when its character occurs at all.
_OTHER_BOUNDARIES = (
    ("!", re.compile(r"!" + _END)),
    ("?", re.compile(r"\?" + _END)),
    ("\n", re.compile(r"\n\s*+")),
)

# Tokens whose final period is not a sentence end (lower-cased, with the period).
_ABBREVIATIONS = frozenset(
    """mr. mrs. ms. dr. prof. st. sr. jr. gen. lt. col. maj. capt. cmdr. adm. sgt. cpl. pvt.
    sen. rep. gov. pres. gen. rev. hon. amb. no. nos. vol. art. fig. vs. etc. inc. corp. co.
    ltd. dept. univ. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. mon. tue.
    wed. thu. fri. sat. sun. u.s. u.k. u.n. e.u. u.s.a. p.m. a.m. e.g. i.e. approx. est.
    ft. mt. ave. blvd. rd. ga. fla. ala. ariz. ark. calif. colo. conn. del. ill. ind. kan.
    ky. la. md. mass. mich. minn. miss. mo. mont. neb. nev. okla. ore. pa. tenn. tex. va.
    vt. wash. wis. wyo.""".split()
)
# What may stand before a token: a blank, or opening quotes and brackets (stripped from it).
_OPENERS = "(\"'\u201c\u2018"
_TOKEN_BREAKS = " \n" + _OPENERS
# The last four characters of an abbreviation, or of a break and a three-character one: a
# cheap first test (see _abbreviation_before).
assert min(map(len, _ABBREVIATIONS)) >= 3
_ABBREVIATION_TAILS = frozenset(
    [a[-4:] for a in _ABBREVIATIONS if len(a) >= 4]
    + [c + a for a in _ABBREVIATIONS if len(a) == 3 for c in _TOKEN_BREAKS]
)


def _abbreviation_before(text: str, period: int) -> bool:
    """The word ending at ``period`` (a "."), such as "U.S." or "Gen." or an initial, does
    not end a sentence."""
    # Cheap necessary conditions first, as most words are no abbreviation: an initial ("J.")
    # follows a break, and an abbreviation ends in one of _ABBREVIATION_TAILS.
    if (
        period >= 3
        and text[period - 2] not in _TOKEN_BREAKS
        and text[period - 3 : period + 1].lower() not in _ABBREVIATION_TAILS
    ):
        return False
    # Look back a few characters first: an unbounded rfind would scan to the previous line
    # break. Only a run of 8+ opening quotes or brackets needs the full search.
    lo = period - 8 if period > 8 else 0
    i = text.rfind(" ", lo, period)
    j = text.rfind("\n", lo, period)
    if j > i:
        i = j
    elif i < 0 and lo > 0:
        i = max(text.rfind(" ", 0, period), text.rfind("\n", 0, period))
    token = text[i + 1 : period + 1].lstrip(_OPENERS).lower()
    return token in _ABBREVIATIONS or (len(token) == 2 and token[0].isalpha())


def sentence_starts(text: str) -> list[int]:
    """Offsets where the sentences of ``text`` start; the first is always 0."""
    # (start, end) of every boundary, in text order.
    found = [m.span() for m in _PERIOD.finditer(text)]
    for mark, pattern in _OTHER_BOUNDARIES:
        if mark in text:
            found += [m.span() for m in pattern.finditer(text)]
            found.sort()
    starts = [0]
    last = 0  # the latest start
    covered = 0  # end of the previous boundary
    n = len(text)
    for start, end in found:
        # A line break inside a previous boundary's whitespace is part of that boundary
        # (one pattern for all would never have seen it).
        if start < covered:
            continue
        covered = end
        if text[start] == "." and _abbreviation_before(text, start):
            continue
        # A boundary with nothing but blanks since the last start opens no new sentence.
        if start - last <= 8 and not text[last:start].strip():
            continue
        if end < n:
            starts.append(end)
            last = end
    return starts


def sentence_number(starts: list[int], offset: int) -> int:
    """1-based number of the sentence containing ``offset``."""
    return bisect_right(starts, offset)
