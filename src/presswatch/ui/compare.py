"""The "Compare slices" control and the compared views of the Mentions and Co-occurrence pages.

Slice A is the sidebar's filter set; each extra slice (B, C, D) replaces some of its fields.
The slices live in the URL (``cmp``, ``a.label``, ``b.source``, …: see presswatch.compare),
so a copied link reproduces the comparison. Widgets follow ``state.Options``' rules: seeded
from the URL when the run adopts it, else from what the user chose on an earlier visit to
the page, and written back to the URL at the end of the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from presswatch import charts, compare, queries, textquery
from presswatch.compare import CompareSpec, Slice, SliceSpec
from presswatch.filters import Filters, KnownValues
from presswatch.ui import widgets
from presswatch.ui.frame import Frame
from presswatch.ui.render import md_escape, period_label
from presswatch.ui.state import MEMORY_KEY, Options

_MEMORY = "compare"  # the page memory's entry for the comparison (see state.Options)
_DAY_MIN, _DAY_MAX = date(1800, 1, 1), date(2200, 12, 31)
_CO_LABELS = {
    "share": "Share of the slice's units with both",
    **{m: charts.MEASURE_LABELS.get(m, m) for m in queries.CO_MEASURES},
}
_SPLIT_LABELS = {"slice": "each slice", "source": "each outlet (source)"}


def _widget_values(spec: CompareSpec) -> dict[str, Any]:
    """Session-state values of every compare widget for a comparison."""
    values: dict[str, Any] = {"cmp": len(spec.slices), "a.label": spec.base_label}
    by_key = {s.key: s for s in spec.slices}
    for letter in compare.EXTRA_LETTERS:
        s = by_key.get(letter, SliceSpec(letter))
        o = s.overrides
        values.update(
            {
                f"{letter}.label": s.label,
                f"{letter}.from": o.date_from,
                f"{letter}.to": o.date_to,
                f"{letter}.source": list(o.sources),
                f"{letter}.country": list(o.countries),
                f"{letter}.org": list(o.organisations),
                f"{letter}.group": list(o.groups),
                f"{letter}.lang": list(o.languages),
                f"{letter}.q": o.text,
            }
        )
    return values


def _memory(opts: Options) -> dict[str, Any]:
    memory: dict[str, dict[str, Any]] = st.session_state.setdefault(MEMORY_KEY, {})
    return memory.setdefault(opts.page, {})


def _seed(opts: Options, known: KnownValues, raw: dict[str, list[str]]) -> CompareSpec:
    """Put the comparison of the URL (adopting) or of the page memory into the widgets."""
    ss = st.session_state
    if opts.adopt:
        spec, notes = compare.parse(raw, known)
        opts.notes.extend(notes)
        for key, value in _widget_values(spec).items():
            ss[opts.wkey(key)] = value
        return spec
    spec = _memory(opts).get(_MEMORY, CompareSpec())
    for key, value in _widget_values(spec).items():
        if opts.wkey(key) not in ss:
            ss[opts.wkey(key)] = value
    return spec


def _picker(
    opts: Options, key: str, label: str, options: Sequence[str], **kwargs: Any
) -> list[str]:
    """A multiselect whose stale values (e.g. from an older database) are dropped first."""
    wkey = opts.wkey(key)
    current = st.session_state.get(wkey)
    allowed = set(options)
    if not isinstance(current, list) or any(v not in allowed for v in current):
        st.session_state[wkey] = [v for v in current or [] if v in allowed]
    return list(st.multiselect(label, list(options), key=wkey, **kwargs))


def _day(opts: Options, key: str, label: str) -> date | None:
    wkey = opts.wkey(key)
    if not (st.session_state.get(wkey) is None or isinstance(st.session_state[wkey], date)):
        st.session_state[wkey] = None
    value = st.date_input(
        label, key=wkey, min_value=_DAY_MIN, max_value=_DAY_MAX, format="YYYY-MM-DD"
    )
    return value if isinstance(value, date) else None


def _slice_widgets(opts: Options, known: KnownValues, letter: str, before: SliceSpec) -> SliceSpec:
    """One extra slice's label and overrides (an empty field keeps A's value)."""
    name = letter.upper()
    st.markdown(f"**Slice {name}** — fields left empty are the same as in A")
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        label = st.text_input(
            f"Label of {name}", key=opts.wkey(f"{letter}.label"), max_chars=compare.MAX_LABEL_CHARS
        ).strip()
    with c2:
        d_from = _day(opts, f"{letter}.from", "From")
    with c3:
        d_to = _day(opts, f"{letter}.to", "To")
    if d_from and d_to and d_from > d_to:
        d_from, d_to = d_to, d_from
    by_name = lambda i: known.name(i).casefold()  # noqa: E731
    c4, c5, c6 = st.columns(3)
    with c4:
        sources = _picker(opts, f"{letter}.source", "Sources", sorted(known.sources))
    with c5:
        countries = _picker(
            opts,
            f"{letter}.country",
            "Mentioning countries",
            sorted(known.countries, key=by_name),
            format_func=known.name,
        )
    with c6:
        orgs = _picker(
            opts,
            f"{letter}.org",
            "Mentioning organisations",
            sorted(known.organisations, key=by_name),
            format_func=known.name,
        )
    c7, c8, c9 = st.columns(3)
    groups: list[str] = []
    languages: list[str] = []
    if known.groups:
        with c7:
            groups = _picker(
                opts,
                f"{letter}.group",
                "Watch-list groups",
                sorted(known.groups, key=by_name),
                format_func=known.name,
            )
    if len(known.languages) > 1:
        with c8:
            languages = _picker(opts, f"{letter}.lang", "Languages", sorted(known.languages))
    with c9:
        text = st.text_input(
            "Text query", key=opts.wkey(f"{letter}.q"), max_chars=textquery.MAX_QUERY_CHARS
        ).strip()
    if text and textquery.parse(text).empty:
        text = ""
    overrides = Filters(
        date_from=d_from,
        date_to=d_to,
        sources=tuple(sources),
        countries=tuple(countries),
        # No widget of its own: "all of these countries" comes only with a link.
        country_match=before.overrides.country_match if countries else "any",
        organisations=tuple(orgs),
        groups=tuple(groups),
        text=text,
        languages=tuple(languages),
    )
    return SliceSpec(letter, label, overrides)


def controls(frame: Frame) -> tuple[tuple[Slice, ...], Any]:
    """Draw the "Compare slices" box; the slices (A first) and the box, for page options."""
    view = frame.view
    opts, known = view.options, view.known
    before = _seed(opts, known, view.raw)
    prior = {s.key: s for s in before.slices}
    n_key = opts.wkey("cmp")
    current = st.session_state.get(n_key)
    if not isinstance(current, int) or not 0 <= current <= compare.MAX_EXTRA:
        st.session_state[n_key] = 0
    box = st.expander(
        "Compare slices", icon=":material/compare_arrows:", expanded=bool(st.session_state[n_key])
    )
    with box:
        st.caption(
            "Slice A is the sidebar's filter set. Each further slice replaces some of its "
            "fields (e.g. another source or period); every slice is normalised within "
            "itself, as a share of its own articles."
        )
        t1, t2 = st.columns([1, 3])
        with t1:
            n = int(
                st.number_input(
                    "Slices besides A", min_value=0, max_value=compare.MAX_EXTRA, step=1, key=n_key
                )
            )
        with t2:
            base_label = st.text_input(
                "Label of A",
                key=opts.wkey("a.label"),
                max_chars=compare.MAX_LABEL_CHARS,
                placeholder="A: " + compare.describe_filters(view.filters, known.names),
            ).strip()
        extra = [
            _slice_widgets(opts, known, letter, prior.get(letter, SliceSpec(letter)))
            for letter in compare.EXTRA_LETTERS[:n]
        ]
    spec = CompareSpec(base_label, tuple(extra))
    _memory(opts)[_MEMORY] = spec
    opts.out.update(compare.to_params(spec))
    opts.consumed |= compare.url_keys(before) | compare.url_keys(spec)
    return compare.resolve(view.filters, spec, known.names), box


def _slice_summary(frame: Frame, slices: Sequence[Slice]) -> None:
    """Each slice's label, article count and filters."""
    names = frame.view.known.names
    rows = [
        {
            "slice": s.label,
            "articles": frame.db.q(queries.count_articles, s.filters),
            "filters": compare.describe_filters(s.filters, names),
        }
        for s in slices
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _description(frame: Frame, slices: Sequence[Slice]) -> str:
    """The export header: the page's filter line and every slice's filters."""
    names = frame.view.known.names
    return f"{frame.description} · compared: {compare.describe_slices(slices, names)}"


def mentions(frame: Frame, entity_ids: Sequence[str], granularity: str, rolling: int) -> None:
    """The comparison box and, when on, the lines per slice (or outlet) × entity."""
    opts = frame.view.options
    slices, box = controls(frame)
    with box:
        s1, s2 = st.columns(2)
        with s1:
            split = opts.choice(
                "split",
                "Normalise within",
                compare.SPLITS,
                "slice",
                widget="segmented",
                format_func=lambda v: _SPLIT_LABELS.get(v, v),
                help="Each outlet: every slice is split by source and each line is a share "
                f"of that outlet's output (its {compare.MAX_SOURCES} largest sources).",
            )
        with s2:
            measure = opts.choice(
                "cmeasure",
                "Measure of the compared lines",
                queries.MEASURES,
                "share",
                widget="select",
                format_func=lambda m: charts.MEASURE_LABELS.get(m, m),
            )
    if len(slices) < 2 and split != "source":
        return
    st.subheader("Compared slices")
    _slice_summary(frame, slices)
    series = frame.db.q(
        compare.mentions_by_slice,
        slices,
        tuple(entity_ids),
        granularity,
        measure,
        rolling,
        split,
    )
    shown = series.drop(columns="label").rename(columns={"series": "label"})
    st.plotly_chart(
        charts.line_over_time(shown, measure=measure, title=""), key="pw_compare_mentions"
    )
    if series.empty:
        st.caption("No data.")
    else:
        table = series.pivot_table(
            index="period", columns="series", values="value", aggfunc="sum", sort=False
        )
        table.index = [period_label(p, granularity) for p in table.index]
        st.dataframe(table, width="stretch")
    widgets.csv_download(
        compare.with_slice_filters(series, slices, frame.view.known.names),
        "mentions-compared",
        _description(frame, slices),
        key="dl_mentions_compared",
    )


def cooccurrence(frame: Frame, scope: str, top_n: int, min_count: int) -> None:
    """The comparison box and, when on, one heatmap per slice over the same countries."""
    opts = frame.view.options
    slices, box = controls(frame)
    with box:
        measure = opts.choice(
            "cmeasure",
            "Measure of the compared matrices",
            compare.CO_MEASURES,
            "share",
            widget="select",
            format_func=lambda m: _CO_LABELS.get(m, m),
            help="Share: units (articles, or sentences with a country) mentioning both ÷ "
            "the slice's units, so slices of different sizes compare.",
        )
    if len(slices) < 2:
        return
    st.subheader("Compared slices")
    _slice_summary(frame, slices)
    pairs = frame.db.q(compare.cooccurrence_by_slice, slices, scope, top_n, measure, min_count)
    columns = st.columns(2)
    for i, s in enumerate(slices):
        part = pairs[pairs["slice"] == s.label]
        with columns[i % 2]:
            st.markdown(f"**{md_escape(s.label)}**")
            matrix = queries.cooccurrence_matrix(part, "value")
            st.plotly_chart(
                charts.cooccurrence_heatmap(matrix, measure=measure, title=""),
                key=f"pw_compare_co_{i}",
            )
    st.caption(
        "The same countries in every slice: the most prominent over all slices (by their "
        "share of each slice's units). Blank cells: fewer co-occurrences than the minimum."
    )
    with st.expander("The numbers as a table"):
        st.dataframe(pairs.round(4), hide_index=True, width="stretch")
    widgets.csv_download(
        compare.with_slice_filters(pairs, slices, frame.view.known.names),
        f"cooccurrence-compared-{scope}-{measure}",
        _description(frame, slices),
        key="dl_co_compared",
    )
