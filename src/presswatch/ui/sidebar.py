"""The shared sidebar: the filter widgets every page shares, read into one Filters value.

Sources, countries and organisations each get a multiselect (the current choice; its own
typing filters by name prefix) and under it a find box: Enter there adds the one best match
for a name, alias or code (``picker.rank``, server-side), and the other matches are offered
as pills to add with one click.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import streamlit as st

from presswatch import picker, textquery
from presswatch.extract.gazetteer import load_gazetteer
from presswatch.filters import Filters, KnownValues
from presswatch.ui.render import md_escape

# Session-state keys of the filter widgets (prefixed so pages cannot collide with them).
K_FROM = "pw_f_from"
K_TO = "pw_f_to"
K_SOURCE = "pw_f_source"
K_COUNTRY = "pw_f_country"
COUNTRY_HELP = (
    "Sovereign states, and territories and historic states marked as such "
    "(“Taiwan (territory)”, “Soviet Union (historic)”), as data/countries.tsv lists them."
)
K_MATCH = "pw_f_match"
K_ORG = "pw_f_org"
K_GROUP = "pw_f_group"
K_TEXT = "pw_f_q"
K_LANG = "pw_f_lang"
K_CAPITALS = "pw_f_capitals"

# Per picker (the multiselect's key + suffix): the find box, the other matches of its last
# query, the pills offering them, and a note when the query matched nothing new.
FIND = "_find"
MORE = "_more"
MORE_PICK = "_more_pick"
NOTE = "_note"
MAX_MORE = 8
FIND_MAX_CHARS = 100

MIN_DATE = date(1800, 1, 1)
MAX_DATE = date(2200, 12, 31)


def _widget_values(f: Filters) -> dict[str, Any]:
    return {
        K_FROM: f.date_from,
        K_TO: f.date_to,
        K_SOURCE: list(f.sources),
        K_COUNTRY: list(f.countries),
        K_MATCH: f.country_match,
        K_ORG: list(f.organisations),
        K_GROUP: list(f.groups),
        K_TEXT: f.text,
        K_LANG: list(f.languages),
        K_CAPITALS: f.include_capitals,
    }


def seed(f: Filters) -> None:
    """Set every filter widget from a Filters value (before the widgets are drawn)."""
    for key, value in _widget_values(f).items():
        st.session_state[key] = value


def _clear_find(key: str) -> None:
    ss = st.session_state
    ss[key + FIND] = ""
    ss[key + MORE] = []
    ss[key + NOTE] = ""


def _reset() -> None:
    seed(Filters())
    for key in (K_SOURCE, K_COUNTRY, K_ORG):
        _clear_find(key)


@st.cache_resource(show_spinner=False)
def _aliases() -> dict[str, tuple[str, ...]]:
    """What users may type for each country and organisation (read once per process)."""
    try:
        return picker.gazetteer_aliases(load_gazetteer())
    except (OSError, ValueError):  # an unreadable table: the pickers still find display names
        return {}


def _add(key: str, entity_id: str) -> None:
    chosen = list(st.session_state.get(key, []))
    if entity_id not in chosen:
        st.session_state[key] = [*chosen, entity_id]


def _on_find(
    key: str,
    options: list[str],
    names: dict[str, str],
    aliases: dict[str, tuple[str, ...]],
    noun: str,
) -> None:
    """Enter in a find box: add the best match (one per Enter), offer the others."""
    ss = st.session_state
    query = str(ss.get(key + FIND, ""))
    ss[key + FIND] = ""
    ss[key + NOTE] = ""
    ss[key + MORE] = []
    if not query.strip():
        return
    chosen = set(ss.get(key, []))
    # Built here, not per run: only an Enter in the box needs the folded names.
    hits = picker.rank(query, picker.entries(options, names, aliases))
    if not hits:
        ss[key + NOTE] = f"No {noun} matches “{query.strip()}”."
        return
    best = hits[0]
    if best in chosen:
        ss[key + NOTE] = f"{names.get(best, best)} is already chosen."
    else:
        _add(key, best)
    ss[key + MORE] = [h for h in hits[1:] if h not in chosen][:MAX_MORE]


def _on_more(key: str) -> None:
    """A click on one of the other matches: add it, keep offering the rest."""
    ss = st.session_state
    picked = ss.get(key + MORE_PICK)
    ss[key + MORE_PICK] = None
    if picked:
        _add(key, str(picked))
        ss[key + MORE] = [m for m in ss.get(key + MORE, []) if m != picked]


def _entity_picker(
    label: str,
    key: str,
    options: list[str],
    *,
    noun: str,
    names: dict[str, str],
    aliases: dict[str, tuple[str, ...]],
    placeholder: str,
    find_placeholder: str = "Name, alias or code + Enter",
    help: str | None = None,
) -> list[str]:
    """A multiselect plus its find box (see the module docstring); returns the chosen ids."""
    sb = st.sidebar

    def label_of(i: str) -> str:
        return names.get(i, i)

    # "prefix" instead of the default fuzzy subsequence filter; options are sorted by name,
    # so an exact name is the first row and Enter (no "Select N matches" row) picks just it.
    picked = sb.multiselect(
        label,
        options,
        key=key,
        format_func=label_of,
        placeholder=placeholder,
        help=help,
        filter_mode="prefix",
        select_all=False,
    )
    ss = st.session_state
    for suffix, empty in ((FIND, ""), (MORE, []), (NOTE, "")):
        ss.setdefault(key + suffix, empty)
    add = f"Add {'an' if noun[0] in 'aeiou' else 'a'} {noun}"
    sb.text_input(
        add,
        key=key + FIND,
        max_chars=FIND_MAX_CHARS,
        placeholder=find_placeholder,
        label_visibility="collapsed",
        on_change=_on_find,
        args=(key, options, names, aliases, noun),
    )
    allowed = set(options)
    more = [m for m in ss[key + MORE] if m in allowed and m not in picked]
    if more:
        sb.pills(
            "Also matching",
            more,
            key=key + MORE_PICK,
            format_func=label_of,
            selection_mode="single",
            on_change=_on_more,
            args=(key,),
        )
    if ss[key + NOTE]:
        sb.caption(md_escape(ss[key + NOTE]))
    return list(picked)


def _ensure(key: str, default: Any, options: Sequence[str] | None = None) -> None:
    """Give a widget a valid session value: default when absent, stale choices dropped."""
    ss = st.session_state
    if key not in ss:
        ss[key] = default
        return
    value = ss[key]
    if options is not None and isinstance(value, list):
        allowed = set(options)
        value = [v for v in value if v in allowed]
    # Re-assigning also carries the value over when Streamlit sees the widget as a new one
    # (a page file run without the entry point gives its widgets other ids).
    ss[key] = value


def _by_name(ids: Sequence[str], known: KnownValues) -> list[str]:
    return sorted(ids, key=lambda i: (known.name(i).casefold(), i))


def _date_bounds(known: KnownValues) -> tuple[date, date]:
    """What the date pickers offer: the articles' span, widened to a date already chosen.

    The span ends with the newest article's period (``known_values``: 31 December for a
    year-only date), so a range picked up to the last day offered drops nothing. A date
    from a URL may lie outside the span; Streamlit would silently empty it otherwise.
    """
    lo, hi = known.date_min or MIN_DATE, known.date_max or MAX_DATE
    for key in (K_FROM, K_TO):
        chosen = st.session_state.get(key)
        if isinstance(chosen, date):
            lo, hi = min(lo, chosen), max(hi, chosen)
    return lo, hi


def draw(known: KnownValues) -> Filters:
    """Draw the filter widgets in the sidebar and return the Filters they describe."""
    sources = sorted(known.sources, key=str.casefold)
    countries = _by_name(list(known.countries), known)
    orgs = _by_name(list(known.organisations), known)
    groups = _by_name(list(known.groups), known)
    langs = sorted(known.languages)
    defaults = _widget_values(Filters())
    for key, options in (
        (K_SOURCE, sources),
        (K_COUNTRY, countries),
        (K_ORG, orgs),
        (K_GROUP, groups),
        (K_LANG, langs),
    ):
        _ensure(key, defaults[key], options)
    for key in (K_FROM, K_TO, K_MATCH, K_TEXT, K_CAPITALS):
        _ensure(key, defaults[key])

    sb = st.sidebar
    sb.header("Filters")
    span = ""
    if known.date_min and known.date_max:
        span = f"The articles span {known.date_min.isoformat()} to {known.date_max.isoformat()}."
    lo, hi = _date_bounds(known)
    d_from = sb.date_input(
        "From",
        key=K_FROM,
        min_value=lo,
        max_value=hi,
        format="YYYY-MM-DD",
        help="First publication day (empty: no limit). " + span,
    )
    d_to = sb.date_input(
        "To",
        key=K_TO,
        min_value=lo,
        max_value=hi,
        format="YYYY-MM-DD",
        help="Last publication day, inclusive (empty: no limit). " + span,
    )
    names = dict(known.names)
    aliases = _aliases()
    picked_sources = _entity_picker(
        "Sources",
        K_SOURCE,
        sources,
        noun="source",
        names={},
        aliases={},
        placeholder="All sources",
        find_placeholder="Name + Enter",
    )
    picked_countries = _entity_picker(
        "Countries and territories",
        K_COUNTRY,
        countries,
        noun="country",
        names=names,
        aliases=aliases,
        placeholder="Any country or territory",
        help=COUNTRY_HELP,
    )
    match = sb.radio(
        "Articles mentioning",
        ["any", "all"],
        key=K_MATCH,
        horizontal=True,
        format_func=lambda m: "any of them" if m == "any" else "all of them",
        disabled=len(picked_countries) < 2,
    )
    picked_orgs = _entity_picker(
        "Organisations",
        K_ORG,
        orgs,
        noun="organisation",
        names=names,
        aliases=aliases,
        placeholder="Any organisation",
    )
    picked_groups: list[str] = []
    if groups:
        picked_groups = sb.multiselect(
            "Watch-list groups",
            groups,
            key=K_GROUP,
            format_func=known.name,
            placeholder="Any",
            filter_mode="prefix",
            select_all=False,
        )
    text = sb.text_input(
        "Text query",
        key=K_TEXT,
        max_chars=textquery.MAX_QUERY_CHARS,
        placeholder='e.g. "joint exercise" OR drill* NOT naval',
        help='Words, "quoted phrases", AND / OR / NOT (or -word), parentheses and word* '
        "prefixes, over title and text.",
    )
    if text.strip():
        for note in textquery.parse(text).notes:
            sb.caption(md_escape(note))
    picked_langs: list[str] = []
    if len(langs) > 1:
        picked_langs = sb.multiselect(
            "Languages",
            langs,
            key=K_LANG,
            placeholder="All languages",
            filter_mode="prefix",
            select_all=False,
        )
    capitals = sb.checkbox(
        "Count capital cities as their country",
        key=K_CAPITALS,
        help="Capital-city metonymy, e.g. “Beijing said” counted as China.",
    )
    sb.button("Reset filters", on_click=_reset, key="pw_f_reset")

    d1 = d_from if isinstance(d_from, date) else None
    d2 = d_to if isinstance(d_to, date) else None
    if d1 and d2 and d1 > d2:
        sb.caption("The start date is after the end date: the two are swapped.")
        d1, d2 = d2, d1
    return Filters(
        date_from=d1,
        date_to=d2,
        sources=tuple(picked_sources),
        countries=tuple(picked_countries),
        country_match="all" if match == "all" and len(picked_countries) > 1 else "any",
        organisations=tuple(picked_orgs),
        groups=tuple(picked_groups),
        text=text,
        languages=tuple(picked_langs),
        include_capitals=bool(capitals),
    )
