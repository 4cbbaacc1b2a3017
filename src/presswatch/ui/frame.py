"""The frame around every page: URL adoption, the sidebar, the page header and the URL write.

``app.py`` builds the frame with ``begin``, runs the page inside ``serving(frame)`` and
calls ``finish`` after it. Each page starts with ``enter(page_id, title)``, which hands it
that frame and draws the header (the title, the one-line filter description, the notes
about ignored URL values and the "copy link" box).

The page files live in ``app_pages/``, not ``pages/``: a ``pages/`` folder beside the
entry point switches Streamlit to its legacy pages-directory mode, which runs a page file
without app.py (on a server's first run and on every AppTest run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from presswatch import queries
from presswatch.filters import Filters, describe
from presswatch.ui import sidebar
from presswatch.ui.data import Db
from presswatch.ui.render import md_escape
from presswatch.ui.state import (
    NOTES_KEY,
    Options,
    ViewState,
    read_url,
    should_adopt,
    write_url,
)

# Session state is how Streamlit's entry point hands per-run objects to the page it runs;
# the key holds the frame only while the page runs.
FRAME_KEY = "_pw_frame"


@dataclass
class Frame:
    """Per-run objects shared between app.py and the page being run."""

    db: Db
    view: ViewState
    total_articles: int
    n_articles: int
    description: str
    notes_slot: Any = None
    link_slot: Any = None

    @property
    def empty(self) -> bool:
        """True when the database holds no article at all."""
        return self.total_articles == 0

    def link(self) -> str:
        """The shareable address of this view, for export headers: its filters and the page
        options read so far, which are all that the data drawn so far depends on."""
        return link_for(self.view.params(), self.view.page)


def begin(page: str, db: Db) -> Frame:
    """Decide the view for this run (URL or widgets), draw the sidebar, count the articles."""
    raw = read_url()
    adopt = should_adopt(raw, page)
    known = db.q(queries.known_values)
    total = db.q(queries.count_articles, Filters())
    notes: list[str] = []
    if adopt:
        filters, notes = Filters.from_query_params(raw, known=known)
        sidebar.seed(filters)
    if total > 0:
        filters = sidebar.draw(known)
    else:
        filters = Filters()
        st.sidebar.info("The database is empty: nothing to filter yet.")
    options = Options(page=page, params=raw, adopt=adopt)
    view = ViewState(page=page, filters=filters, known=known, options=options, raw=raw, notes=notes)
    n = total if filters.is_default else db.q(queries.count_articles, filters)
    desc = describe(filters, n, known.names)
    return Frame(db=db, view=view, total_articles=total, n_articles=n, description=desc)


@contextmanager
def serving(frame: Frame) -> Iterator[None]:
    """Offer ``frame`` to the page that runs inside this block (``enter`` takes it)."""
    st.session_state[FRAME_KEY] = frame
    try:
        yield
    finally:
        # A stale frame holds a closed cursor: never leave one for the next run.
        st.session_state.pop(FRAME_KEY, None)


def enter(page: str, title: str, *, show_filters: bool = True) -> Frame:
    """Start a page: take the frame app.py prepared for it, then draw the header."""
    frame = st.session_state.get(FRAME_KEY)
    if not isinstance(frame, Frame) or frame.view.page != page:
        raise RuntimeError(
            f"the {page!r} page runs only through the dashboard's entry point "
            "(streamlit run app.py), which prepares its frame"
        )
    header(frame, title, show_filters=show_filters)
    return frame


def header(frame: Frame, title: str, *, show_filters: bool = True) -> None:
    """Title, filter description, URL notes and the "copy link" box."""
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    left.title(title)
    with right.popover("Copy link", icon=":material/link:", width="stretch"):
        st.caption("Anyone who opens this link sees this view:")
        frame.link_slot = st.empty()
    if show_filters and not frame.empty:
        st.caption(md_escape(frame.description))
    frame.notes_slot = st.container()


def empty_database_message() -> None:
    """The friendly message for a database without articles."""
    st.info(
        "There are no articles in the database yet. Load some with the **Ingest** page "
        "(upload HTML, text, CSV, JSONL, Parquet or zip files), or from a terminal:\n\n"
        "```\npresswatch demo            # a synthetic demo corpus\n"
        "presswatch ingest FOLDER    # your own articles\n```"
    )
    st.page_link("app_pages/ingest.py", label="Go to the Ingest page", icon=":material/upload:")


def link_for(params: dict[str, str | list[str]], page_path: str) -> str:
    """The full address of this view (relative when the browser URL is unknown)."""
    base = urlsplit(st.context.url or ("/" + page_path))
    query = urlencode(params, doseq=True)
    return urlunsplit((base.scheme, base.netloc, base.path or "/", query, ""))


def _quote(text: str) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(clean[:40] + ("…" if len(clean) > 40 else ""))


def finish(frame: Frame, page_path: str) -> None:
    """Write the view to the URL, fill the copy-link box and show the URL notes."""
    view = frame.view
    params = view.params()
    write_url(params, view.page, view.raw)
    if frame.link_slot is not None:
        frame.link_slot.code(link_for(params, page_path), language=None, wrap_lines=True)
    notes = [*view.notes, *view.options.notes]
    if view.options.adopt:
        notes += [
            f"Ignored the parameter {_quote(key)}: this page does not use it."
            for key in view.unused_params()[:10]
        ]
    wanted = st.session_state.get("_pw_url")
    if view.options.adopt:
        st.session_state[NOTES_KEY] = (notes, wanted)
    kept, at = st.session_state.get(NOTES_KEY, ([], None))
    if kept and at == wanted:
        target = frame.notes_slot if frame.notes_slot is not None else st
        target.warning(
            "Some settings in the link could not be used and were reset to defaults:\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in kept)
        )
