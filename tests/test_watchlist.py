"""Watch lists: pattern syntax, leftmost-longest matching, file validation, fingerprint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.extract.watchlist import (
    WatchGroup,
    WatchlistMatcher,
    compile_pattern,
    load_watchlists,
)


def spans(patterns: list[str], text: str, label: str = "G") -> list[str]:
    """The matched surface strings of one group."""
    matcher = WatchlistMatcher([WatchGroup(label, tuple(patterns))])
    return [text[start:end] for _label, start, end in matcher.find(text)]


# --- pattern syntax -----------------------------------------------------------------------


def test_plain_phrase_is_case_insensitive() -> None:
    text = "Both navies held a PEACE MISSION drill and a peace mission rehearsal."
    assert spans(["Peace Mission"], text) == ["PEACE MISSION", "peace mission"]


def test_phrase_matches_across_line_breaks_and_runs_of_spaces() -> None:
    text = "They announced a joint\n    exercise and a joint  \t exercise."
    assert spans(["joint exercise"], text) == ["joint\n    exercise", "joint  \t exercise"]


def test_whole_words_only_without_wildcard() -> None:
    text = "He exercised restraint; the exercise went ahead; exercises resume."
    assert spans(["exercise"], text) == ["exercise"]


def test_word_boundary_blocks_a_match_inside_a_longer_word() -> None:
    assert spans(["arms control"], "Firearms control laws and arms control talks.") == [
        "arms control"
    ]


def test_hyphen_and_apostrophe_end_a_word() -> None:
    text = "The anti-sanctions lobby and the sanctions' effect."
    assert spans(["sanctions"], text) == ["sanctions", "sanctions"]


def test_wildcard_takes_word_characters() -> None:
    text = "Joint exercises, a joint exercise and joint exercising."
    assert spans(["joint exercise*"], text) == ["Joint exercises", "joint exercise"]


def test_wildcard_takes_hyphens_and_digits() -> None:
    text = "The Maritime Joint-2022 drills followed Maritime Joint-2021."
    assert spans(["Maritime Joint-*"], text) == ["Maritime Joint-2022", "Maritime Joint-2021"]


def test_wildcard_in_the_middle_and_at_the_start() -> None:
    text = "defence aid, defense aid and US-led talks, UN-led missions"
    assert spans(["defen* aid"], text) == ["defence aid", "defense aid"]
    assert spans(["*-led"], text) == ["US-led", "UN-led"]


def test_leading_wildcard_takes_the_whole_hyphenated_word() -> None:
    # Linear time on such texts is checked by `bench/bench_detect.py --watchlist-only --check`.
    assert spans(["*-led"], "the anti-US-led coalition") == ["anti-US-led"]
    hostile = "a-" * 5_000
    assert spans(["*-led"], hostile) == []
    assert spans(["*-led"], hostile + " US-led") == ["US-led"]
    assert spans(["*-led"], hostile + "led") == [hostile + "led"]
    assert spans(["*-led"], "x" + hostile + "led, UN-led") == ["x" + hostile + "led", "UN-led"]


def test_regex_pattern_is_case_insensitive_and_not_word_wrapped() -> None:
    text = "Troops joined ZAPAD-2021 and Vostok 2018 but not Vostok-18."
    pattern = r"re:\b(?:Vostok|Zapad)[- ](?:19|20)\d\d\b"
    assert spans([pattern], text) == ["ZAPAD-2021", "Vostok 2018"]
    assert spans(["re:sanction"], "desanctioned") == ["sanction"]


def test_regex_can_be_made_case_sensitive_inline() -> None:
    text = "A new start for New START talks."
    assert spans([r"re:\b(?-i:New START)\b"], text) == ["New START"]


def test_offsets_point_at_the_surface_text() -> None:
    text = "Straße closed. Then the joint EXERCISES began; joint patrols followed."
    matcher = WatchlistMatcher([WatchGroup("J", ("joint exercise*", "joint patrol*"))])
    found = matcher.find(text)
    assert [text[s:e] for _l, s, e in found] == ["joint EXERCISES", "joint patrols"]
    assert found[0][1] == text.index("joint EXERCISES")


def test_casefold_changes_length_before_a_match() -> None:
    # "ß" and "İ" casefold to two characters; offsets must still be those of the original.
    text = "İstanbul Straße: NATO peacekeepers and peace-keeping forces."
    assert spans(["peacekeep*", "peace-keep*"], text) == ["peacekeepers", "peace-keeping"]


# --- leftmost-longest within a group, independence across groups ---------------------------


def test_longest_pattern_wins_at_the_same_start() -> None:
    text = "The Peace Mission-2021 exercise."
    assert spans(["Peace Mission", "Peace Mission-*"], text) == ["Peace Mission-2021"]


def test_leftmost_match_wins_over_an_overlapping_later_one() -> None:
    text = "a combined exercise Peace Mission today"
    assert spans(["exercise Peace", "Peace Mission"], text) == ["exercise Peace"]


def test_later_match_after_a_dropped_overlap_is_still_found() -> None:
    # "b c" overlaps "a b" and is dropped, but "c d" starting inside it must still count.
    assert spans(["a b", "b c d", "c d"], "a b c d") == ["a b", "c d"]


def test_groups_match_independently_and_results_are_sorted() -> None:
    matcher = WatchlistMatcher(
        [
            WatchGroup("Sanctions", ("sanction*", "arms embargo")),
            WatchGroup("Arms", ("arms embargo", "arms sale*")),
        ]
    )
    text = "An arms embargo and new sanctions; arms sales stopped."
    found = matcher.find(text)
    assert found == sorted(found, key=lambda item: (item[1], item[2], item[0]))
    assert [(label, text[s:e]) for label, s, e in found] == [
        ("Arms", "arms embargo"),
        ("Sanctions", "arms embargo"),
        ("Sanctions", "sanctions"),
        ("Arms", "arms sales"),
    ]


def test_duplicate_patterns_do_not_duplicate_matches() -> None:
    assert spans(["NPT", "npt", "NPT"], "The NPT review.") == ["NPT"]


def test_empty_inputs() -> None:
    assert WatchlistMatcher([]).find("joint exercise") == []
    assert WatchlistMatcher([WatchGroup("G", ("joint exercise",))]).find("") == []


# --- a brute-force reference: the matcher's shortcuts must not change the result -------------

_WORDS = ["joint", "Joint", "exercise", "exercises", "Peace", "MISSION", "mission-2021",
          "aid", "defence", "İ", "ß", "x"]  # fmt: skip
_PATTERNS = ["joint exercise*", "joint", "exercise* peace", "Peace Mission*", "defen* aid",
             "*ssion", r"re:\b(?:joint|peace)\s+\w+", "re:ss", "mission-*"]  # fmt: skip


def _reference(patterns: list[str], text: str) -> list[tuple[int, int]]:
    """Leftmost-longest by trying every pattern at every position."""
    compiled = [compile_pattern(p) for p in patterns]
    result, pos = [], 0
    while pos < len(text):
        ends = [m.end() for c in compiled if (m := c.match(text, pos)) and m.end() > pos]
        if ends:
            result.append((pos, max(ends)))
            pos = max(ends)
        else:
            pos += 1
    return result


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), max_size=14),
    seps=st.lists(st.sampled_from([" ", "\n", "  ", "-", ", ", ""]), min_size=14, max_size=14),
    chosen=st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=4, unique=True),
)
def test_matcher_equals_brute_force_reference(
    words: list[str], seps: list[str], chosen: list[str]
) -> None:
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    found = WatchlistMatcher([WatchGroup("G", tuple(chosen))]).find(text)
    assert [(s, e) for _l, s, e in found] == _reference(chosen, text)


# --- validation and files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty pattern"),
        ("*", "at least one letter or digit"),
        ("re:(unclosed", "invalid regex"),
        ("re:(a+)+$", "nested repeats"),
        (r"re:(?:\w+\s?)*x", "nested repeats"),
        ("re:(?:a|ab)*c", "alternatives"),
        (r"re:(\w)\1", "backreferences"),
        ("re:x?", "empty text"),
        ("re:" + "a" * 201, "longer than 200"),
    ],
)
def test_bad_patterns_are_rejected_with_a_reason(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        compile_pattern(pattern)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "watchlists.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('colour = "red"\n', "unknown top-level key(s) ['colour']"),
        ('[[group]]\nlabel = "A"\npatterns = ["x"]\ncolour = 1\n', "unknown key(s) ['colour']"),
        ('[[group]]\nlabel = "A"\npatterns = []\n', "group 'A': empty group"),
        ('[[group]]\nlabel = "A"\n', "'patterns' must be a list of strings"),
        ('[[group]]\nlabel = "A"\npatterns = "x"\n', "'patterns' must be a list of strings"),
        ('[[group]]\nlabel = ""\npatterns = ["x"]\n', "'label' must be a non-empty string"),
        ("[[group]]\nlabel = 'A'\npatterns = ['re:(a+)+']\n", "pattern 're:(a+)+': unsafe regex"),
        ("[[group]]\nlabel = 'A'\npatterns = ['re:[z-a]']\n", "invalid regex"),
        (
            '[[group]]\nlabel = "A"\npatterns = ["x"]\n[[group]]\nlabel = "A"\npatterns = ["y"]\n',
            "duplicate label",
        ),
        ('group = "A"\n', "must be written as [[group]] tables"),
        ("[[group]\n", "not valid TOML"),
    ],
)
def test_bad_files_give_clear_messages(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        load_watchlists(path)
    assert str(path) in str(info.value)


def test_default_file_loads_with_the_documented_groups() -> None:
    groups = {g.label: g for g in load_watchlists()}
    assert {"Joint exercises", "Arms control", "Peacekeeping", "Sanctions", "Military aid"} <= set(
        groups
    )
    joint = groups["Joint exercises"].patterns
    assert {"joint exercise*", "Maritime Joint-*", "Peace Mission", "joint patrol*"} <= set(joint)
    matcher = WatchlistMatcher(list(groups.values()))
    text = "China and Russia began Maritime Joint-2022, a joint naval exercise, amid sanctions."
    labels = [label for label, _s, _e in matcher.find(text)]
    assert labels.count("Joint exercises") == 2
    assert "Sanctions" in labels


def test_matcher_refuses_duplicate_labels() -> None:
    with pytest.raises(ValueError, match="duplicate group labels"):
        WatchlistMatcher([WatchGroup("A", ("x",)), WatchGroup("A", ("y",))])


def test_matcher_reports_the_group_of_a_bad_pattern() -> None:
    with pytest.raises(ValueError, match="group 'Bad': pattern 're:\\(a\\*\\)\\*'"):
        WatchlistMatcher([WatchGroup("Bad", ("re:(a*)*",))])


# --- fingerprint --------------------------------------------------------------------------


def test_fingerprint_is_stable_and_tracks_meaning() -> None:
    base = [WatchGroup("A", ("x", "y")), WatchGroup("B", ("z",))]
    fp = WatchlistMatcher(base).fingerprint()
    assert fp == WatchlistMatcher(base).fingerprint()
    # Order of groups or patterns does not change what is matched, nor the fingerprint.
    reordered = [WatchGroup("B", ("z",)), WatchGroup("A", ("y", "x"))]
    assert WatchlistMatcher(reordered).fingerprint() == fp
    assert WatchlistMatcher([WatchGroup("A", ("x", "y*")), base[1]]).fingerprint() != fp
    assert WatchlistMatcher([WatchGroup("A2", ("x", "y")), base[1]]).fingerprint() != fp
    assert WatchlistMatcher(base[:1]).fingerprint() != fp
