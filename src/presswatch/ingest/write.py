"""Batches into the store: write a batch, finish a run, replace analysis on reindex.

Each write is one transaction, so an interrupted run leaves only whole batches. The
entity table is refreshed from the reference tables themselves (``extract.gazetteer``),
not from a built detector: closing a run must not cost building the matcher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from presswatch.ingest.rows import Batch
from presswatch.store import bump_data_version, fetch_one, fetch_value, transaction


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Identifies one ingest run across all its batches (and across processes, via the spool)."""

    run_key: str
    origin: str  # cli | upload | demo
    inputs: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write did."""

    added: int
    duplicates: int
    undated_added: int


# The rows that hang off an article, inserted only for articles new to the store. Fixed
# statements (no table name is ever built from input).
_INSERT_DEPENDENT = {
    "mentions": "INSERT INTO mentions SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)",
    "article_entities": (
        "INSERT INTO article_entities SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)"
    ),
    "country_pairs": (
        "INSERT INTO country_pairs SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)"
    ),
    # Sorted by term so each row group covers few terms: word look-ups skip most of the
    # table by its min/max statistics.
    "article_terms": (
        "INSERT INTO article_terms SELECT * FROM b_rows SEMI JOIN b_new USING (article_id) "
        "ORDER BY term_id"
    ),
}


def _run_id(conn: duckdb.DuckDBPyConnection, run: RunInfo) -> int:
    """The run's id, creating its row on the run's first batch."""
    existing = fetch_value(conn, "SELECT run_id FROM ingest_runs WHERE run_key = ?", [run.run_key])
    if existing is not None:
        return int(existing)
    run_id = int(fetch_value(conn, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))
    conn.execute(
        "INSERT INTO ingest_runs (run_id, run_key, started_at, origin, inputs, status) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, run.run_key, run.started_at, run.origin, run.inputs],
    )
    return run_id


def refresh_entities(conn: duckdb.DuckDBPyConnection) -> None:
    """Reload the reference table of countries, organisations and watch-list groups."""
    from presswatch.extract.gazetteer import load_entities
    from presswatch.extract.watchlist import load_watchlists

    countries, organisations = load_entities()
    rows: list[tuple[str, str, str, str | None, str | None, str | None]] = [
        (c.id, "country", c.name, c.iso3, c.region, c.status) for c in countries.values()
    ]
    rows += [(o.id, "organisation", o.name, None, None, None) for o in organisations.values()]
    rows += [(f"term:{g.label}", "term", g.label, None, None, None) for g in load_watchlists()]
    conn.execute("DELETE FROM entities")
    conn.executemany(
        "INSERT INTO entities (entity_id, kind, name, iso3, region, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def fill_entity_status(conn: duckdb.DuckDBPyConnection) -> bool:
    """Give countries their status (data/countries.tsv) where the column is still empty,
    as in a file migrated from schema 1 that no ingest has refreshed; True if it wrote.

    Reads the countries table only (not the whole gazetteer), so opening the dashboard
    stays quick.
    """
    missing = fetch_value(
        conn, "SELECT count(*) FROM entities WHERE kind = 'country' AND status IS NULL"
    )
    if not missing:
        return False
    from presswatch.extract.gazetteer import load_countries
    from presswatch.settings import DATA_DIR

    countries = load_countries(DATA_DIR / "countries.tsv")
    with transaction(conn):
        conn.executemany(
            "UPDATE entities SET status = ? WHERE entity_id = ? AND kind = 'country' "
            "AND status IS NULL",
            [(c.status, c.id) for c in countries.values()],
        )
        bump_data_version(conn)  # cached names are stale
    return True


def finish_run(conn: duckdb.DuckDBPyConnection, run: RunInfo, *, status: str = "done") -> int:
    """Close a run (creating its row if no batch was written, e.g. every file rejected)."""
    with transaction(conn):
        if status != "failed":  # a failed run may have no room left for more than its status
            refresh_entities(conn)
        run_id = _run_id(conn, run)
        conn.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = ? WHERE run_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), status, run_id],
        )
        bump_data_version(conn)
    return run_id


def finish_reindex(conn: duckdb.DuckDBPyConnection) -> None:
    """Refresh the entity names after a reindex: watch-list groups may have been added or
    renamed since the articles were stored."""
    with transaction(conn):
        refresh_entities(conn)
        bump_data_version(conn)


def _insert_dependent_rows(conn: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Rows that hang off the articles listed in ``b_new``, plus terms new to the store."""
    for name, statement in _INSERT_DEPENDENT.items():
        conn.register("b_rows", tables[name])
        conn.execute(statement)
        conn.unregister("b_rows")
    conn.register("b_terms", tables["terms"])
    conn.execute(
        "INSERT INTO terms SELECT DISTINCT term_id, term FROM b_terms "
        "WHERE term_id NOT IN (SELECT term_id FROM terms)"
    )
    conn.unregister("b_terms")


