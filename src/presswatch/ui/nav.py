"""The page registry: one place that lists the dashboard's pages for ``st.navigation``."""

from __future__ import annotations

from typing import Any

import streamlit as st

# (file relative to app.py, title, icon, URL path). The files are in app_pages/, not pages/:
# a pages/ folder beside app.py would turn on Streamlit's legacy pages-directory mode.
PAGE_SPECS: tuple[tuple[str, str, str, str], ...] = (
    ("app_pages/overview.py", "Overview", ":material/dashboard:", "overview"),
    ("app_pages/mentions.py", "Mentions over time", ":material/show_chart:", "mentions"),
    ("app_pages/cooccurrence.py", "Co-occurrence", ":material/hub:", "cooccurrence"),
    ("app_pages/terms.py", "Terms", ":material/cloud:", "terms"),
    ("app_pages/articles.py", "Articles", ":material/article:", "articles"),
    ("app_pages/ingest.py", "Ingest", ":material/upload_file:", "ingest"),
)


# Streamlit serves the default page only at the root ("/"): its own url_path is not an
# address, so a typed /overview would say "Page not found". A hidden page runs the same
# file at /overview; the default page keeps an internal url_path of its own because page
# identities are hashes of url_path and two pages may not share one.
ROOT_URL_PATH = "home"


def pages() -> list[Any]:
    """The ``st.Page`` objects: Overview first (the default page, at "/"), the menu pages,
    then Overview again at its own path, hidden from the menu."""
    (first_path, first_title, first_icon, first_url), *rest = PAGE_SPECS
    return [
        st.Page(
            first_path, title=first_title, icon=first_icon, url_path=ROOT_URL_PATH, default=True
        ),
        *(
            st.Page(path, title=title, icon=icon, url_path=url_path)
            for path, title, icon, url_path in rest
        ),
        st.Page(
            first_path, title=first_title, icon=first_icon, url_path=first_url, visibility="hidden"
        ),
    ]


def page_setup() -> None:
    """Browser tab title, icon and the wide layout."""
    st.set_page_config(page_title="presswatch", page_icon=":material/newspaper:", layout="wide")


def navigation() -> Any:
    """Register the pages (sidebar menu) and return the selected one."""
    return st.navigation(pages())
