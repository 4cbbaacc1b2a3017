"""``new_selection``: a chart's or table's selection counts once, not on every rerun."""

from __future__ import annotations

from typing import Any

from presswatch.ui.widgets import new_selection


def test_a_selection_is_new_once_then_not_on_the_reruns_that_follow() -> None:
    state: dict[str, Any] = {}
    points = [{"x": "2024-03-01", "curve_number": 0}]
    assert new_selection("k", points, [(0, "2024-03-01")], state=state) == points
    # The chart reports the same selection on every later run: the page must not copy it
    # into its pickers again (that would undo the reader's own picks).
    assert new_selection("k", points, [(0, "2024-03-01")], state=state) is None
    assert new_selection("k", points, [(0, "2024-03-01")], state=state) is None


def test_another_selection_is_new() -> None:
    state: dict[str, Any] = {}
    new_selection("k", [1], [1], state=state)
    assert new_selection("k", [2], [2], state=state) == [2]


def test_the_signature_decides_not_the_selection_object() -> None:
    state: dict[str, Any] = {}
    new_selection("k", [{"x": 1, "y": 5}], [1], state=state)
    # Same clicked coordinates with other details (a redrawn chart): not new.
    assert new_selection("k", [{"x": 1, "y": 6}], [1], state=state) is None


def test_an_empty_selection_is_never_new_but_clearing_then_reselecting_is() -> None:
    state: dict[str, Any] = {}
    assert new_selection("k", [], [], state=state) is None
    assert new_selection("k", None, None, state=state) is None
    assert new_selection("k", 7, 7, state=state) == 7
    assert new_selection("k", None, None, state=state) is None
    assert new_selection("k", 7, 7, state=state) == 7


def test_a_falsy_pick_is_still_a_pick() -> None:
    state: dict[str, Any] = {}
    assert new_selection("k", 0, 0, state=state) == 0


def test_keys_are_independent() -> None:
    state: dict[str, Any] = {}
    new_selection("a", [1], [1], state=state)
    assert new_selection("b", [1], [1], state=state) == [1]
