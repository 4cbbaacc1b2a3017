"""The URL is the state: when to take the view from the address bar, and page options.

Each run compares the query string the browser sent with the one this session last wrote.

* First run of a session (a shared link, a bookmark, a reload) or a query string that
  changed behind our back (browser history): *adopt* it — parse it leniently into
  Filters and page options, seed the widgets from it, and show a note for every value
  that fell back to its default.
* Otherwise the widgets (in ``st.session_state``) are the truth. Streamlit clears the
  query string when the user switches pages; that is not a request to reset the view,
  so an empty query string right after a page switch keeps the current filters.

At the end of the run the Filters and the page's options are written back to the URL, so
the address bar (and the page's "copy link" box) always reproduces the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from presswatch.filters import FILTER_KEYS, MAX_VALUE_CHARS, Filters, KnownValues, ParamReader

T = TypeVar("T")
ParamDict = dict[str, list[str]]

URL_KEY = "_pw_url"  # the query string we last wrote (canonical form)
PAGE_KEY = "_pw_page"  # the page of the previous run
NOTES_KEY = "_pw_notes"  # notes from the last adoption, shown until the view changes
MEMORY_KEY = "_pw_memory"  # page options per page, kept while the user visits other pages


def canonical(params: Mapping[str, str | Sequence[str]]) -> ParamDict:
    """Params as {key: [values]} with empty keys dropped, for comparing query strings."""
    out: ParamDict = {}
    for key, value in params.items():
        values = [value] if isinstance(value, str) else [str(v) for v in value]
        if values:
            out[str(key)] = values
    return out


def read_url() -> ParamDict:
    """The query string of this run, repeated keys kept."""
    qp = st.query_params
    return {key: list(qp.get_all(key)) for key in qp}


def should_adopt(raw: ParamDict, page: str) -> bool:
    """True when this run must take its state from the URL (see the module docstring)."""
    last = st.session_state.get(URL_KEY)
    if last is None:
        return True
    if raw == last:
        return False
    last_page = st.session_state.get(PAGE_KEY)
    # A page switch clears the query string: keep the session's view.
    return not (last_page is not None and last_page != page and not raw)


def write_url(params: Mapping[str, str | Sequence[str]], page: str, current: ParamDict) -> None:
    """Put the view into the address bar (only when it changed) and remember it."""
    wanted = canonical(params)
    if wanted != current:
        st.query_params.from_dict(wanted)
    st.session_state[URL_KEY] = wanted
    st.session_state[PAGE_KEY] = page


def _short(value: object) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


@dataclass
class Options:
    """Page options bound to the URL: each helper seeds its widget, draws it, records it.

    Widget keys are ``pw_<page>_<param>``. Values are seeded from the URL when the run
    adopts it, else from what the user chose on an earlier visit to the page, else the
    default; they are written back only when they differ from the default.
    """

    page: str
    params: ParamDict
    adopt: bool
    notes: list[str] = field(default_factory=list)
    out: dict[str, str | list[str]] = field(default_factory=dict)
    consumed: set[str] = field(default_factory=set)  # URL keys this page read

    def __post_init__(self) -> None:
        self.reader = ParamReader(self.params)

    # ------------------------------------------------------------------ plumbing

    def wkey(self, key: str) -> str:
        """The session-state key of a page option's widget."""
        return f"pw_{self.page}_{key}"

    def _memory(self) -> dict[str, Any]:
        memory: dict[str, dict[str, Any]] = st.session_state.setdefault(MEMORY_KEY, {})
        return memory.setdefault(self.page, {})

    def _seed(
        self,
        key: str,
        default: T,
        from_url: Callable[[ParamReader], T],
        valid: Callable[[Any], bool],
    ) -> str:
        wkey = self.wkey(key)
        self.consumed.add(key)
        ss = st.session_state
        if self.adopt:
            before = len(self.reader.notes)
            value = from_url(self.reader)
            self.notes.extend(self.reader.notes[before:])
            ss[wkey] = value if valid(value) else default
        elif wkey not in ss:
            remembered = self._memory().get(key, default)
            ss[wkey] = remembered if valid(remembered) else default
        elif not valid(ss[wkey]):
            ss[wkey] = default
        return wkey

    def _record(self, key: str, value: Any, default: Any, serial: str | list[str]) -> None:
        self._memory()[key] = value
        if value != default:
            self.out[key] = serial
        else:
            self.out.pop(key, None)

    # ------------------------------------------------------------------ widgets

    def choice(
        self,
        key: str,
        label: str,
        options: Sequence[str],
        default: str,
        *,
        widget: str = "radio",
        format_func: Callable[[str], str] = str,
        help: str | None = None,
        container: Any = None,
    ) -> str:
        """One value from a fixed list (radio, selectbox or segmented control)."""
        where = container if container is not None else st
        opts = list(options)
        if default not in opts:
            opts = [default, *opts]
        wkey = self._seed(
            key,
            default,
            lambda r: r.get_choice(key, opts, default),
            lambda v: v in opts,
        )
        if widget == "select":
            value = where.selectbox(label, opts, key=wkey, format_func=format_func, help=help)
        elif widget == "segmented":
            value = where.segmented_control(
                label, opts, key=wkey, format_func=format_func, help=help, selection_mode="single"
            )
            if value is None:  # segmented controls can be deselected; keep a value
                value = default
        else:
            value = where.radio(
                label, opts, key=wkey, format_func=format_func, help=help, horizontal=True
            )
        self._record(key, value, default, str(value))
        return str(value)

    def choices(
        self,
        key: str,
        label: str,
        options: Sequence[str],
        *,
        format_func: Callable[[str], str] = str,
        max_selections: int | None = None,
        help: str | None = None,
        placeholder: str | None = None,
    ) -> list[str]:
        """Any number of values from a list (multiselect; repeated URL key)."""
        allowed = list(options)
        allowed_set = set(allowed)

        def from_url(r: ParamReader) -> list[str]:
            picked = r.get_choices(key, allowed_set, label=label.lower())
            if max_selections is not None and len(picked) > max_selections:
                self.notes.append(f"Only the first {max_selections} of '{key}' were used.")
                picked = picked[:max_selections]
            return picked

        empty: list[str] = []
        wkey = self._seed(key, empty, from_url, lambda v: isinstance(v, list))
        current = st.session_state[wkey]
        kept = [v for v in current if v in allowed_set]
        if kept != current:  # a stale choice (e.g. after a filter change) must not crash
            st.session_state[wkey] = kept
        value = st.multiselect(
            label,
            allowed,
            key=wkey,
            format_func=format_func,
            max_selections=max_selections,
            help=help,
            placeholder=placeholder,
            # Not the default fuzzy subsequence filter ("Iran" offered Ireland) nor its
            # "Select N matches" first row: Enter picks the first name the text begins.
            filter_mode="prefix",
            select_all=False,
        )
        self._record(key, list(value), [], list(value))
        return list(value)

    def integer(
        self,
        key: str,
        label: str,
        default: int,
        *,
        lo: int,
        hi: int,
        step: int = 1,
        widget: str = "slider",
        help: str | None = None,
    ) -> int:
        """A whole number in [lo, hi] (slider or number input)."""
        wkey = self._seed(
            key,
            default,
            lambda r: r.get_int(key, default, lo=lo, hi=hi),
            lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi,
        )
        if widget == "number":
            value = st.number_input(
                label, min_value=lo, max_value=hi, step=step, key=wkey, help=help
            )
        else:
            value = st.slider(label, min_value=lo, max_value=hi, step=step, key=wkey, help=help)
        value = int(value)
        self._record(key, value, default, str(value))
        return value

    def flag(self, key: str, label: str, default: bool = False, *, help: str | None = None) -> bool:
        """A checkbox (URL value 1 / 0)."""
        wkey = self._seed(
            key, default, lambda r: r.get_bool(key, default), lambda v: isinstance(v, bool)
        )
        value = bool(st.checkbox(label, key=wkey, help=help))
        self._record(key, value, default, "1" if value else "0")
        return value

    def text(
        self,
        key: str,
        label: str,
        default: str = "",
        *,
        max_chars: int = MAX_VALUE_CHARS,
        help: str | None = None,
        placeholder: str | None = None,
    ) -> str:
        """Free text, printable and bounded."""
        wkey = self._seed(
            key,
            default,
            lambda r: r.get_text(key, default, max_chars=max_chars),
            lambda v: isinstance(v, str) and len(v) <= max_chars,
        )
        value = st.text_input(
            label, key=wkey, max_chars=max_chars, help=help, placeholder=placeholder
        ).strip()
        self._record(key, value, default, value)
        return value

    def day(
        self, key: str, label: str, default: date | None, *, help: str | None = None
    ) -> date | None:
        """A date (or none), YYYY-MM-DD in the URL."""
        wkey = self._seed(
            key,
            default,
            lambda r: r.get_date(key, default, label=label.lower()),
            lambda v: v is None or isinstance(v, date),
        )
        value = st.date_input(
            label,
            key=wkey,
            min_value=date(1800, 1, 1),
            max_value=date(2200, 12, 31),
            help=help,
            format="YYYY-MM-DD",
        )
        picked = value if isinstance(value, date) else None
        self._record(key, picked, default, picked.isoformat() if picked else "")
        return picked

    # ------------------------------------------------------------------ hidden state

    def hidden(
        self, key: str, default: T, parse: Callable[[str], T | None], serial: Callable[[T], str]
    ) -> T:
        """State without its own widget (a selected article, period or cell), URL-bound.

        ``parse`` returns None for an invalid URL value (noted, default used).
        """
        store = self._memory()
        state_key = f"hidden:{key}"
        self.consumed.add(key)
        if self.adopt:
            raw = self.reader.params.get(key)
            value: T = default
            if raw:
                text = raw[-1] if isinstance(raw, list) else raw
                parsed = parse(text) if len(text) <= MAX_VALUE_CHARS else None
                if parsed is None:
                    self.notes.append(f"Ignored {key}={_short(text)}: not valid here.")
                else:
                    value = parsed
            store[state_key] = value
        value = store.get(state_key, default)
        self._set_hidden_out(key, value, default, serial)
        return value

    def set_hidden(self, key: str, value: T, default: T, serial: Callable[[T], str]) -> None:
        """Change a hidden option (e.g. after a click on a chart or a table row)."""
        self._memory()[f"hidden:{key}"] = value
        self._set_hidden_out(key, value, default, serial)

    def _set_hidden_out(
        self, key: str, value: Any, default: Any, serial: Callable[[Any], str]
    ) -> None:
        if value != default and value is not None:
            self.out[key] = serial(value)
        else:
            self.out.pop(key, None)


def parse_int(lo: int, hi: int) -> Callable[[str], int | None]:
    """A parser for ``Options.hidden``: a whole number in [lo, hi]."""

    def parse(text: str) -> int | None:
        text = text.strip()
        if len(text) > 20:
            return None
        try:
            value = int(text)
        except ValueError:
            return None
        return value if lo <= value <= hi else None

    return parse


@dataclass
class ViewState:
    """What the frame hands to the page: filters, options, notes and where to write them."""

    page: str
    filters: Filters
    known: KnownValues
    options: Options
    raw: ParamDict
    notes: list[str] = field(default_factory=list)

    def params(self) -> dict[str, str | list[str]]:
        """Everything that goes into the URL for this view."""
        return {**self.filters.to_query_params(), **self.options.out}

    def unused_params(self) -> list[str]:
        """URL keys neither the filters nor this page know (a link from elsewhere, a typo)."""
        known = set(FILTER_KEYS) | self.options.consumed | {"embed", "embed_options"}
        return [key for key in self.raw if key not in known]
