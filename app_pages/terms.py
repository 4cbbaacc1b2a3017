"""Terms: a word cloud and a table of the top terms, by frequency or distinctiveness."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from presswatch import charts, export, queries
from presswatch.ui import frame as ui_frame
from presswatch.ui import widgets
from presswatch.ui.data import now_utc
from presswatch.ui.render import md_escape

frame = ui_frame.enter("terms", "Terms")
db, view = frame.db, frame.view
f, opts = view.filters, view.options

if frame.empty:
    ui_frame.empty_database_message()
else:
    o1, o2, o3 = st.columns([2, 2, 3])
    with o1:
        mode = opts.choice(
            "mode",
            "Mode",
            ["frequency", "distinctive"],
            "frequency",
            widget="segmented",
            help="Frequency: the most frequent terms. Distinctive: terms over-represented in "
            "the filtered articles compared with a reference (log-likelihood G²).",
        )
    with o2:
        top_n = opts.integer("n", "Terms", 100, lo=10, hi=300, step=10)
    with o3:
        stop_text = opts.text(
            "stop",
            "Also ignore (comma-separated)",
            max_chars=500,
            placeholder="said, spokesperson",
            help="Extra stopwords; phrases containing them go too.",
        )
    exclude_countries = opts.flag(
        "nocountry", "Leave out country names, demonyms and capitals", False
    )
    extra = tuple(sorted({w.strip().lower() for w in stop_text.split(",") if w.strip()}))

    table: pd.DataFrame | None  # None until both reference days are picked
    if mode == "distinctive":
        r1, r2, r3 = st.columns([3, 2, 2])
        with r1:
            reference = opts.choice(
                "ref",
                "Compared with",
                ["rest", "period"],
                "rest",
                widget="segmented",
                format_func=lambda r: (
                    "the rest of the corpus" if r == "rest" else "an earlier period"
                ),
            )
        ref_from = ref_to = None
        if reference == "period":
            # Default reference: the period of the same length just before the filtered one.
            before_to = before_from = None
            if f.date_from and f.date_to:
                before_to = f.date_from - timedelta(days=1)
                before_from = before_to - (f.date_to - f.date_from)
            with r2:
                ref_from = opts.day("rfrom", "Reference from", before_from)
            with r3:
                ref_to = opts.day("rto", "Reference to", before_to)
            if ref_from and ref_to and ref_from > ref_to:
                ref_from, ref_to = ref_to, ref_from
        ready = reference == "rest" or (ref_from is not None and ref_to is not None)
        if ready:
            table = db.q(
                queries.term_keyness,
                f,
                reference,
                ref_from,
                ref_to,
                top_n,
                exclude_countries,
                extra,
            )
            weights = tuple(zip(table["term"], table["g2"], strict=False))
        else:
            st.info("Pick the reference period's first and last day.")
            table = None
            weights = ()
    else:
        table = db.q(queries.term_frequencies, f, top_n, exclude_countries, extra)
        weights = tuple(zip(table["term"], table["n"].astype(float), strict=False))

    if table is not None:
        left, right = st.columns([3, 2])
        with left:
            png, skipped = db.compute(widgets.cloud_png, weights)
            st.image(png, width="stretch")
            when = now_utc()
            st.download_button(
                "Download the cloud (PNG)",
                data=png,
                file_name=export.csv_filename("terms-cloud", frame.description, when)[:-4] + ".png",
                mime="image/png",
                key="dl_cloud",
                icon=":material/image:",
                on_click="ignore",
            )
            if skipped:
                st.caption(
                    f"{len(skipped)} terms are in the table but not drawn (the cloud font has no "
                    "glyphs for them): " + md_escape(", ".join(skipped[:10]))
                )
        with right:
            shown = charts.term_table(table, mode)
            st.dataframe(shown, hide_index=True, width="stretch", height=560)
            widgets.csv_download(table, f"terms-{mode}", frame, key="dl_terms")
