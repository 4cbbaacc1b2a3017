"""presswatch dashboard: the entry point. Serve it with ``streamlit run app.py``.

This frame registers the pages, draws the shared sidebar (filters), runs the selected page
and finally writes the view into the URL. Pages live in ``pages/`` and only wire widgets to
``presswatch.queries`` and ``presswatch.charts`` through ``presswatch.ui``.
"""

from __future__ import annotations

import streamlit as st

from presswatch.store import StoreLockedError
from presswatch.ui import frame as ui_frame
from presswatch.ui import nav
from presswatch.ui.data import db_path, open_db

nav.page_setup()

page = nav.navigation()
page_id = page.url_path or "overview"

try:
    with open_db() as db:
        frame = ui_frame.begin(page_id, db)
        ui_frame.activate(frame)
        try:
            page.run()
        finally:
            ui_frame.activate(None)
        ui_frame.finish(frame, page.url_path)
except StoreLockedError as exc:
    st.error(
        f"The database {db_path()} is locked by another program, so the dashboard cannot "
        f"open it. {exc}"
    )
