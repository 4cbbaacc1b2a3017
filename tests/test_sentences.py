"""Sentence starts: the fast splitter agrees with a plain one-pattern reference."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.extract.sentences import (
    _ABBREVIATIONS,
    sentence_number,
    sentence_starts,
)

# The rule written the obvious way (one pattern, every check per boundary, no gates): what
# sentence_starts must compute, only faster.
_REFERENCE_BOUNDARY = re.compile(
    r"[.!?\n](?:(?<=\n)\s*|(?<!\n)[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9]))"
)


def reference_starts(text: str) -> list[int]:
    starts = [0]
    for match in _REFERENCE_BOUNDARY.finditer(text):
        if text[match.start()] == ".":
            i = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            token = text[i : match.start() + 1].lstrip("(\"'\u201c\u2018").lower()
            if token in _ABBREVIATIONS or (len(token) == 2 and token[0].isalpha()):
                continue
        if match.start() - starts[-1] <= 8 and not text[starts[-1] : match.start()].strip():
            continue
        if match.end() < len(text):
            starts.append(match.end())
    return starts


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, from ``sentence_starts``."""
    starts = sentence_starts(text)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def test_periods_marks_and_line_breaks() -> None:
    text = 'He left. She stayed! Why? "Fine."\nNext line\n\n  Last one.'
    assert [text[a:b].strip() for a, b in split_sentences(text)] == [
        "He left.",
        "She stayed!",
        "Why?",
        '"Fine."',
        "Next line",
        "Last one.",
    ]


def test_abbreviations_initials_and_quoted_abbreviations_do_not_end_a_sentence() -> None:
    text = 'Mr. Li met J. Smith of the U.S. Navy ("Gen. Ray") at 5 p.m. Today. Then ("Dr. Who").'
    assert [text[a:b].strip() for a, b in split_sentences(text)] == [
        'Mr. Li met J. Smith of the U.S. Navy ("Gen. Ray") at 5 p.m. Today.',
        'Then ("Dr. Who").',
    ]


def test_long_words_and_short_words_before_a_period() -> None:
    # "approx." is the longest abbreviation (7 characters); "peace." and "Peacekeepers." are
    # ordinary words that do end a sentence.
    text = "About approx. Ten. War and peace. Peacekeepers. Calif. Roads. X"
    assert [text[a:b].strip() for a, b in split_sentences(text)] == [
        "About approx. Ten.",
        "War and peace.",
        "Peacekeepers.",
        "Calif. Roads.",
        "X",
    ]


def test_a_line_break_inside_a_period_boundary_is_one_boundary() -> None:
    text = "One.\n\nTwo.  \n  Three"
    assert sentence_starts(text) == [0, text.index("Two"), text.index("Three")]
    assert sentence_number(sentence_starts(text), text.index("Three")) == 3
    # The break belongs to the abbreviation's boundary, which is no sentence end.
    assert sentence_starts("Mr.\nSmith spoke.") == [0]


_PIECES = [
    *list(" \n\t.!?\"'()[]\u201c\u201d\u2018\u2019ABMmrUSaxz1\u00e9\u0130\u212a"),
    *("Mr.", "U.S.", "Gen.", "e.g.", "approx.", "calif.", "x.", "Peace.", "(\u201cDr.", "KY."),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_sentence_starts_equal_the_reference(text: str) -> None:
    assert sentence_starts(text) == reference_starts(text)
