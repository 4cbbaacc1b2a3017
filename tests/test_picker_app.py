"""The sidebar's find boxes in AppTest: Enter adds the one best match, others are offered.

Uses the six-article database of test_app (every country and organisation of the
gazetteer is an entity there, so "China" could go wrong in all the ways it did).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_app import db_path, metric, new_app, ok, use_db

from presswatch.ui import sidebar

__all__ = ["db_path", "use_db"]  # pytest fixtures, used by name


def find(at: AppTest, key: str, text: str) -> AppTest:
    return ok(at.text_input(key=key + sidebar.FIND).input(text).run())


def chosen(at: AppTest, key: str) -> list[str]:
    return list(at.multiselect(key=key).value)


def test_enter_adds_exactly_the_named_country(use_db: Path) -> None:
    at = ok(new_app())
    find(at, sidebar.K_COUNTRY, "China")
    assert chosen(at, sidebar.K_COUNTRY) == ["CN"]
    assert at.query_params == {"country": "CN"}
    assert metric(at, "Articles") == "1"  # A2
    assert at.text_input(key=sidebar.K_COUNTRY + sidebar.FIND).value == ""


def test_codes_and_aliases_add_their_country(use_db: Path) -> None:
    at = ok(new_app())
    for text in ("USA", "UK", "Persia"):
        find(at, sidebar.K_COUNTRY, text)
    assert chosen(at, sidebar.K_COUNTRY) == ["US", "GB", "IR"]
    assert sorted(at.query_params["country"]) == ["GB", "IR", "US"]


def test_other_matches_are_offered_and_one_click_adds_one(use_db: Path) -> None:
    at = ok(new_app())
    find(at, sidebar.K_COUNTRY, "Niger")
    assert chosen(at, sidebar.K_COUNTRY) == ["NE"]
    pills = at.button_group(key=sidebar.K_COUNTRY + sidebar.MORE_PICK)
    assert list(pills.options) == ["Nigeria"]
    ok(pills.set_value("NG").run())
    assert chosen(at, sidebar.K_COUNTRY) == ["NE", "NG"]
    assert not [b for b in at.button_group if b.key == sidebar.K_COUNTRY + sidebar.MORE_PICK], (
        "nothing left to offer"
    )


def test_no_match_and_repeat_are_noted(use_db: Path) -> None:
    at = ok(new_app())
    find(at, sidebar.K_COUNTRY, "Atlantis")
    assert chosen(at, sidebar.K_COUNTRY) == []
    assert any("No country matches “Atlantis”" in c.value for c in at.caption)
    find(at, sidebar.K_COUNTRY, "Iran")
    find(at, sidebar.K_COUNTRY, "iran")
    assert chosen(at, sidebar.K_COUNTRY) == ["IR"]
    assert any("Iran is already chosen" in c.value for c in at.caption)


def test_organisations_and_sources_have_the_same_find_box(use_db: Path) -> None:
    at = ok(new_app())
    find(at, sidebar.K_ORG, "nato")
    assert chosen(at, sidebar.K_ORG) == ["org:NATO"]
    assert metric(at, "Articles") == "1"  # A3
    ok(at.button(key="pw_f_reset").click().run())
    find(at, sidebar.K_SOURCE, "news")  # a later word of "Beta News"
    assert chosen(at, sidebar.K_SOURCE) == ["Beta News"]
    assert at.query_params == {"source": "Beta News"}
    assert metric(at, "Articles") == "3"
