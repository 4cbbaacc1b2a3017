"""The detector's cheap gates change nothing: each agrees with the plain rule it guards."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.extract import context as ctx
from presswatch.extract.detect import Detector, all_caps_lines, is_all_caps
from presswatch.extract.gazetteer import load_gazetteer
from presswatch.extract.watchlist import WatchGroup, WatchlistMatcher
from presswatch.settings import DATA_DIR


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(load_gazetteer(DATA_DIR))


def reference_caps_lines(text: str) -> list[tuple[int, int]]:
    """all_caps_lines written plainly: every line of 8+ characters through is_all_caps."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        if len(line) >= 8 and is_all_caps(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def test_caps_lines_with_a_few_lower_case_letters_and_short_lines() -> None:
    text = "McDONALD'S WINS VOTE\nABCDEFGH\nABCDEFG\nThe end of it.\nÉTATS-UNIS ET CHINE"
    assert all_caps_lines(text) == reference_caps_lines(text)
    assert [text[a:b] for a, b in all_caps_lines(text)] == [
        "McDONALD'S WINS VOTE",
        "ABCDEFGH",
        "ÉTATS-UNIS ET CHINE",
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ABCDEFGH aeb\n.,'É", "HELLO ", "Mc", "ea"]), max_size=60))
def test_caps_lines_equal_the_reference(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert all_caps_lines(text) == reference_caps_lines(text)


def test_gate_word_lists_build_the_patterns() -> None:
    # The gates in the detector's rules (Detector._RULES) test these lists instead of
    # running the patterns.
    for word in ctx.STRONG_LOCAL_AFTER_WORDS + ctx.WEAK_LOCAL_AFTER_WORDS:
        assert ctx.STRONG_LOCAL_AFTER.match(" " + word) or ctx.WEAK_LOCAL_AFTER.match(" " + word)
        assert word[0] in ctx.LOCAL_AFTER_INITIALS
    for ending in ctx.TOWN_NAME_ENDINGS:
        assert ctx.TOWN_NAME_BEFORE.search(ending + " ")
    for word in ctx.CONGO_REPUBLIC_WORDS:
        assert ctx.CONGO_REPUBLIC_CUES.search(f"in {word}.")


def test_gated_local_rules_still_fire(det: Detector) -> None:
    cases = {
        "The Peru County fair opened.": set(),  # STRONG_LOCAL_AFTER (a US town)
        "Traffic on Malta  Road was slow.": set(),  # WEAK_LOCAL_AFTER after two blanks
        "Officials of the City of Turkey met.": set(),  # TOWN_NAME_BEFORE
        "Dinner in Little Italy was late.": set(),  # NEIGHBOURHOOD_BEFORE
        "Congo's President Sassou Nguesso spoke.": {"CG"},  # CONGO_REPUBLIC_CUES
        "Congo's President Tshisekedi spoke.": {"CD"},
    }
    for text, expected in cases.items():
        found = {m.entity_id for m in det.detect(text) if m.kind == "country"}
        assert found == expected, text


def test_detector_and_matcher_survive_pickling(det: Detector) -> None:
    matcher = WatchlistMatcher([WatchGroup("Drills", ("joint drill*", "re:\\bVostok-\\d+"))])
    detector = Detector(det.gazetteer, matcher)
    text = "Joint drills with China near Tbilisi, Georgia; VOSTOK-2018 followed."
    clone = pickle.loads(pickle.dumps(detector))
    assert clone.detect(text, "CHINA AND RUSSIA HOLD DRILLS") == detector.detect(
        text, "CHINA AND RUSSIA HOLD DRILLS"
    )
    assert [m.kind for m in clone.detect(text)].count("term") == 2


def reference_candidates(det: Detector, haystack: str) -> list[tuple[int, int, int]]:
    """Every form's every occurrence on word boundaries, found with str.find."""
    found: dict[tuple[int, int], int] = {}
    for index, entry in enumerate(det._entries):
        form = entry.form
        start = haystack.find(form)
        while start >= 0:
            end = start + len(form)
            if not (form[0].isalnum() and start > 0 and haystack[start - 1].isalnum()) and not (
                form[-1].isalnum() and end < len(haystack) and haystack[end].isalnum()
            ):
                found.setdefault((start, -end), index)  # a repeated form keeps its first entry
            start = haystack.find(form, start + 1)
    return sorted((start, neg_end, index) for (start, neg_end), index in found.items())


_TEXT_PIECES = [
    *("China", "Chinese", "South China Sea", "Papua New Guinea", "Guinea", "US", "USA", "UK"),
    *("Niger", "Nigeria", "Georgia", "Korea", "Congo", "Sino", "-", " ", ",", ".", "é", "x"),
    *("Japan", "ese", "\u2019", "Côte d'Ivoire", "United States", "of America", "EU", "NATO"),
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_TEXT_PIECES), max_size=12).map("".join))
def test_automaton_finds_every_form_on_word_boundaries(det: Detector, text: str) -> None:
    raw: list[tuple[int, int, int]] = []
    det._candidates(text, False, 0, raw)
    assert sorted(raw) == reference_candidates(det, text)
