"""Database access for the dashboard: one shared connection, a cursor per run, bounded caches.

The connection is a ``st.cache_resource`` (the process's single read-write owner from
``store.shared_connection``, or a read-only one for a file this process may not write);
each script run opens its own cursor, so sessions and threads never share one. Query
results go through ``st.cache_data`` keyed by the database path, ``store.data_version``
(so newly ingested articles show up at once), the query's name and the repr of its
arguments (Filters is a frozen dataclass with a stable repr). It is the one cache of query
results: the parts several queries share (``queries.use_cache``) are kept in it too.

What does not depend on the session is built once per process and shared: query results
(above), figures (``Db.figure``: one object every session draws, never changes), and the
long-lived heap of imported modules, frozen out of the garbage collector's walks after the
first run (``settle_process``).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from presswatch import export, queries, store
from presswatch.filters import Filters
from presswatch.ingest import sinks, write
from presswatch.settings import get_settings

T = TypeVar("T")

CACHE_ENTRIES = 256
CACHE_TTL_SECONDS = 3600
# Figures are kept in the garbage collector's view (hundreds of objects each), so fewer.
FIGURE_ENTRIES = 64


def db_path() -> str:
    """The database this process serves (PRESSWATCH_DB, read at call time)."""
    return store.resolve_db_path(None)


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # Trying read-write first (rather than os.access) also catches what permission bits
    # do not show: root ignores them, while an immutable file or a read-only mount refuses.
    try:
        conn = store.shared_connection(path, ask=lambda: sinks.waiting_for(path))
    except store.StoreReadOnlyError:
        # A file this process may not write (an archive copy, a read-only mount) is still
        # worth browsing: serve it read-only, without the spool importer, which writes.
        limit = get_settings().dashboard_memory_bytes
        return store.open_store(path, read_only=True, memory_limit_bytes=limit)
    # The owner loads the batches a CLI ingest spools while this process holds the file.
    sinks.start_importer(conn, path)
    # A file migrated from before countries had a status shows it from the first view on.
    write.fill_entity_status(conn)
    return conn


def connection() -> duckdb.DuckDBPyConnection:
    """The process-wide owner connection (never used directly for queries: take a cursor)."""
    return _connection(db_path())


def served_read_only() -> bool:
    """Whether this process serves the database read-only (ingest is then unavailable)."""
    return _read_only(db_path())


@st.cache_resource(show_spinner=False)
def _read_only(path: str) -> bool:
    # Fixed for as long as the cached connection lives, so asked once, not on every run.
    cur = _connection(path).cursor()
    try:
        return bool(
            store.fetch_value(
                cur,
                "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()",
            )
        )
    finally:
        cur.close()


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached(path: str, version: int, name: str, key: str, _call: Callable[[], Any]) -> Any:
    # ``_call`` is excluded from the hash: the other arguments say everything it depends on.
    return _call()


def _shared_part(
    conn: duckdb.DuckDBPyConnection, name: str, key: str, compute: Callable[[], Any]
) -> Any:
    # What several queries compute from the same data (see queries.use_cache) lands in the
    # same bounded cache as whole query results. A database without a file (an in-memory
    # one in tests) or without a data version has nothing to key it by: computed.
    path = store.fetch_value(
        conn, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    if not path:
        return compute()
    try:
        version = store.data_version(conn)
    except duckdb.Error:
        return compute()
    return _cached(str(path), version, f"queries.{name}", key, compute)


queries.use_cache(_shared_part)


# Not a second cache of query results: rendered figures, shared by identity between sessions.
@st.cache_resource(max_entries=FIGURE_ENTRIES, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _shared(name: str, key: str, _call: Callable[[], Any]) -> Any:
    # cache_resource hands every session the same object (no pickled copy): right for a
    # figure, which st.plotly_chart only reads (it serialises a copy), and whose pickled
    # round trip would cost as much as building it again.
    return _call()


def _args_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """A digest of the arguments that is equal exactly when their data are equal."""
    h = hashlib.blake2b(digest_size=20)
    for value in args:
        h.update(_value_bytes(value))
    for name, value in sorted(kwargs.items()):
        h.update(name.encode() + b"=" + _value_bytes(value))
    return h.hexdigest()


def _value_bytes(value: Any) -> bytes:
    # A DataFrame's repr is cut short for long frames, and its pickle differs between a
    # frame and its unpickled copy (each session gets a copy from st.cache_data), so a
    # frame is keyed by its content as plain Python values: column names and dtypes, the
    # index and every row's values.
    if isinstance(value, pd.DataFrame):
        value = (
            [(str(name), str(dtype)) for name, dtype in value.dtypes.items()],
            value.index.tolist(),
            value.to_numpy(dtype=object).tolist(),
        )
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass
class Db:
    """What a script run uses to reach the data: its own cursor and the data version."""

    path: str
    cur: duckdb.DuckDBPyConnection
    version: int

    def q(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a ``queries`` function (cursor first), cached on (db, version, name, args)."""
        key = repr((args, sorted(kwargs.items())))
        name = f"{fn.__module__}.{fn.__qualname__}"
        return _cached(self.path, self.version, name, key, lambda: fn(self.cur, *args, **kwargs))

    def compute(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a pure function of data (e.g. a word cloud), cached the same way."""
        key = repr((args, sorted(kwargs.items())))
        name = f"{fn.__module__}.{fn.__qualname__}"
        return _cached(self.path, self.version, name, key, lambda: fn(*args, **kwargs))

    def figure(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A ``charts`` figure of these arguments, built once and shared by every session:
        draw it, never change it (build a new one with ``fn`` to change it)."""
        name = f"{fn.__module__}.{fn.__qualname__}"
        return _shared(name, _args_key(args, kwargs), lambda: fn(*args, **kwargs))


def settle_process() -> None:
    """Call at the end of a finished run: the first one freezes what the process has
    loaded so far (imported modules, plotly's templates, the connection) out of the
    garbage collector's walks."""
    _freeze_long_lived()


@st.cache_resource(show_spinner=False)
def _freeze_long_lived() -> bool:
    # Streamlit runs a full collection after every script run (runner.postScriptGC), and
    # Python runs one now and then; each walks every tracked object, most of them the
    # modules the first run imported, which live as long as the process. Frozen objects
    # are still freed when nothing refers to them; only cycles among them are kept, so
    # collect first.
    gc.collect()
    gc.freeze()
    return True


@contextmanager
def open_db() -> Iterator[Db]:
    """A cursor for this script run, closed when the run ends (also on rerun/stop)."""
    conn = connection()
    cur = conn.cursor()
    try:
        yield Db(path=db_path(), cur=cur, version=store.data_version(cur))
    finally:
        cur.close()


def articles_csv_factory(
    filters: Filters,
    description: str,
    conn: duckdb.DuckDBPyConnection | None = None,
    link: str | None = None,
) -> Callable[[], bytes]:
    """A no-argument callable producing the CSV of *all* filtered articles.

    ``st.download_button`` runs it in its own thread when the user clicks, so it opens its
    own cursor instead of borrowing the run's.
    """
    owner = conn if conn is not None else connection()

    def build() -> bytes:
        return articles_csv(owner, filters, description, link)

    return build


def articles_csv(
    conn: duckdb.DuckDBPyConnection, filters: Filters, description: str, link: str | None = None
) -> bytes:
    """Every filtered article as formula-safe CSV bytes (chunked, so large sets stream);
    ``link`` is the view's address for the first line."""
    cur = conn.cursor()
    try:
        # With a text query, each row says where it matched (the text is read only for that).
        query = filters.text.strip()
        chunks = queries.iter_articles_all(cur, filters, include_text=bool(query))
        if query:
            chunks = (queries.with_match_snippet(c, query) for c in chunks)
        return export.to_csv_bytes(
            chunks, description=description, generated_at=now_utc(), link=link
        )
    finally:
        cur.close()


def kwic_csv_factory(
    filters: Filters,
    entity_id: str | None,
    order: queries.ArticleOrder,
    description: str,
    link: str | None = None,
) -> Callable[[], bytes]:
    """A no-argument callable producing every keyword-in-context line as formula-safe CSV
    (the page shows the first 200); its own cursor, as for ``articles_csv_factory``."""
    owner = connection()

    def build() -> bytes:
        return kwic_csv(owner, filters, entity_id, order, description, link)

    return build


def kwic_csv(
    conn: duckdb.DuckDBPyConnection,
    filters: Filters,
    entity_id: str | None,
    order: queries.ArticleOrder,
    description: str,
    link: str | None = None,
) -> bytes:
    """Every KWIC line of the filtered articles (around ``entity_id``'s mentions, else the
    text query's matches) as CSV bytes; ``link`` is the view's address for the first line."""
    cur = conn.cursor()
    try:
        chunks = queries.iter_kwic_all(cur, filters, entity_id=entity_id, order=order)
        return export.to_csv_bytes(
            chunks, description=description, generated_at=now_utc(), link=link
        )
    finally:
        cur.close()


def now_utc() -> datetime:
    """Timezone-aware now (export file names and comment lines say UTC)."""
    return datetime.now(UTC)
