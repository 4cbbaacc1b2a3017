"""The "Compare slices" control and the compared views of the Mentions and Co-occurrence pages.

Slice A is the sidebar's filter set; each extra slice (B, C, D) replaces some of its fields.
The slices live in the URL (``cmp``, ``a.label``, ``b.source``, …: see presswatch.compare),
so a copied link reproduces the comparison. Widgets follow ``state.Options``' rules: seeded
from the URL when the run adopts it, else from the comparison last drawn (on either page,
as the sidebar filters carry over), and written back to the URL at the end of the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from presswatch.ui.state import Options

# The comparison last drawn, for a visit without a link: shared by the pages, so slices set
# up on Mentions are there on Co-occurrence too (like the sidebar filters).
_MEMORY = "_pw_compare"
_DAY_MIN, _DAY_MAX = date(1800, 1, 1), date(2200, 12, 31)
_CO_LABELS = {
    "share": "Share of the slice's units with both",
    **{m: charts.MEASURE_LABELS.get(m, m) for m in queries.CO_MEASURES},
}
_SPLIT_LABELS = {"slice": "each slice", "source": "each outlet (source)"}
_AXIS_LABELS = {"date": "calendar dates", "start": "from each slice's start"}


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


@dataclass
class _Widgets:
    """Compare widget keys, each seeded right before its widget is drawn.

    A value put into session state for a widget the run does not draw outlives the
    widget's own state (Streamlit cleans only that) and would come back, stale, after a
    page switch; so nothing is seeded for a slice that is not shown.
    """

    opts: Options
    values: dict[str, Any]
    force: bool  # adopting the URL: its values replace what the widgets hold

    def key(self, name: str) -> str:
        wkey = self.opts.wkey(name)
        if self.force or wkey not in st.session_state:
            st.session_state[wkey] = self.values.get(name)
        return wkey


def _seed(
    opts: Options, known: KnownValues, raw: dict[str, list[str]]
) -> tuple[CompareSpec, _Widgets]:
    """The comparison of the URL (when adopting it) or of the page memory, and its widgets."""
    if opts.adopt:
        spec, notes = compare.parse(raw, known)
        opts.notes.extend(notes)
    else:
        remembered = st.session_state.get(_MEMORY)
        spec = remembered if isinstance(remembered, CompareSpec) else CompareSpec()
    return spec, _Widgets(opts, _widget_values(spec), opts.adopt)


def _picker(w: _Widgets, name: str, label: str, options: Sequence[str], **kwargs: Any) -> list[str]:
    """A multiselect whose stale values (e.g. from an older database) are dropped first."""
    wkey = w.key(name)
    current = st.session_state.get(wkey)
    allowed = set(options)
    if not isinstance(current, list) or any(v not in allowed for v in current):
        st.session_state[wkey] = [v for v in current or [] if v in allowed]
    return list(st.multiselect(label, list(options), key=wkey, **kwargs))


def _day(w: _Widgets, name: str, label: str) -> date | None:
    wkey = w.key(name)
    if not (st.session_state.get(wkey) is None or isinstance(st.session_state[wkey], date)):
        st.session_state[wkey] = None
    value = st.date_input(
        label, key=wkey, min_value=_DAY_MIN, max_value=_DAY_MAX, format="YYYY-MM-DD"
    )
    return value if isinstance(value, date) else None


def _text(w: _Widgets, name: str, label: str, max_chars: int, **kwargs: Any) -> str:
    wkey = w.key(name)
    if not isinstance(st.session_state.get(wkey), str):
        st.session_state[wkey] = ""
    return str(st.text_input(label, key=wkey, max_chars=max_chars, **kwargs)).strip()


def _slice_widgets(w: _Widgets, known: KnownValues, letter: str, before: SliceSpec) -> SliceSpec:
    """One extra slice's label and overrides (an empty field keeps A's value)."""
    name = letter.upper()
    st.markdown(f"**Slice {name}** — fields left empty are the same as in A")
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        label = _text(w, f"{letter}.label", f"Label of {name}", compare.MAX_LABEL_CHARS)
    with c2:
        d_from = _day(w, f"{letter}.from", "From")
    with c3:
        d_to = _day(w, f"{letter}.to", "To")
    if d_from and d_to and d_from > d_to:
        d_from, d_to = d_to, d_from

    def by_name(entity_id: str) -> str:
        return known.name(entity_id).casefold()

    c4, c5, c6 = st.columns(3)
    with c4:
        sources = _picker(w, f"{letter}.source", "Sources", sorted(known.sources))
    with c5:
        countries = _picker(
            w,
            f"{letter}.country",
            "Mentioning countries",
            sorted(known.countries, key=by_name),
            format_func=known.name,
        )
    with c6:
        orgs = _picker(
            w,
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
                w,
                f"{letter}.group",
                "Watch-list groups",
                sorted(known.groups, key=by_name),
                format_func=known.name,
            )
    if len(known.languages) > 1:
        with c8:
            languages = _picker(w, f"{letter}.lang", "Languages", sorted(known.languages))
    with c9:
        text = _text(w, f"{letter}.q", "Text query", textquery.MAX_QUERY_CHARS)
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
    before, w = _seed(opts, known, view.raw)
    prior = {s.key: s for s in before.slices}
    n_key = w.key("cmp")
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
            base_label = _text(
                w,
                "a.label",
                "Label of A",
                compare.MAX_LABEL_CHARS,
                placeholder="A: " + compare.describe_filters(view.filters, known.names),
            )
        extra = [
            _slice_widgets(w, known, letter, prior.get(letter, SliceSpec(letter)))
            for letter in compare.EXTRA_LETTERS[:n]
        ]
    spec = CompareSpec(base_label, tuple(extra))
    st.session_state[_MEMORY] = spec
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
        axis = opts.choice(
            "caxis",
            "Time axis",
            compare.AXES,
            "date",
            widget="segmented",
            format_func=lambda a: _AXIS_LABELS.get(a, a),
            help="From each slice's start: slices of different periods (2019 vs 2022) are "
            "laid over each other, period by period.",
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
    series = compare.with_offsets(series, slices, granularity)
    unit = granularity if axis == "start" else None
    st.plotly_chart(
        charts.lines_by_slice(series, measure=measure, offset_unit=unit),
        key="pw_compare_mentions",
    )
    if series.empty:
        st.caption("No data.")
    else:
        along = "offset" if unit else "period"
        table = series.pivot_table(index=along, columns="series", values="value", aggfunc="sum")
        table = table[list(dict.fromkeys(series["series"]))]  # the chart's order
        table.index = [
            f"{granularity} {p}" if unit else period_label(p, granularity) for p in table.index
        ]
        st.dataframe(table, width="stretch")
    widgets.csv_download(
        compare.with_slice_filters(series, slices, frame.view.known.names),
        "mentions-compared",
        frame,
        description=_description(frame, slices),
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
    figs = charts.same_colour_scale(
        [
            charts.cooccurrence_heatmap(
                queries.cooccurrence_matrix(pairs[pairs["slice"] == s.label], "value"),
                measure=measure,
            )
            for s in slices
        ],
        measure,
    )
    columns = st.columns(2)
    for i, (s, fig) in enumerate(zip(slices, figs, strict=True)):
        with columns[i % 2]:
            st.markdown(f"**{md_escape(s.label)}**")
            st.plotly_chart(fig, key=f"pw_compare_co_{i}")
    st.caption(
        "The same countries in every slice: the most prominent over all slices (by their "
        "share of each slice's units). Blank cells: fewer co-occurrences than the minimum."
    )
    with st.expander("The numbers as a table"):
        st.dataframe(pairs.round(4), hide_index=True, width="stretch")
    widgets.csv_download(
        compare.with_slice_filters(pairs, slices, frame.view.known.names),
        f"cooccurrence-compared-{scope}-{measure}",
        frame,
        description=_description(frame, slices),
        key="dl_co_compared",
    )