def write_batch(
    conn: duckdb.DuckDBPyConnection,
    batch: Batch,
    run: RunInfo,
    *,
    before_commit: Callable[[duckdb.DuckDBPyConnection, WriteResult], None] | None = None,
) -> WriteResult:
    """Store a batch atomically: new articles with all their rows, or nothing at all.

    ``before_commit`` writes more rows in the same transaction (the spool's record that
    this batch was imported, so a batch is never imported twice).
    """
    t = batch.tables
    # Registered outside the transaction: unregistering inside a failed one raises, and
    # that error would hide the one that failed it (a full disk).
    conn.register("b_articles", t["articles"])
    try:
        with transaction(conn):
            run_id = _run_id(conn, run)
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE b_new AS SELECT article_id FROM b_articles "
                "WHERE article_id NOT IN (SELECT article_id FROM articles)"
            )
            row = fetch_one(
                conn,
                "SELECT count(*), count(*) FILTER (WHERE published_at IS NULL) "
                "FROM b_articles SEMI JOIN b_new USING (article_id)",
            )
            added, undated_added = (int(row[0]), int(row[1])) if row else (0, 0)
            conn.execute(
                "INSERT INTO articles SELECT * REPLACE (? AS run_id) FROM b_articles "
                "SEMI JOIN b_new USING (article_id)",
                [run_id],
            )
            _insert_dependent_rows(conn, t)
            conn.register("b_rejects", t["rejects"])
            conn.execute(
                "INSERT INTO rejects SELECT * REPLACE (? AS run_id) FROM b_rejects", [run_id]
            )
            conn.unregister("b_rejects")
            conn.execute("DROP TABLE b_new")
            duplicates = batch.articles_seen - added
            conn.execute(
                "UPDATE ingest_runs SET files_read = files_read + ?, "
                "articles_seen = articles_seen + ?, articles_added = articles_added + ?, "
                "duplicates = duplicates + ?, rejects = rejects + ?, undated = undated + ? "
                "WHERE run_id = ?",
                [
                    batch.files_read,
                    batch.articles_seen,
                    added,
                    duplicates,
                    t["rejects"].num_rows,
                    undated_added,
                    run_id,
                ],
            )
            bump_data_version(conn)
            result = WriteResult(added=added, duplicates=duplicates, undated_added=undated_added)
            if before_commit is not None:
                before_commit(conn, result)
    finally:
        conn.unregister("b_articles")
    return result


def replace_analysis(conn: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    """Swap the derived rows of already-stored articles for a fresh analysis (reindex)."""
    t = batch.tables
    conn.register("b_new", t["articles"].select(["article_id"]))  # see write_batch
    try:
        with transaction(conn):
            for statement in _DELETE_DEPENDENT:
                conn.execute(statement)
            _insert_dependent_rows(conn, t)
            conn.register("b_articles", t["articles"])
            conn.execute(
                "UPDATE articles SET country_sentences = b.country_sentences, "
                "country_sentences_named = b.country_sentences_named "
                "FROM b_articles b WHERE articles.article_id = b.article_id"
            )
            conn.unregister("b_articles")
            bump_data_version(conn)
    finally:
        conn.unregister("b_new")


_DELETE_DEPENDENT = tuple(
    f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM b_new)"  # noqa: S608
    for name in ("mentions", "article_entities", "country_pairs", "article_terms")
)
