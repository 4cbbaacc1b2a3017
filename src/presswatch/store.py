"""The database file: opening it, migrations, transactions, and waiting for the lock.

DuckDB lets one process hold a database file read-write, and while it does every other
process's open fails (read-only included). The served dashboard keeps one read-write
connection for as long as it runs (``shared_connection``); ``presswatch ingest`` and
``presswatch demo`` open the file when it is free (``open_when_free``) and keep it for the
run. How the two hand the file and batches to each other (markers and the spool
folder beside the database) is ``ingest.sinks``; this module imports nothing of presswatch
but the schema and the settings.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from presswatch.schema import LATEST_VERSION, MIGRATIONS
from presswatch.settings import MB, get_settings

log = logging.getLogger(__name__)

_LOCK_PID = re.compile(r"PID (\d+)")


def fetch_one(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> tuple[Any, ...] | None:
    """The first row of a query, with the result fully consumed.

    DuckDB 2.0 keeps a result open until a fetch returns no rows, and refuses further
    work on the connection meanwhile; ``fetchone()`` on a one-row result leaves it open.
    """
    rows = conn.execute(sql, list(params)).fetchall()
    return tuple(rows[0]) if rows else None


def fetch_value(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> Any:
    """The first column of the first row (None when there is no row)."""
    row = fetch_one(conn, sql, params)
    return row[0] if row else None


class StoreLockedError(RuntimeError):
    """Another process holds the database file; the message says which and what to do."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"The database {path} is in use by {holder} (a running dashboard or another "
            "ingest). presswatch ingest hands its batches to a running dashboard "
            "automatically; otherwise wait for the other process to finish."
        )


class StoreTargetError(RuntimeError):
    """The database path cannot serve as a presswatch database; the message says why in
    one sentence (for the CLI's error line and the dashboard's st.error)."""


class StoreVersionError(StoreTargetError):
    """The file was written by a newer presswatch than this one."""


class StoreReadOnlyError(StoreTargetError):
    """The file exists but this process may not write to it (it can still be read)."""


class ForeignDatabaseError(StoreTargetError):
    """A DuckDB file with tables of its own and no presswatch schema: left untouched."""


class StoreWriteError(RuntimeError):
    """A write that did not reach the database (the message says why, in a few words)."""


# The OS's words for a write that found no room, as DuckDB and Python repeat them.
_NO_ROOM = {
    "No space left on device": "disk full",
    "Disk quota exceeded": "disk full (quota exceeded)",
    "File too large": "disk full (the file size limit was reached)",
}


def write_failure(exc: BaseException) -> str:
    """What stopped a write, in a few words: "disk full" or the database's own first line."""
    text = str(exc)
    for needle, cause in _NO_ROOM.items():
        if needle in text:
            return cause
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"the database could not be written ({first})"


def resolve_db_path(path: str | Path | None) -> str:
    """The database path as DuckDB wants it (":memory:" passes through)."""
    if path is None:
        return str(get_settings().db_path)
    return str(path)


# For bulk writers (CLI ingest, demo, reindex): a batch of 4,000 6 KB articles changes about
# 30 MB, so DuckDB's default 16 MiB threshold would checkpoint after every batch.
BULK_CHECKPOINT_MB = 256


