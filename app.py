"""presswatch dashboard: the entry point. Serve it with ``streamlit run app.py``.

This frame registers the pages, draws the shared sidebar (filters), runs the selected page
and finally writes the view into the URL. Pages live in ``app_pages/`` (a ``pages/`` folder
would switch Streamlit to its legacy mode, which runs page files without this frame) and only
wire widgets to ``presswatch.queries`` and ``presswatch.charts`` through ``presswatch.ui``.
"""

from __future__ import annotations

import streamlit as st

from presswatch.settings import SettingsError
from presswatch.store import StoreLockedError, StoreTargetError
from presswatch.ui import frame as ui_frame
from presswatch.ui import nav
from presswatch.ui.data import db_path, open_db, served_read_only, settle_process

nav.page_setup()

page = nav.navigation()
page_id = page.url_path or "overview"

try:
    with open_db() as db:
        if served_read_only():
            st.info(
                f"The database {db_path()} is read-only for the dashboard: it is shown "
                "as it is, and ingest is unavailable."
            )
        frame = ui_frame.begin(page_id, db)
        with ui_frame.serving(frame):
            page.run()
        ui_frame.finish(frame, page.url_path)
    settle_process()
except StoreLockedError as exc:
    st.error(
        f"The database {db_path()} is locked by another program, so the dashboard cannot "
        f"open it. {exc}"
    )
except (StoreTargetError, SettingsError) as exc:
    # Each says in one sentence what is wrong with the database path or setting.
    st.error(str(exc))
