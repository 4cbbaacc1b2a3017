"""Small composite widgets the pages share: CSV downloads and "articles behind" tables."""

from __future__ import annotations

from collections.abc import MutableMapping, Sized
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from presswatch import export
from presswatch.filters import UNKNOWN_SOURCE, Filters
from presswatch.ui.data import now_utc
from presswatch.ui.frame import Frame
from presswatch.ui.render import coarse_dates_note, fmt_date, md_escape

# The title comes before the source, and a long source is cut, so a wire service's
# 80-character name cannot push the titles out of a narrow "articles behind" table.
ARTICLE_COLUMNS = ["published_at", "title", "source", "countries"]
SOURCE_CHARS = 32

S = TypeVar("S")


def new_selection(
    key: str, selection: S, signature: object, *, state: MutableMapping[Any, Any] | None = None
) -> S | None:
    """``selection`` when it is new since the last run, else None.

    A chart or table keeps reporting its selection on every rerun, so a page that copies a
    selection into its pickers must do so only once, or it would undo each later change
    of those pickers. ``signature`` is what identifies the selection (e.g. the clicked
    points' coordinates); the last run's is kept under ``key`` in ``state`` (session state
    unless given). An empty selection (None or empty) is never new, but it is recorded, so
    clearing a selection and making it again counts as new.
    """
    store = st.session_state if state is None else state
    seen = repr(signature)
    empty = selection is None or (isinstance(selection, Sized) and len(selection) == 0)
    fresh = not empty and store.get(key) != seen
    store[key] = seen
    return selection if fresh else None


def csv_download(
    df: pd.DataFrame,
    stem: str,
    frame: Frame,
    *,
    key: str,
    description: str | None = None,
    label: str = "Download data (CSV)",
) -> None:
    """A download button for a chart's data: formula-safe CSV with the description (the
    frame's filter description unless given) and the view's link in the first line."""
    when = now_utc()
    link = frame.link()
    description = frame.description if description is None else description

    def build() -> bytes:
        return export.to_csv_bytes(df, description=description, generated_at=when, link=link)

    # A callable is run only when the button is clicked (in its own thread), so a page
    # run does not write a CSV per table per session that nobody may ever download.
    st.download_button(
        label,
        data=build,
        file_name=export.csv_filename(stem, description, when),
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def short_source(value: object, limit: int = SOURCE_CHARS) -> str:
    """A source name for a narrow column: UNKNOWN_SOURCE when missing, cut with "…"."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # type: ignore[call-overload]
        return UNKNOWN_SOURCE
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def article_list(df: pd.DataFrame, *, key: str, extra: list[str] | None = None) -> int | None:
    """Articles as a selectable table (text cells, never HTML); returns the picked article id."""
    if df.empty:
        st.caption("No articles.")
        return None
    cols = [c for c in [*ARTICLE_COLUMNS, *(extra or [])] if c in df.columns]
    shown = df[cols].copy()
    if "published_at" in shown:
        precisions = df["date_precision"] if "date_precision" in df else [None] * len(df)
        shown["published_at"] = [
            fmt_date(v, p) for v, p in zip(shown["published_at"], precisions, strict=True)
        ]
    if "source" in shown:
        shown["source"] = [short_source(v) for v in shown["source"]]
    event: Any = st.dataframe(
        shown.rename(columns={"published_at": "date"}),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        column_config={
            "date": st.column_config.TextColumn("date", width="small"),
            "title": st.column_config.TextColumn("title", width="large"),
            "source": st.column_config.TextColumn("source", width="small"),
        },
    )
    rows = list(event.selection.rows) if event is not None else []
    if rows and 0 <= rows[0] < len(df):
        return int(df.iloc[rows[0]]["article_id"])
    return None


def open_article_link(filters: Filters, article_id: int, title: str | None) -> None:
    """A link to the Articles page showing one article with its mentions highlighted."""
    params: dict[str, str | list[str]] = {**filters.to_query_params(), "article": str(article_id)}
    label = (title or "(untitled)").strip()
    if len(label) > 80:
        label = label[:77] + "…"
    st.page_link(
        "app_pages/articles.py",
        label=f"Open “{md_escape(label)}” with its mentions highlighted",
        icon=":material/open_in_new:",
        query_params=params,
    )


def cloud_png(pairs: tuple[tuple[str, float], ...]) -> tuple[bytes, list[str]]:
    """Word-cloud PNG for (term, weight) pairs (a hashable argument, so it can be cached)."""
    from presswatch import charts

    return charts.wordcloud_png(dict(pairs))


def coarse_dates_notice(left_out: dict[str, int], granularity: str, key: str) -> str | None:
    """Say how many dated articles a time chart leaves out (``queries.dates_too_coarse``),
    with a button switching the chart's granularity to one that holds them.

    ``key`` is the session-state key of the page's granularity widget; the button sets it
    in a callback, which runs before the widget is drawn again. Returns the message shown.
    """
    note = coarse_dates_note(left_out, granularity)
    if note is None:
        return None
    message, target = note

    def switch() -> None:
        st.session_state[key] = target

    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.caption(f"{message} — show by {target} to count them.")
    c2.button(f"Show by {target}", key=f"{key}_coarser", on_click=switch)
    return message
