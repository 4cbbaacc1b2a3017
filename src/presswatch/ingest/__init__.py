"""Ingestion: files, pages and records -> Article/Reject records (readers, dates, cleaning),
then the write path: analyse -> rows -> write, through a sink, driven by ``pipeline``.

Each stage imports only the stages before it, and this package imports none of them, so
``rows`` and ``analyse`` load without DuckDB, the spool or the readers.
"""
