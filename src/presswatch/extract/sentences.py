"""Fast sentence numbering: precomputed sentence starts plus bisect, no tokeniser."""

from __future__ import annotations

import re
from bisect import bisect_right

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote; a line break always ends one (paragraphs, Q&A turns).
_BOUNDARY = re.compile(
    r"[.!?\n](?:(?<=\n)\s*|(?<!\n)[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9]))"
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


def sentence_starts(text: str) -> list[int]:
    """Offsets where the sentences of ``text`` start; the first is always 0."""
    starts = [0]
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == ".":  # (a class-first pattern: about twice as fast)
            i = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            token = text[i : match.start() + 1].lstrip("(\"'\u201c\u2018").lower()
            # "U.S." / "Gen." / an initial such as "J." do not end a sentence.
            if token in _ABBREVIATIONS or (len(token) == 2 and token[0].isalpha()):
                continue
        # A boundary with nothing but blanks since the last start opens no new sentence.
        if match.start() - starts[-1] <= 8 and not text[starts[-1] : match.start()].strip():
            continue
        if match.end() < len(text):
            starts.append(match.end())
    return starts


def sentence_number(starts: list[int], offset: int) -> int:
    """1-based number of the sentence containing ``offset``."""
    return bisect_right(starts, offset)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, in order."""
    starts = sentence_starts(text)
    ends = [*starts[1:], len(text)]
    return list(zip(starts, ends, strict=True))
