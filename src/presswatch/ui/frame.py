"""The frame around every page: URL adoption, the sidebar, the page header and the URL write.

``app.py`` calls ``begin`` before running the page and ``finish`` after it. Each page
starts with ``enter(page_id, title)`` (the title, the one-line filter description, the
notes about ignored URL values and the "copy link" box) and ends with ``leave(frame)``.

Streamlit runs a page file *without* the entry point in one case: when a ``pages/``
folder sits next to the entry point, the first script run of the server process (and
every AppTest run) uses the legacy pages-directory mode, which executes the page file
directly. ``enter`` notices that app.py did not set up this run and builds the frame
itself (same sidebar, same URL handling), and ``leave`` then finishes it.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from presswatch import queries
from presswatch.filters import Filters, describe
from presswatch.store import StoreLockedError
from presswatch.ui import nav, sidebar
from presswatch.ui.data import Db, open_db
from presswatch.ui.render import md_escape
from presswatch.ui.state import (
    NOTES_KEY,
    URL_KEY,
    Options,
    ViewState,
    read_url,
    should_adopt,
    write_url,
)

LEGACY_KEY = "_pw_legacy_rerun"
_active = threading.local()  # the frame app.py set up for the page running in this thread


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
    owned: ExitStack | None = None  # set when the page (not app.py) opened the cursor

    @property
    def empty(self) -> bool:
        """True when the database holds no article at all."""
        return self.total_articles == 0


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


def activate(frame: Frame | None) -> None:
    """Make ``frame`` the one pages in this thread use (None when the page has finished)."""
    _active.frame = frame


def enter(page: str, title: str, *, show_filters: bool = True) -> Frame:
    """Start a page: the frame app.py prepared (or one of its own), then the header."""
    frame = getattr(_active, "frame", None)
    if not isinstance(frame, Frame) or frame.view.page != page:
        # Legacy mode ran this file alone. Registering the pages gives this run the real
        # menu and switches the server to st.navigation (through app.py) for good.
        nav.page_setup()
        nav.navigation()
        if URL_KEY not in st.session_state and not st.session_state.get(LEGACY_KEY):
            # A fresh page load has no pending click to lose: rerun through app.py now, so
            # the widgets get the ids they keep from then on.
            st.session_state[LEGACY_KEY] = True
            st.rerun()
        stack = ExitStack()
        try:
            db = stack.enter_context(open_db())
        except StoreLockedError as exc:
            st.error(str(exc))
            st.stop()
        frame = begin(page, db)
        frame.owned = stack
    header(frame, title, show_filters=show_filters)
    return frame


def leave(frame: Frame) -> None:
    """End a page: finish the frame if the page opened it (app.py finishes its own)."""
    if frame.owned is not None:
        try:
            finish(frame, frame.view.page)
        finally:
            frame.owned.close()
            frame.owned = None


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
    st.page_link("pages/ingest.py", label="Go to the Ingest page", icon=":material/upload:")


def link_for(params: dict[str, str | list[str]], page_path: str) -> str:
    """The full address of this view (relative when the browser URL is unknown)."""
    base = urlsplit(st.context.url or ("/" + page_path))
    query = urlencode(params, doseq=True)
    return urlunsplit((base.scheme, base.netloc, base.path or "/", query, ""))


def current_link() -> str | None:
    """The shareable address of the view this thread is drawing, for export headers: its
    filters and the page options read so far, which are all that data drawn so far depends
    on. None outside a page run that app.py prepared."""
    frame = getattr(_active, "frame", None)
    if not isinstance(frame, Frame):
        return None
    return link_for(frame.view.params(), frame.view.page)


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
