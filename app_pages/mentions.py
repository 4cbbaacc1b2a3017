"""Mentions over time: entities as lines; select a point or range to list the articles behind it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from presswatch import charts, queries
from presswatch.ui import compare as ui_compare
from presswatch.ui import frame as ui_frame
from presswatch.ui import widgets
from presswatch.ui.render import md_escape, period_label

MAX_ENTITIES = 10
MAX_WORDS = 5

frame = ui_frame.enter("mentions", "Mentions over time")
db, view = frame.db, frame.view
f, opts, known = view.filters, view.options, view.known


def label(entity_id: str) -> str:
    """Display name of a chosen entity or typed term."""
    return queries.entity_label(entity_id, dict(known.names))


if frame.empty:
    ui_frame.empty_database_message()
else:
    choosable = sorted(
        known.countries | known.organisations | known.groups,
        key=lambda i: (i.split(":", 1)[0] if ":" in i else "", known.name(i).casefold()),
    )
    c1, c2 = st.columns([3, 2])
    with c1:
        picked = opts.choices(
            "e",
            "Countries, organisations and watch-list groups",
            choosable,
            format_func=known.name,
            max_selections=MAX_ENTITIES,
            placeholder="The three most-mentioned countries",
        )
    with c2:
        words_text = opts.text(
            "w",
            "Other terms (comma-separated)",
            placeholder="joint exercise, drill*",
            help="Any word or phrase, counted in titles and texts of the filtered articles.",
        )
    words = [w.strip() for w in words_text.split(",") if w.strip()][:MAX_WORDS]
    entity_ids = list(picked) + [queries.WORD_PREFIX + w.lower() for w in words]
    if not entity_ids:
        top = db.q(queries.top_entities, f, "country", 3)
        entity_ids = list(top["entity_id"])
        if entity_ids:
            st.caption("Showing the three most-mentioned countries; pick others above.")

    o1, o2, o3 = st.columns([3, 3, 2])
    with o1:
        gran = opts.choice(
            "gran", "Granularity", queries.GRANULARITIES, "month", widget="segmented"
        )
    with o2:
        measure = opts.choice(
            "measure",
            "Measure",
            queries.MEASURES,
            "mentions",
            widget="select",
            format_func=lambda m: charts.MEASURE_LABELS.get(m, m),
            help="Mentions: every mention counts. Articles mentioning: each article once. "
            "Share: articles mentioning ÷ articles in the filtered set of the period. "
            "Per 10,000 words: mentions ÷ words of the filtered set × 10,000.",
        )
    with o3:
        rolling = opts.integer("roll", "Rolling mean (periods)", 1, lo=1, hi=24)

    series = db.q(queries.mentions_over_time, f, tuple(entity_ids), gran, measure, rolling)
    fig = charts.line_over_time(series, measure=measure, title="")
    event: Any = st.plotly_chart(
        fig,
        key="pw_mentions_chart",
        on_select="rerun",
        selection_mode=("points", "box"),
    )
    widgets.coarse_dates_notice(db.q(queries.dates_too_coarse, f, gran), gran, opts.wkey("gran"))
    widgets.csv_download(series, "mentions-over-time", frame, key="dl_mentions")
    ui_compare.mentions(frame, entity_ids, gran, rolling)

    # --- the articles behind a point or a range ------------------------------------------
    labels = list(dict.fromkeys(series["label"])) if not series.empty else []
    label_to_id = (
        dict(zip(series["label"], series["entity_id"], strict=False)) if not series.empty else {}
    )
    periods = (
        sorted({pd.Timestamp(p).date().isoformat() for p in series["period"]})
        if not series.empty
        else []
    )
    k_from, k_to, k_ent = opts.wkey("period"), opts.wkey("pto"), opts.wkey("pe")

    points = list(event.selection.points) if event is not None and event.selection else []
    signature = [(p.get("curve_number"), p.get("x")) for p in points]
    if widgets.new_selection("pw_mentions_lastsel", points, signature):
        # A new selection on the chart drives the pickers below (drawn after this).
        xs = sorted({pd.Timestamp(p["x"]).date().isoformat() for p in points if p.get("x")})
        xs = [x for x in xs if x in periods]
        curves = sorted({int(p.get("curve_number", 0)) for p in points})
        if xs:
            st.session_state[k_from] = xs[0]
            st.session_state[k_to] = xs[-1] if len(xs) > 1 else ""
            if len(curves) == 1 and curves[0] < len(labels):
                st.session_state[k_ent] = label_to_id.get(labels[curves[0]], "")

    st.subheader("Articles behind the chart")
    st.caption("Click a point or drag a box on the chart, or pick a period here.")
    p1, p2, p3 = st.columns(3)
    with p1:
        period = opts.choice(
            "period",
            "Period",
            ["", *reversed(periods)],
            "",
            widget="select",
            format_func=lambda p: period_label(p, gran) if p else "—",
        )
    with p2:
        until = opts.choice(
            "pto",
            "to period (optional)",
            ["", *reversed(periods)],
            "",
            widget="select",
            format_func=lambda p: period_label(p, gran) if p else "—",
        )
    ids_for_pick = list(dict.fromkeys(series["entity_id"])) if not series.empty else []
    with p3:
        ent = opts.choice(
            "pe",
            "Mentioning",
            ["", *ids_for_pick],
            "",
            widget="select",
            format_func=lambda e: label(e) if e else "any article of the period",
        )
    if period:
        first = min(period, until) if until else period
        last = max(period, until) if until else period
        start, _ = queries.period_bounds(pd.Timestamp(first).to_pydatetime(), gran)  # type: ignore[arg-type]
        _, end = queries.period_bounds(pd.Timestamp(last).to_pydatetime(), gran)  # type: ignore[arg-type]
        behind = db.q(queries.articles_for_period, f, ent or None, start, end, 500, gran)
        span = period_label(first, gran) + (
            f" to {period_label(last, gran)}" if last != first else ""
        )
        who = ""
        if ent:
            who = f" mentioning {md_escape(label(ent))}"
        more = " (the first 500)" if len(behind) >= 500 else ""
        st.markdown(f"**{len(behind):,}** articles in {md_escape(span)}{who}{more}")
        picked_id = widgets.article_list(behind, key="pw_mentions_behind", extra=["mentions"])
        if picked_id is not None:
            row = behind[behind["article_id"] == picked_id].iloc[0]
            widgets.open_article_link(f, picked_id, row["title"])
        widgets.csv_download(behind, "articles-behind-point", frame, key="dl_behind")

    with st.expander("The numbers as a table"):
        if series.empty:
            st.caption("No data.")
        else:
            table = series.pivot_table(
                index="period", columns="label", values="value", aggfunc="sum"
            )
            table.index = [period_label(p, gran) for p in table.index]
            st.dataframe(table, width="stretch")
