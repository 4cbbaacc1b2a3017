"""The URL is the view state (presswatch.ui.state): when a run adopts the address bar, how
page options read it leniently and write back only what differs from the defaults.

The pure helpers are called directly; what needs a session (``st.session_state`` and
``st.query_params``) runs a small page through Streamlit's AppTest, the way app.py's frame
calls it: read the URL, decide, draw the options, write the URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from streamlit.testing.v1 import AppTest

from presswatch import compare
from presswatch.filters import FILTER_KEYS, MAX_VALUE_CHARS, Filters, KnownValues
from presswatch.ui.state import Options, ViewState, canonical, parse_int

# --- pure helpers ---------------------------------------------------------------------------


def test_canonical_lists_every_value_and_drops_empty_keys() -> None:
    assert canonical({"n": "5", "pick": ["x", "y"], "none": []}) == {"n": ["5"], "pick": ["x", "y"]}
    assert canonical({"pick": ("a", "a")}) == {"pick": ["a", "a"]}  # repeats kept, in order
    assert canonical({}) == {}
    # The form write_url stores equals the form read_url returns for the same query string.
    assert canonical({"q": "joint drill"}) == {"q": ["joint drill"]}


def test_parse_int_takes_whole_numbers_in_range_only() -> None:
    parse = parse_int(0, 99)
    assert parse("0") == 0
    assert parse(" 42 ") == 42
    assert parse("99") == 99
    for bad in ("100", "-1", "4.5", "", "  ", "seven", "0x10", "1e3", "9" * 30, "\x00"):
        assert parse(bad) is None, bad


def _view(raw: dict[str, list[str]], consumed: Iterable[str] = ()) -> ViewState:
    options = Options(page="p", params=raw, adopt=True)
    options.consumed |= set(consumed)
    return ViewState(page="p", filters=Filters(), known=KnownValues(), options=options, raw=raw)


def test_unused_params_names_only_keys_nobody_reads() -> None:
    raw = {key: ["1"] for key in FILTER_KEYS}
    raw |= {"embed": ["true"], "embed_options": ["dark_theme"], "top": ["5"], "tpo": ["5"]}
    raw |= {"": ["x"], "<b>": ["1"]}
    view = _view(raw, consumed={"top"})
    assert view.unused_params() == ["tpo", "", "<b>"]
    assert _view({}).unused_params() == []


def test_unused_params_knows_only_the_slices_the_link_compares() -> None:
    known = KnownValues(sources=frozenset({"MFA"}))
    raw = {
        "cmp": ["1"],
        "a.label": ["Wire"],
        "b.label": ["Ministry"],
        "b.source": ["MFA"],
        "b.capitals": ["1"],  # capitals is A's for every slice: not a slice key
        "c.source": ["MFA"],  # cmp=1: there is no slice C
        "b": ["x"],  # a prefix alone is not a key
        "bsource": ["MFA"],
    }
    spec, _notes = compare.parse(raw, known)
    assert [s.key for s in spec.slices] == ["b"]
    view = _view(raw, consumed=compare.url_keys(spec))
    assert view.unused_params() == ["b.capitals", "c.source", "b", "bsource"]


def test_view_params_are_the_filters_then_the_page_options() -> None:
    view = _view({})
    view.filters = Filters(sources=("MFA",), text="drill")
    view.options.out = {"top": "5", "pick": ["x", "y"]}
    assert view.params() == {
        **Filters(sources=("MFA",), text="drill").to_query_params(),
        "top": "5",
        "pick": ["x", "y"],
    }
    assert _view({}).params() == {}  # a default view has an empty query string


# --- a page in a session --------------------------------------------------------------------


def _page() -> None:
    """A page as frame.begin/finish drive it, with one option of every kind."""
    import streamlit as st

    from presswatch.ui.state import Options, parse_int, read_url, should_adopt, write_url

    page = st.session_state.get("test_page", "one")
    raw = read_url()
    adopt = should_adopt(raw, page)
    opts = Options(page=page, params=raw, adopt=adopt)
    values = {
        "n": opts.integer("n", "Top N", 10, lo=1, hi=50),
        "mode": opts.choice("mode", "Mode", ["lines", "bars", "area"], "lines"),
        "raw": opts.flag("raw", "Raw counts"),
        "find": opts.text("find", "Find", max_chars=30),
        "day": opts.day("day", "Day", None),
        "pick": opts.choices("pick", "Pick", ["x", "y", "z"], max_selections=2),
        "sel": opts.hidden("sel", 0, parse_int(0, 99), str),
    }
    if st.button("select 5", key="test_select"):
        opts.set_hidden("sel", 5, 0, str)
        values["sel"] = 5
    st.session_state["test_result"] = {
        "adopt": adopt,
        "values": values,
        "notes": list(opts.notes),
        "out": dict(opts.out),
    }
    write_url(opts.out, page, raw)


DEFAULTS: dict[str, Any] = {
    "n": 10,
    "mode": "lines",
    "raw": False,
    "find": "",
    "day": None,
    "pick": [],
    "sel": 0,
}

SET: dict[str, str | list[str]] = {
    "n": "25",
    "mode": "bars",
    "raw": "1",
    "find": "joint drill",
    "day": "2022-03-04",
    "pick": ["x", "z"],
    "sel": "7",
}
SET_VALUES = {
    "n": 25,
    "mode": "bars",
    "raw": True,
    "find": "joint drill",
    "day": date(2022, 3, 4),
    "pick": ["x", "z"],
    "sel": 7,
}


def _open(params: dict[str, str | list[str]] | None = None, page: str = "one") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["test_page"] = page
    if params:
        at.query_params.update(params)
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _result(at: AppTest) -> dict[str, Any]:
    result = at.session_state["test_result"]
    assert isinstance(result, dict)
    return result


def test_a_fresh_session_with_no_query_string_shows_defaults_and_writes_nothing() -> None:
    at = _open()
    result = _result(at)
    assert result["adopt"] is True
    assert result["values"] == DEFAULTS
    assert result["notes"] == [] and result["out"] == {}
    assert at.query_params == {}


def test_a_link_round_trips_every_kind_of_option() -> None:
    at = _open(SET)
    result = _result(at)
    assert result["adopt"] is True
    assert result["values"] == SET_VALUES
    assert result["notes"] == []
    assert at.query_params == SET  # the address bar reproduces the link
    # The written URL, opened in a new session, gives the same view.
    again = _open(dict(at.query_params))
    assert _result(again)["values"] == SET_VALUES
    assert again.query_params == SET


def test_values_equal_to_the_defaults_are_left_out_of_the_url() -> None:
    link: dict[str, str | list[str]] = {"n": "10", "mode": "lines", "raw": "0", "find": ""}
    link |= {"sel": "0", "pick": []}
    at = _open(link)
    result = _result(at)
    assert result["values"] == DEFAULTS
    assert result["notes"] == []
    assert at.query_params == {}


HOSTILE: list[tuple[str, str | list[str]]] = [
    ("n", "999"),
    ("n", "-3"),
    ("n", "ten"),
    ("n", "1" * 5000),
    ("n", ["5", "6"]),  # repeated: the last is used, with a note
    ("mode", "<script>alert(1)</script>"),
    ("mode", "line"),
    ("raw", "maybe"),
    ("find", "a\x00b"),
    ("find", "x" * 31),
    ("day", "2022-13-45"),
    ("day", "1700-01-01"),
    ("day", "yesterday"),
    ("pick", ["x", "nope", "y"]),
    ("pick", ["x", "y", "z"]),  # more than max_selections
    ("sel", "-1"),
    ("sel", "abc"),
    ("sel", "7" * (MAX_VALUE_CHARS + 1)),
]


def test_a_garbled_value_gives_a_note_and_a_valid_value() -> None:
    # One session for all of them: each new query string is adopted like a fresh link.
    at = _open()
    for key, value in HOSTILE:
        at.query_params = {key: value}
        _run(at)
        result = _result(at)
        where = f"{key}={value!r:.40}: {result}"
        assert result["adopt"] is True, where
        # The note names the option (by its key, or by its label, which these keys spell).
        assert any(key in note.lower() for note in result["notes"]), where
        # Every option holds a value of its kind; the others kept their defaults.
        values = result["values"]
        others = {k: v for k, v in values.items() if k != key}
        assert others == {k: v for k, v in DEFAULTS.items() if k != key}, where
        assert 1 <= values["n"] <= 50, where
        assert values["mode"] in ("lines", "bars", "area"), where
        assert isinstance(values["raw"], bool), where
        assert isinstance(values["find"], str) and "\x00" not in values["find"], where
        assert len(values["find"]) <= 30, where
        day = values["day"]
        assert day is None or date(1800, 1, 1) <= day <= date(2200, 12, 31), where
        assert set(values["pick"]) <= {"x", "y", "z"} and len(values["pick"]) <= 2, where
        assert 0 <= values["sel"] <= 99, where
        # Whatever survived is written back in canonical form; nothing hostile is echoed.
        written = str(at.query_params)
        assert "<script>" not in written and "\x00" not in written, where


def test_garbled_values_that_still_mean_something_are_used() -> None:
    at = _open(
        {"n": ["5", "6"], "mode": " BARS ", "find": "x" * 40, "pick": ["x", "nope", "y", "z"]}
    )
    values = _result(at)["values"]
    assert values["n"] == 6  # the last of a repeated key
    assert values["mode"] == "bars"  # a choice is matched ignoring case and spaces
    assert values["find"] == "x" * 30  # cut to the option's limit
    assert values["pick"] == ["x", "y"]  # unknown dropped, then the first two
    assert at.query_params == {"n": "6", "mode": "bars", "find": "x" * 30, "pick": ["x", "y"]}


def test_widget_changes_write_the_url_and_back_to_default_removes_the_key() -> None:
    at = _open()
    at.slider(key="pw_one_n").set_value(30)
    _run(at)
    assert _result(at)["adopt"] is False  # the URL is ours: the widgets are the truth
    assert at.query_params == {"n": "30"}
    at.checkbox(key="pw_one_raw").check()
    at.text_input(key="pw_one_find").input("  drill  ")
    _run(at)
    assert at.query_params == {"n": "30", "raw": "1", "find": "drill"}
    at.slider(key="pw_one_n").set_value(10)
    _run(at)
    assert at.query_params == {"raw": "1", "find": "drill"}


def test_hidden_state_set_by_a_click_goes_into_the_url() -> None:
    at = _open()
    at.button(key="test_select").click()
    _run(at)
    assert at.query_params == {"sel": "5"}
    _run(at)  # the next run reads it back from the session, not the click
    assert _result(at)["values"]["sel"] == 5
    assert at.query_params == {"sel": "5"}


def test_a_rerun_with_our_own_url_does_not_adopt_it_again() -> None:
    at = _open({"n": "25"})
    assert _result(at)["adopt"] is True
    _run(at)
    result = _result(at)
    assert result["adopt"] is False
    assert result["values"]["n"] == 25 and result["notes"] == []


def test_a_url_changed_behind_our_back_is_adopted() -> None:
    # Browser history (back/forward) changes the query string without a widget change.
    at = _open({"n": "25", "mode": "bars"})
    at.query_params = {"n": "40"}
    _run(at)
    result = _result(at)
    assert result["adopt"] is True
    assert result["values"]["n"] == 40
    assert result["values"]["mode"] == "lines"  # absent from the new link: its default
    assert at.query_params == {"n": "40"}


def test_a_page_switch_that_clears_the_query_string_keeps_each_pages_options() -> None:
    at = _open({"n": "25"})
    # Streamlit clears the query string on a page switch.
    at.session_state["test_page"] = "two"
    at.query_params = {}
    _run(at)
    result = _result(at)
    assert result["adopt"] is False
    assert result["values"] == DEFAULTS  # page two has its own options
    at.slider(key="pw_two_n").set_value(3)
    _run(at)
    assert at.query_params == {"n": "3"}
    # Back on page one, with the query string cleared again: page one's choice is remembered.
    at.session_state["test_page"] = "one"
    at.query_params = {}
    _run(at)
    result = _result(at)
    assert result["adopt"] is False
    assert result["values"]["n"] == 25
    assert at.query_params == {"n": "25"}


def test_clearing_the_query_string_on_the_same_page_resets_the_view() -> None:
    # The same page with an empty query string is a request for the default view (a link
    # without parameters), not a page switch.
    at = _open({"n": "25"})
    at.query_params = {}
    _run(at)
    result = _result(at)
    assert result["adopt"] is True
    assert result["values"] == DEFAULTS
    assert at.query_params == {}
