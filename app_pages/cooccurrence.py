"""Co-occurrence: which countries are mentioned together (heatmap, network, partners, articles)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from presswatch import charts, queries
from presswatch.ui import compare as ui_compare
from presswatch.ui import frame as ui_frame
from presswatch.ui import widgets
from presswatch.ui.render import md_escape

MEASURE_HELP = (
    "Raw: units (articles or sentences) mentioning both. Jaccard: both ÷ either. "
    "PMI: log2 of how much more often they co-occur than chance; NPMI scales PMI to [-1, 1]. "
    "A country mentioned several times in one article counts once."
)

frame = ui_frame.enter("cooccurrence", "Co-occurrence")
db, view = frame.db, frame.view
f, opts, known = view.filters, view.options, view.known

if frame.empty:
    ui_frame.empty_database_message()
else:
    o1, o2, o3, o4 = st.columns([2, 3, 2, 2])
    with o1:
        scope = opts.choice(
            "scope", "Together in the same", queries.SCOPES, "article", widget="segmented"
        )
    with o2:
        measure = opts.choice(
            "measure",
            "Measure",
            queries.CO_MEASURES,
            "raw",
            widget="select",
            format_func=lambda m: charts.MEASURE_LABELS.get(m, m),
            help=MEASURE_HELP,
        )
    with o3:
        top_n = opts.integer("top", "Top countries", 15, lo=2, hi=60)
    with o4:
        min_count = opts.integer(
            "min",
            "Minimum co-occurrences",
            1,
            lo=1,
            hi=1_000_000,
            widget="number",
            help="Pairs seen fewer times are left blank (PMI is unreliable for rare pairs).",
        )
    shape = opts.choice("view", "View", ["heatmap", "network"], "heatmap", widget="segmented")

    pairs = db.q(queries.cooccurrence, f, scope, top_n, measure, min_count)
    nodes = db.q(queries.cooccurrence_nodes, f, scope, top_n)
    unit = "articles" if scope == "article" else "sentences"
    event: Any = None
    if shape == "network":
        st.plotly_chart(
            charts.network_figure(nodes, pairs, measure=measure, title=""), key="pw_co_network"
        )
    else:
        matrix = queries.cooccurrence_matrix(pairs, "value")
        fig = charts.with_clickable_cells(
            charts.cooccurrence_heatmap(matrix, measure=measure, title="")
        )
        event = st.plotly_chart(
            fig, key="pw_co_heatmap", on_select="rerun", selection_mode=("points",)
        )
    if not nodes.empty:
        n_country = int(nodes["n_with_country"].iloc[0])
        if scope == "sentence":
            st.caption(
                f"{n_country:,} sentences in the filtered set mention at least one country "
                "(sentence scope: the title counts as a sentence)."
            )
        else:
            st.caption(
                f"{n_country:,} of {int(nodes['n_units'].iloc[0]):,} articles in the filtered set "
                "mention at least one country."
            )
    widgets.csv_download(pairs, f"cooccurrence-{scope}-{measure}", frame, key="dl_pairs")
    ui_compare.cooccurrence(frame, scope, top_n, min_count)

    # --- the articles behind a cell ----------------------------------------------------------
    node_ids = list(nodes["entity_id"]) if not nodes.empty else []
    # Heatmap labels are the pairs' (escaped) names: map them back to entity ids.
    by_label = {
        charts.esc(name): eid
        for names, ids in ((pairs["a_name"], pairs["a"]), (pairs["b_name"], pairs["b"]))
        for name, eid in zip(names, ids, strict=True)
    }
    points = list(event.selection.points) if event is not None and event.selection else []
    signature = [(p.get("x"), p.get("y")) for p in points]
    if widgets.new_selection("pw_co_lastsel", points, signature):
        # A click on a cell drives the two pickers below (drawn after this).
        a_id, b_id = by_label.get(str(points[0].get("y"))), by_label.get(str(points[0].get("x")))
        if a_id and b_id and a_id != b_id:
            st.session_state[opts.wkey("ca")], st.session_state[opts.wkey("cb")] = a_id, b_id

    left, right = st.columns(2)
    with left:
        st.subheader("Articles behind a cell")
        c1, c2 = st.columns(2)
        with c1:
            a = opts.choice(
                "ca",
                "Country",
                ["", *node_ids],
                "",
                widget="select",
                format_func=lambda i: known.name(i) if i else "—",
            )
        with c2:
            b = opts.choice(
                "cb",
                "with",
                ["", *node_ids],
                "",
                widget="select",
                format_func=lambda i: known.name(i) if i else "—",
            )
        if a and b and a != b:
            behind = db.q(queries.articles_for_pair, f, a, b, scope, 500)
            st.markdown(
                f"**{len(behind):,}** articles where {md_escape(known.name(a))} and "
                f"{md_escape(known.name(b))} appear in the same {scope}"
                + (" (first 500)" if len(behind) >= 500 else "")
            )
            picked_id = widgets.article_list(behind, key="pw_co_behind", extra=["n"])
            if picked_id is not None:
                row = behind[behind["article_id"] == picked_id].iloc[0]
                widgets.open_article_link(f, picked_id, row["title"])
            widgets.csv_download(behind, "articles-behind-pair", frame, key="dl_pair")
        else:
            st.caption("Click a heatmap cell, or pick two countries.")

    with right:
        st.subheader("Who appears with …")
        countries = sorted(known.countries, key=lambda i: known.name(i).casefold())
        focus = opts.choice(
            "focus",
            "Focus country",
            ["", *countries],
            "",
            widget="select",
            format_func=lambda i: known.name(i) if i else "— the most-mentioned country —",
        )
        focus_id = focus or (node_ids[0] if node_ids else "")
        if focus_id:
            partners = db.q(queries.partners_of, f, focus_id, scope, measure, min_count, 50)
            st.markdown(f"Countries in the same {scope} as **{md_escape(known.name(focus_id))}**")
            shown = partners[["name", "n_ab", "n_b", "jaccard", "pmi", "npmi"]].rename(
                columns={"n_ab": "together", "n_b": unit}
            )
            st.dataframe(shown.round(3), hide_index=True, width="stretch")
            widgets.csv_download(partners, f"partners-{focus_id}", frame, key="dl_partners")