def open_store(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    memory_limit_bytes: int | None = None,
    checkpoint_mb: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (and when writable, create and migrate) the presswatch database.

    ``checkpoint_mb`` marks a bulk writer: DuckDB checkpoints when the changes since the
    last one reach that size (16 MiB by default), so the table files are rewritten a few
    times per run rather than after nearly every batch; it runs on one thread, and its
    cache is capped (``PRESSWATCH_INGEST_MEMORY_MB``) because it stays open for the whole
    run. It keeps DuckDB's write-ahead log like every writer: a commit is on disk when
    ``COMMIT`` returns, so a batch reported as stored survives the process being killed.
    """
    target = resolve_db_path(path)
    if target != ":memory:":
        _check_target(Path(target), read_only=read_only)
    try:
        config: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit_bytes:
            config["memory_limit"] = f"{memory_limit_bytes // MB}MiB"
        if checkpoint_mb:
            config["checkpoint_threshold"] = f"{checkpoint_mb}MiB"
            # A bulk writer runs beside analysis workers that already use every core;
            # DuckDB's own threads would only add contention.
            config["threads"] = 1
            config.setdefault("memory_limit", f"{get_settings().ingest_memory_bytes // MB}MiB")
        conn = duckdb.connect(target, read_only=read_only, config=config)
    except duckdb.IOException as exc:
        # DuckDB's own words, not just "lock": the path in the message may contain that.
        if "Could not set lock" in str(exc) or "Conflicting lock" in str(exc):
            match = _LOCK_PID.search(str(exc))
            raise StoreLockedError(Path(target), int(match.group(1)) if match else None) from exc
        raise _target_error(Path(target), exc) from exc
    try:
        # Checked before migrate() writes anything, so a file that is not ours stays as it was.
        _check_schema(conn, target, read_only=read_only)
        if not read_only:
            migrate(conn)
            try:
                fail_orphaned_runs(conn)
            except duckdb.OutOfMemoryException:
                raise
            except duckdb.Error:
                # Only a status, written again at the next open: with no room for it, the
                # process's own first write meets the full disk and says so.
                log.info("could not mark dead ingest runs failed", exc_info=True)
    except BaseException:
        conn.close()
        raise
    return conn


# --- runs whose process died ----------------------------------------------------------------

# A run's key names the process that produces it, "pid<pid>-<uuid>": the run may span many
# opens of the file (a CLI lets go of it for a waiting dashboard or CLI and takes it back,
# a dashboard imports a CLI's spooled batches), so only that process's life tells whether
# a "running" run will ever be finished.
_RUN_KEY = re.compile(r"pid(\d+)-[0-9a-f]{32}")
# What presswatch wrote before keys named their process: no live process owns such a run.
_OLD_RUN_KEY = re.compile(r"[0-9a-f]{32}")


def new_run_key() -> str:
    """A run key owned by this process (see fail_orphaned_runs)."""
    return f"pid{os.getpid()}-{uuid.uuid4().hex}"


def _orphaned(run_key: str) -> bool:
    match = _RUN_KEY.fullmatch(run_key)
    if match:
        pid = int(match.group(1))
        return pid != os.getpid() and not _alive(pid)
    return _OLD_RUN_KEY.fullmatch(run_key) is not None


def fail_orphaned_runs(conn: duckdb.DuckDBPyConnection) -> int:
    """Mark failed the runs still "running" whose process is gone (killed, crashed, power
    cut): nothing will finish them. Return how many; finished_at stays empty (unknown).

    A run of a live process stays running, also when another process holds the file now.
    A dead process's batches still waiting in the spool are imported later all the same:
    they add to the failed run, and a waiting end-of-run marks it done.
    """
    keys = conn.execute("SELECT run_key FROM ingest_runs WHERE status = 'running'").fetchall()
    orphans = [str(k) for (k,) in keys if _orphaned(str(k))]
    if orphans:
        with transaction(conn):
            conn.execute(
                "UPDATE ingest_runs SET status = 'failed' "
                "WHERE status = 'running' AND list_contains(?, run_key)",
                [orphans],
            )
            bump_data_version(conn)
    return len(orphans)


def _check_target(path: Path, *, read_only: bool) -> None:
    """Refuse a folder as the database, and make sure a new file's folder exists."""
    if path.is_dir():
        raise StoreTargetError(
            f"The database path {path} is a folder, not a file; "
            f"give a file path such as {path / 'presswatch.duckdb'}."
        )
    if read_only or path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise StoreTargetError(
            f"Cannot create the database {path}: a file is in the way of its folder."
        ) from exc
    except OSError as exc:
        raise StoreTargetError(
            f"Cannot create the folder {path.parent} for the database {path}: "
            f"{exc.strerror or exc}."
        ) from exc


def _target_error(path: Path, exc: duckdb.IOException) -> StoreTargetError:
    """DuckDB's refusal to open ``path``, as one sentence naming the path and the cause."""
    text = str(exc)
    if "not a valid DuckDB database file" in text:
        return StoreTargetError(
            f"{path} is not a DuckDB database file, so presswatch cannot use it; "
            "give a new file name or an existing presswatch database."
        )
    if any(s in text for s in ("Permission denied", "Operation not permitted", "Read-only")):
        if path.exists():
            return StoreReadOnlyError(
                f"The database {path} is read-only for this process, so presswatch cannot "
                "write to it."
            )
        return StoreTargetError(
            f"Cannot create the database {path}: its folder {path.parent} is not writable."
        )
    return StoreTargetError(f"Cannot open the database {path}: {text.removeprefix('IO Error: ')}")


def _check_schema(conn: duckdb.DuckDBPyConnection, target: str, *, read_only: bool) -> None:
    """Refuse a newer presswatch's file, an older one that cannot be migrated (read-only)
    and a foreign DuckDB file before anything is written."""
    tables = {
        str(r[0])
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database()"
        ).fetchall()
    }
    foreign = ForeignDatabaseError(
        f"{target} is a DuckDB database of another program (tables: "
        f"{', '.join(sorted(tables)[:5])}), not a presswatch one; presswatch leaves it "
        "untouched, so choose another database file."
    )
    try:
        version = schema_version(conn)
    except duckdb.Error as exc:  # a schema_migrations table of another program
        raise foreign from exc
    # A crash between creating schema_migrations and migration 1 leaves only that table.
    if version == 0 and tables - {"schema_migrations"}:
        raise foreign
    # Another tool's migrations table of the same shape: migration 1 made these tables.
    if version > 0 and not {"ingest_runs", "store_meta"} <= tables:
        raise foreign
    if read_only and 0 < version < LATEST_VERSION:
        # Queries expect the latest schema, and a read-only file cannot be migrated.
        raise StoreVersionError(
            f"The database {target} has schema version {version}, older than this "
            f"presswatch ({LATEST_VERSION}), and is open read-only; open it once with write "
            "access (any presswatch command, or the dashboard) to upgrade it."
        )
    if version > LATEST_VERSION:
        raise StoreVersionError(
            f"The database {target} has schema version {version}, newer than this "
            f"presswatch knows ({LATEST_VERSION}); upgrade presswatch to use it."
        )


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for a new file."""
    exists = fetch_value(
        conn,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'",
    )
    if not exists:
        return 0
    return int(fetch_value(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations"))


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply the missing migrations, each in its own transaction; return the new version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise StoreVersionError(
            f"the database has schema version {current}, newer than this presswatch "
            f"({LATEST_VERSION}); upgrade presswatch"
        )
    for version, description, statements in MIGRATIONS:
        if version <= current:
            continue
        with transaction(conn):
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, description, _utcnow()],
            )
    return LATEST_VERSION


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, rolling back on any exception so no half batch is ever stored."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def data_version(conn: duckdb.DuckDBPyConnection) -> int:
    """A number that grows whenever stored data changes: part of every dashboard cache key."""
    value = fetch_value(conn, "SELECT value FROM store_meta WHERE key = 'data_version'")
    return int(value) if value is not None else 0


def bump_data_version(conn: duckdb.DuckDBPyConnection) -> None:
    """Mark stored data as changed (call inside the writing transaction)."""
    conn.execute("UPDATE store_meta SET value = value + 1 WHERE key = 'data_version'")


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_shared: dict[str, duckdb.DuckDBPyConnection] = {}
_shared_lock = threading.Lock()


def shared_connection(
    path: str | Path | None = None,
    *,
    ask: Callable[[], AbstractContextManager[object]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """The dashboard process's one read-write connection (call ``.cursor()`` per thread).

    Opened on the first call for a path; while another process holds the file it is
    retried for up to 30 s inside ``ask()`` (how the caller asks the holder to let go).
    """
    target = resolve_db_path(path)
    with _shared_lock:
        conn = _shared.get(target)
        if conn is None:
            conn = _open_with_retry(target, ask=ask)
            _shared[target] = conn
        return conn


def _open_with_retry(
    target: str,
    *,
    ask: Callable[[], AbstractContextManager[object]] | None,
    wait_seconds: float = 30.0,
) -> duckdb.DuckDBPyConnection:
    """Open read-write; if a bulk writer holds the file, ask for it and wait for its batch."""
    # Without a limit DuckDB may keep up to 80% of the machine's memory as cache.
    limit = get_settings().dashboard_memory_bytes
    return open_when_free(
        lambda: open_store(target, memory_limit_bytes=limit), ask=ask, wait_seconds=wait_seconds
    )


def open_when_free(
    open_fn: Callable[[], duckdb.DuckDBPyConnection],
    *,
    wait_seconds: float,
    ask: Callable[[], AbstractContextManager[object]] | None = None,
    poll_seconds: float = 0.2,
    on_locked: Callable[[StoreLockedError], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """``open_fn()``, retried while another process holds the file, inside ``ask()`` from
    the first refusal on (a marker the holder looks for, so that it lets go).

    ``on_locked`` sees every refusal and may raise to stop waiting; after ``wait_seconds``
    the last StoreLockedError is raised.
    """
    deadline = time.monotonic() + wait_seconds
    with ExitStack() as stack:
        asked = False
        while True:
            try:
                return open_fn()
            except StoreLockedError as exc:
                if on_locked is not None:
                    on_locked(exc)
                if time.monotonic() >= deadline:
                    raise
                if not asked and ask is not None:
                    stack.enter_context(ask())
                    asked = True
                time.sleep(poll_seconds)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True
