"""Streamlit glue for the dashboard: URL state, the shared sidebar, cached queries, rendering.

Everything Streamlit-specific that pages share lives here; the pages in ``app_pages/`` only wire
widgets to ``presswatch.queries`` and ``presswatch.charts`` through these helpers.
"""
