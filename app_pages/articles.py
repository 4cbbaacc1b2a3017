"""Articles: the filtered list, keyword-in-context lines, and one article with its mentions."""

from __future__ import annotations

import math
from typing import cast

import streamlit as st

from presswatch import export, queries, textquery
from presswatch.ui import frame as ui_frame
from presswatch.ui import widgets
from presswatch.ui.data import articles_csv_factory, kwic_csv_factory, now_utc
from presswatch.ui.render import article_html, fmt_date, kwic_html, legend_html, md_escape
from presswatch.ui.state import parse_int

PAGE_SIZE = 50
MAX_ID = 2**63 - 1

frame = ui_frame.enter("articles", "Articles")
db, view = frame.db, frame.view
f, opts, known = view.filters, view.options, view.known

if frame.empty:
    ui_frame.empty_database_message()
else:
    rerun = False
    article_id = opts.hidden("article", None, parse_int(-MAX_ID - 1, MAX_ID), str)

    # --- one article, every detected mention highlighted ------------------------------------
    if article_id is not None:
        detail = db.q(queries.article_detail, article_id)
        if detail is None:
            st.warning("That article is not in the database (any more).")
            opts.set_hidden("article", None, None, str)
        else:
            box = st.container(border=True)
            if box.button("Close the article", key="pw_articles_close", icon=":material/close:"):
                opts.set_hidden("article", None, None, str)
            else:
                mentions = db.q(queries.article_mentions, article_id)
                meta = [
                    fmt_date(detail.get("published_at"), detail.get("date_precision")),
                    str(detail.get("source") or queries.UNKNOWN_SOURCE),
                    f"{int(detail.get('word_count') or 0):,} words",
                    str(detail.get("language") or ""),
                ]
                box.caption(md_escape(" · ".join(m for m in meta if m)))
                if detail.get("url"):
                    box.caption("URL: " + md_escape(detail["url"]))
                # The text query's words are highlighted as well, so the reader sees why
                # the article was found.
                search = textquery.word_regex(textquery.parse(f.text).node) if f.text else None
                box.html(
                    article_html(
                        detail.get("title"), str(detail.get("text") or ""), mentions, search
                    )
                )
                key = legend_html(search=bool(search))
                box.html(f'<div style="font-size:0.85em">Key: {key}</div>')
                with box.expander(f"The {len(mentions):,} detected mentions"):
                    st.dataframe(
                        mentions[
                            [
                                "name",
                                "kind",
                                "signal",
                                "surface",
                                "field",
                                "sentence",
                                "start_pos",
                                "end_pos",
                            ]
                        ],
                        hide_index=True,
                        width="stretch",
                    )
                box.caption(
                    "Origin: "
                    + md_escape(f"{detail.get('origin_file')} {detail.get('origin_record') or ''}")
                )

    # --- the filtered list ------------------------------------------------------------------
    n = frame.n_articles
    top1, top3, top2 = st.columns([3, 1, 2], vertical_alignment="bottom")
    with top1:
        order = opts.choice("order", "Order", queries.ARTICLE_ORDERS, "newest", widget="segmented")
    with top2:
        when = now_utc()
        st.download_button(
            f"Download all {n:,} articles (CSV)",
            data=articles_csv_factory(f, frame.description, link=frame.link()),
            file_name=export.csv_filename("articles", frame.description, when),
            mime="text/csv",
            key="dl_articles",
            icon=":material/download:",
            on_click="ignore",
        )
    pages = max(1, math.ceil(n / PAGE_SIZE))
    with top3:
        page_no = opts.integer("pg", f"Page (of {pages:,})", 1, lo=1, hi=pages, widget="number")
    rows = db.q(queries.articles_page, f, PAGE_SIZE, (page_no - 1) * PAGE_SIZE, order)
    st.caption(
        f"Articles {min(n, (page_no - 1) * PAGE_SIZE + 1):,}–{min(n, page_no * PAGE_SIZE):,} "
        f"of {n:,}. Select a row to read the article with its mentions highlighted."
    )
    picked = widgets.article_list(rows, key="pw_articles_table", extra=["word_count"])
    new_pick = widgets.new_selection("pw_articles_lastpick", picked, picked)
    if new_pick is not None:
        # Show the article (drawn above the list) straight away.
        opts.set_hidden("article", new_pick, None, str)
        rerun = True

    # --- keyword in context -----------------------------------------------------------------
    st.subheader("Keyword in context")
    entity_ids = [*f.countries, *f.organisations, *f.groups]
    # With no text query, the first filtered entity is the obvious choice: a country filter
    # alone gives the words around that country's mentions without a second pick.
    kw_default = "" if f.text or not entity_ids else entity_ids[0]
    kw_options = [*([""] if f.text else []), *entity_ids]
    kw1, kw2, kw3 = st.columns([3, 3, 2], vertical_alignment="bottom")
    with kw1:
        kw = opts.choice(
            "kw",
            "Show the words around",
            kw_options,
            kw_default,
            widget="select",
            format_func=lambda e: known.name(e) if e else "the text query's matches",
        )
    if kw or f.text:
        with kw2:
            kw_order = opts.choice(
                "kwo",
                "Lines by",
                queries.ARTICLE_ORDERS,
                "newest",
                widget="segmented",
            )
        order_kw = cast(queries.ArticleOrder, kw_order)
        lines = db.q(queries.kwic_snippets, f, None, kw or None, 60, 200, 3, order_kw)
        if lines.empty:
            st.caption("No matches.")
        else:
            with kw3:
                around = known.name(kw) if kw else "text query"
                kwic_desc = f"{frame.description} · keyword in context: {around}"
                st.download_button(
                    "Download all lines (CSV)",
                    data=kwic_csv_factory(f, kw or None, order_kw, kwic_desc, link=frame.link()),
                    file_name=export.csv_filename("kwic", kwic_desc, now_utc()),
                    mime="text/csv",
                    key="dl_kwic",
                    icon=":material/download:",
                    on_click="ignore",
                )
            st.html(kwic_html(lines))
            if len(lines) >= 200:
                st.caption("The first 200 lines; the CSV has every line.")
    else:
        st.caption("Type a text query in the sidebar, or filter by a country or organisation.")

if not frame.empty and rerun:
    st.rerun()
