"""Overview: corpus size, date span, sources, articles per period, top entities, ingest runs."""

from __future__ import annotations

import streamlit as st

from presswatch import charts, queries
from presswatch.ui import frame as ui_frame
from presswatch.ui import widgets
from presswatch.ui.render import fmt_date, fmt_int

frame = ui_frame.enter("overview", "Overview")
db, view = frame.db, frame.view
f, opts = view.filters, view.options

if frame.empty:
    ui_frame.empty_database_message()
else:
    ov = db.q(queries.corpus_overview, f).iloc[0]
    c = st.columns(5)
    c[0].metric("Articles", fmt_int(ov["articles"]))
    c[1].metric("Words", fmt_int(ov["words"]))
    c[2].metric("First", fmt_date(ov["first"], ov["first_precision"]))
    c[3].metric("Last", fmt_date(ov["last"], ov["last_precision"]))
    c[4].metric("Sources", fmt_int(ov["sources"]))
    if int(ov["undated"] or 0):
        st.caption(
            f"{fmt_int(ov['undated'])} of these articles have no publication date: they are "
            "counted here but not on the time charts."
        )

    gran = opts.choice("gran", "Articles per", queries.GRANULARITIES, "month", widget="segmented")
    per = db.q(queries.articles_per_period, f, gran)
    st.plotly_chart(
        db.figure(charts.articles_per_period_bars, per, title=f"Articles per {gran}"),
        key="pw_overview_per_chart",
    )
    widgets.coarse_dates_notice(db.q(queries.dates_too_coarse, f, gran), gran, opts.wkey("gran"))
    widgets.csv_download(per, "articles-per-" + gran, frame, key="dl_per")

    left, right = st.columns(2)
    with left:
        top_c = db.q(queries.top_entities, f, "country", 15)
        st.plotly_chart(
            db.figure(
                charts.top_entities_bars, top_c, title="Most-mentioned countries and territories"
            ),
            key="pw_overview_countries",
        )
        widgets.csv_download(top_c, "top-countries", frame, key="dl_top_c")
    with right:
        top_o = db.q(queries.top_entities, f, "organisation", 15)
        st.plotly_chart(
            db.figure(charts.top_entities_bars, top_o, title="Most-mentioned organisations"),
            key="pw_overview_orgs",
        )
        widgets.csv_download(top_o, "top-organisations", frame, key="dl_top_o")

    st.subheader("Sources")
    by_source = db.q(queries.articles_by_source, f, 50)
    shown = by_source.drop(columns=["first_precision", "last_precision"]).assign(
        first=[
            fmt_date(v, p)
            for v, p in zip(by_source["first"], by_source["first_precision"], strict=True)
        ],
        last=[
            fmt_date(v, p)
            for v, p in zip(by_source["last"], by_source["last_precision"], strict=True)
        ],
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    widgets.csv_download(by_source, "articles-by-source", frame, key="dl_sources")

    with st.expander("The top countries and organisations as tables"):
        t1, t2 = st.columns(2)
        t1.dataframe(top_c[["name", "articles", "mentions"]], hide_index=True, width="stretch")
        t2.dataframe(top_o[["name", "articles", "mentions"]], hide_index=True, width="stretch")

st.subheader("Latest ingest runs")
runs = db.q(queries.recent_ingest_runs, 10)
if runs.empty:
    st.caption("No ingest run yet.")
else:
    shown = runs[
        [
            "run_id",
            "started_at",
            "origin",
            "inputs",
            "files_read",
            "articles_seen",
            "articles_added",
            "duplicates",
            "rejects",
            "undated",
            "status",
            "seconds",
        ]
    ]
    st.dataframe(shown, hide_index=True, width="stretch")
    with_rejects = [int(r) for r in runs.loc[runs["rejects"] > 0, "run_id"]]
    for run_id in with_rejects[:5]:
        rej = db.q(queries.rejects_for_run, run_id)
        with st.expander(f"Run {run_id}: {len(rej):,} rejected files or records"):
            st.dataframe(rej, hide_index=True, width="stretch")
