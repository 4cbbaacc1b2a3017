"""The page registry: one place that lists the dashboard's pages for ``st.navigation``."""

from __future__ import annotations

from typing import Any

import streamlit as st

# (file relative to app.py, title, icon, URL path). The URL path is the file's stem, so a
# page reached through Streamlit's legacy pages-directory mode has the same address.
PAGE_SPECS: tuple[tuple[str, str, str, str], ...] = (
    ("pages/overview.py", "Overview", ":material/dashboard:", "overview"),
    ("pages/mentions.py", "Mentions over time", ":material/show_chart:", "mentions"),
    ("pages/cooccurrence.py", "Co-occurrence", ":material/hub:", "cooccurrence"),
    ("pages/terms.py", "Terms", ":material/cloud:", "terms"),
    ("pages/articles.py", "Articles", ":material/article:", "articles"),
    ("pages/ingest.py", "Ingest", ":material/upload_file:", "ingest"),
)


def pages() -> list[Any]:
    """The ``st.Page`` objects, Overview first (the default page)."""
    return [
        st.Page(path, title=title, icon=icon, url_path=url_path, default=i == 0)
        for i, (path, title, icon, url_path) in enumerate(PAGE_SPECS)
    ]


def page_setup() -> None:
    """Browser tab title, icon and the wide layout."""
    st.set_page_config(page_title="presswatch", page_icon=":material/newspaper:", layout="wide")


def navigation() -> Any:
    """Register the pages (sidebar menu) and return the selected one."""
    return st.navigation(pages())
