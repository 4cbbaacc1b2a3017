"""Where finished batches go: the sinks, and the spool that hands batches to a dashboard.

DuckDB lets one process hold a database file read-write, and while it does every other
process's open fails (read-only included). Who owns the file:

* The served dashboard owns it for as long as it runs (``store.shared_connection``), and
  runs the importer here (``start_importer``) that loads the batches a CLI ingest spooled
  while the dashboard held the file.
* ``presswatch ingest`` opens the file read-write when it is free and keeps it for the
  run (``FileSink``), because every close makes DuckDB checkpoint. A dashboard (or another
  writer) that finds the file locked leaves a marker (``waiting_for``), and the CLI lets go
  after its current batch. When the dashboard holds it, the CLI still does all the reading
  and detection itself, writes the finished batches to the spool folder beside the
  database (``<db>.spool/``) and waits for the dashboard to import them, then prints the
  same summary. New articles therefore appear in the running dashboard without a restart,
  and nobody sees a lock error.

A spooled batch is ``<db>.spool/batch-*/`` (Parquet tables + meta.json, renamed into place
only when complete); the CLI waits for ``<name>.result.json``, which the importer writes
after storing the batch with the same ``write_batch`` the CLI would have used. A batch is
imported exactly once: the import records the batch's name and result in ``store_meta`` in
the batch's own transaction, so an importer killed after its commit leaves a record that
the next import (a restarted dashboard, or the CLI itself when it finds the dashboard dead
and takes the file over) answers from instead of storing it again.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from presswatch.ingest.rows import Batch
from presswatch.ingest.write import RunInfo, WriteResult, finish_run, write_batch
from presswatch.store import (
    BULK_CHECKPOINT_MB,
    StoreLockedError,
    StoreWriteError,
    _alive,
    fail_orphaned_runs,
    open_store,
    open_when_free,
)

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
# How long an exiting dashboard waits for the importer's current poll to end.
EXIT_JOIN_SECONDS = 30.0
# How long a CLI waits for a lock held by another writer that is not a dashboard.
LOCK_WAIT_SECONDS = 600.0
RESULT_WAIT_SECONDS = 600.0


class SpoolTimeoutError(StoreWriteError):
    """The dashboard did not import a spooled batch in time."""


class DashboardGoneError(Exception):
    """The dashboard that owned the file died before it imported a spooled batch."""


class SpoolImportError(StoreWriteError):
    """The dashboard could not store a spooled batch."""


# --- the spool folder and its markers -----------------------------------------------------


def spool_dir(db_path: str | Path) -> Path:
    """The folder beside the database where CLI batches wait for the dashboard."""
    path = Path(db_path)
    return path.with_name(path.name + ".spool")


def owner_file(db_path: str | Path) -> Path:
    """The marker a dashboard writes while it owns the file and imports spooled batches."""
    return spool_dir(db_path) / "owner.json"


def dashboard_owner_pid(db_path: str | Path) -> int | None:
    """PID of the live dashboard importing spooled batches for this database, if any."""
    marker = owner_file(db_path)
    try:
        pid = int(json.loads(marker.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if _alive(pid) else None


@contextmanager
def waiting_for(db_path: str | Path) -> Iterator[None]:
    """Tell a bulk writer holding the file that this process wants it (a marker file).

    ``presswatch ingest`` keeps the file for its whole run, because every close makes
    DuckDB checkpoint; it looks for these markers after each batch and lets go when one
    belongs to a live process.
    """
    marker = spool_dir(db_path) / f"waiting-{os.getpid()}"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def someone_waiting(db_path: str | Path) -> bool:
    """Whether another live process has asked for the file (stale markers are removed)."""
    folder = spool_dir(db_path)
    if not folder.is_dir():
        return False
    for marker in folder.glob("waiting-*"):
        pid_text = marker.name.removeprefix("waiting-")
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _alive(int(pid_text)):
            return True
        if pid_text.isdigit() and int(pid_text) != os.getpid():
            marker.unlink(missing_ok=True)  # left behind by a process that died waiting
    return False


# --- sinks: where finished batches go ------------------------------------------------------


class Sink:
    """Receives finished batches; knows which article ids are stored already."""

    def known_ids(self) -> set[int]:
        """Article ids already stored when the run started (to skip analysing duplicates)."""
        return set()

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        """Store a batch; say how many articles were new."""
        raise NotImplementedError

    def finish(self, run: RunInfo) -> int:
        """Close the run; return its run_id."""
        raise NotImplementedError

    def fail(self, run: RunInfo) -> None:
        """Mark the run failed after a refused write (it may raise: the store is in trouble)."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of whatever the sink holds, also after a failed or interrupted run.

        Raises when what was written cannot be made durable (a failed checkpoint).
        """


class ConnectionSink(Sink):
    """Writes into a connection this process already owns (the dashboard's uploads, tests)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn

    def known_ids(self) -> set[int]:
        return {int(r[0]) for r in self.conn.execute("SELECT article_id FROM articles").fetchall()}

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        return write_batch(self.conn, batch, run)

    def finish(self, run: RunInfo) -> int:
        return finish_run(self.conn, run)

    def fail(self, run: RunInfo) -> None:
        finish_run(self.conn, run, status="failed")


# --- spooled batches and the dashboard's importer ----------------------------------------


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _run_to_json(run: RunInfo) -> dict[str, Any]:
    data = asdict(run)
    data["started_at"] = run.started_at.isoformat()
    return data


def _run_from_json(data: dict[str, Any]) -> RunInfo:
    return RunInfo(
        run_key=str(data["run_key"]),
        origin=str(data["origin"]),
        inputs=str(data["inputs"]),
        started_at=datetime.fromisoformat(str(data["started_at"])),
    )


def spool_batch(db_path: Path, batch: Batch | None, run: RunInfo, *, status: str = "done") -> Path:
    """Put a batch (or, with None, the run's end with its status) in the spool; return its
    folder name."""
    folder = spool_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"batch-{time.time_ns():020d}-{os.getpid()}"
    tmp = folder / f"tmp-{name}"
    tmp.mkdir()
    meta: dict[str, Any] = {
        "run": _run_to_json(run),
        "kind": "finish" if batch is None else "batch",
        "status": status,
    }
    try:
        if batch is not None:
            batch.save(tmp)
        _write_json_atomic(tmp / "meta.json", meta)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # e.g. a full disk: leave no half batch
        raise
    final = folder / name
    os.replace(tmp, final)
    return final


def _result_path(batch_folder: Path) -> Path:
    return batch_folder.with_name(batch_folder.name + ".result.json")


def wait_for_result(
    batch_folder: Path, timeout: float = RESULT_WAIT_SECONDS, *, db_path: Path | None = None
) -> dict[str, Any]:
    """Block until the dashboard has imported a spooled batch; return its result.

    With ``db_path``, DashboardGoneError as soon as no live dashboard owns that database
    (killed, crashed) and the result is not there: nobody else would ever import the batch.
    """
    result_path = _result_path(batch_folder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result_path.exists():
            result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
            result_path.unlink(missing_ok=True)
            if "error" in result:
                raise SpoolImportError(f"the dashboard could not store a batch: {result['error']}")
            return result
        if db_path is not None and dashboard_owner_pid(db_path) is None:
            raise DashboardGoneError(batch_folder.name)
        time.sleep(0.1)
    raise SpoolTimeoutError(
        f"the dashboard has not imported {batch_folder.name} after {timeout:.0f} s; it stays "
        "queued and will be imported when the dashboard runs again"
    )


_RECORD = "spool:"  # store_meta keys "spool:<batch folder>:<result field>"


def _recorded(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
    """The result of an earlier import of this batch, when one committed."""
    prefix = f"{_RECORD}{name}:"
    rows = conn.execute(
        "SELECT key, value FROM store_meta WHERE starts_with(key, ?)", [prefix]
    ).fetchall()
    return {str(k).removeprefix(prefix): int(v) for k, v in rows} or None


def _record(conn: duckdb.DuckDBPyConnection, name: str, result: dict[str, int]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO store_meta VALUES (?, ?)",
        [(f"{_RECORD}{name}:{field}", value) for field, value in result.items()],
    )


def _forget(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the record once the batch's folder is gone (no import can repeat then)."""
    conn.execute("DELETE FROM store_meta WHERE starts_with(key, ?)", [f"{_RECORD}{name}:"])


def _forget_orphans(conn: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Drop records whose batch folder is gone: an importer killed between removing a
    folder and forgetting its record leaves one, and no import can repeat that batch."""
    rows = conn.execute(
        "SELECT DISTINCT split_part(key, ':', 2) FROM store_meta WHERE starts_with(key, ?)",
        [_RECORD],
    ).fetchall()
    for (name,) in rows:
        if not (folder / str(name)).is_dir():
            _forget(conn, str(name))


def _import_one(conn: duckdb.DuckDBPyConnection, batch_folder: Path) -> dict[str, Any]:
    name = batch_folder.name
    done = _recorded(conn, name)
    if done is not None:  # committed by an importer that died before it could answer
        return done
    meta = json.loads((batch_folder / "meta.json").read_text(encoding="utf-8"))
    run = _run_from_json(meta["run"])
    if meta["kind"] == "finish":
        # Closing a run twice does no harm, so its record need not share its transaction.
        result = {"run_id": finish_run(conn, run, status=str(meta.get("status", "done")))}
        _record(conn, name, result)
        return result

    def remember(c: duckdb.DuckDBPyConnection, written: WriteResult) -> None:
        _record(c, name, asdict(written))

    written = write_batch(conn, Batch.load(batch_folder), run, before_commit=remember)
    return asdict(written)


def _pid_of(name: str) -> int | None:
    """The spooling process of ``batch-<ns>-<pid>…`` names."""
    parts = name.split(".", 1)[0].split("-")
    return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None


def _clean_leftovers(folder: Path) -> None:
    """Remove what dead CLI processes left: results nobody will read, half-written batches."""
    for path in [*folder.glob("batch-*.result.json"), *folder.glob("tmp-batch-*")]:
        pid = _pid_of(path.name.removeprefix("tmp-"))
        if pid is None or pid == os.getpid() or _alive(pid):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def import_pending(conn: duckdb.DuckDBPyConnection, db_path: Path) -> int:
    """Store every complete spooled batch, oldest first; return how many were handled."""
    folder = spool_dir(db_path)
    if not folder.is_dir():
        return 0
    _clean_leftovers(folder)
    _forget_orphans(conn, folder)
    handled = 0
    for batch_folder in sorted(p for p in folder.glob("batch-*") if p.is_dir()):
        try:
            result = _import_one(conn, batch_folder)
        except Exception as exc:  # a bad batch must not stop the importer
            log.exception("could not import %s", batch_folder)
            result = {"error": f"{type(exc).__name__}: {exc}"}
        _write_json_atomic(_result_path(batch_folder), result)
        shutil.rmtree(batch_folder, ignore_errors=True)
        if "error" not in result and not batch_folder.exists():
            _forget(conn, batch_folder.name)
        handled += 1
    return handled


_importers: dict[Path, threading.Thread] = {}


def start_importer(conn: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """Run the spool importer in a daemon thread of this (dashboard) process, which owns
    ``conn``: batches from ``presswatch ingest`` that ran while the dashboard held the file
    are loaded within about a second. Once per database; nothing for ":memory:"."""
    if str(path) == ":memory:":
        return
    db_path = Path(path).resolve()
    if db_path in _importers:
        return
    folder = spool_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    marker = owner_file(db_path)
    _write_json_atomic(marker, {"pid": os.getpid()})
    atexit.register(lambda: marker.unlink(missing_ok=True))
    cursor = conn.cursor()
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                import_pending(cursor, db_path)
                # A CLI killed while it spooled to this dashboard never ends its run.
                fail_orphaned_runs(cursor)
            except Exception:
                log.exception("spool importer failed; retrying")
            stop.wait(POLL_SECONDS)

    def stop_at_exit() -> None:
        # A daemon thread still inside DuckDB when the interpreter finalises is unwound
        # through DuckDB's C++ frames, which aborts the process: let it finish its poll.
        stop.set()
        thread.join(timeout=EXIT_JOIN_SECONDS)

    thread = threading.Thread(target=loop, name="presswatch-spool-importer", daemon=True)
    thread.start()
    atexit.register(stop_at_exit)
    _importers[db_path] = thread


class _HandOver(Exception):
    """A dashboard owns the file: the batch goes through the spool instead."""


class FileSink(Sink):
    """The CLI's sink: owns the file for the run, or spools to a dashboard that owns it.

    Holding the file matters for speed: each close makes DuckDB checkpoint, and a checkpoint
    recompresses the tables' unfinished row groups. A dashboard that starts during a long
    ingest asks for the file (``waiting_for``); the sink lets go after the batch it is
    writing, and from then on spools to the dashboard. Another CLI run waiting for the
    file asks the same way, so two runs take turns batch by batch. A dashboard that dies
    while batches wait for it is noticed within a poll: the sink takes the file back and
    imports the waiting batches itself.
    """

    def __init__(self, db_path: Path, *, on_wait: Any = None) -> None:
        self.db_path = db_path
        self.on_wait = on_wait  # callable(str) told once when we wait for another writer
        self.handed_to_dashboard = False
        self._told: set[str] = set()
        self._conn: duckdb.DuckDBPyConnection | None = None

    def _tell(self, message: str) -> None:
        if self.on_wait and message not in self._told:
            self._told.add(message)
            self.on_wait(message)

    def _release(self, *, checkpoint: bool = False) -> None:
        """Close the file. Closing checkpoints too, but swallows a failure (the commits
        stay in the write-ahead log then); ``checkpoint`` does it first, so it raises."""
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            # Analysis is over or paused by now, so the checkpoint may use every core.
            # (SET takes no bound parameters; the value is an int from os.cpu_count.)
            conn.execute(f"SET threads = {int(os.cpu_count() or 1)}")
            if checkpoint:
                conn.execute("CHECKPOINT")
        finally:
            conn.close()

    def _with_store(self, direct: Any, spooled: Any) -> Any:
        if self._conn is None:
            try:
                self._conn = self._open()
            except _HandOver:
                return spooled()
        try:
            return direct(self._conn)
        finally:
            if someone_waiting(self.db_path):
                self._release()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting (and asking) for another writer; _HandOver to a dashboard."""

        def on_locked(exc: StoreLockedError) -> None:
            if dashboard_owner_pid(self.db_path) is not None:
                self.handed_to_dashboard = True
                self._tell("A running dashboard owns the database: handing batches to it.")
                raise _HandOver from exc
            self._tell(f"Waiting: {exc}")

        return open_when_free(
            lambda: open_store(self.db_path, checkpoint_mb=BULK_CHECKPOINT_MB),
            ask=lambda: waiting_for(self.db_path),
            wait_seconds=LOCK_WAIT_SECONDS,
            poll_seconds=POLL_SECONDS,
            on_locked=on_locked,
        )

    def known_ids(self) -> set[int]:
        def direct(conn: duckdb.DuckDBPyConnection) -> set[int]:
            return {int(r[0]) for r in conn.execute("SELECT article_id FROM articles").fetchall()}

        return self._with_store(direct, set)

    def _spooled(self, batch: Batch | None, run: RunInfo) -> dict[str, Any]:
        """Hand a batch to the dashboard and wait for its result; take over if it dies."""
        folder = spool_batch(self.db_path, batch, run)
        while True:
            try:
                return wait_for_result(folder, RESULT_WAIT_SECONDS, db_path=self.db_path)
            except DashboardGoneError:
                pass
            self._tell("The dashboard stopped; this run stores the waiting batches itself.")
            if self._conn is None:
                try:
                    self._conn = self._open()
                except _HandOver:  # a new dashboard owns the file: it imports the batch
                    continue
            import_pending(self._conn, self.db_path)

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        def spooled() -> WriteResult:
            result = self._spooled(batch, run)
            return WriteResult(
                int(result["added"]), int(result["duplicates"]), int(result["undated_added"])
            )

        return self._with_store(lambda conn: write_batch(conn, batch, run), spooled)

    def finish(self, run: RunInfo) -> int:
        def spooled() -> int:
            return int(self._spooled(None, run)["run_id"])

        return self._with_store(lambda conn: finish_run(conn, run), spooled)

    def fail(self, run: RunInfo) -> None:
        if self.handed_to_dashboard and self._conn is None:
            # Not waited for: the dashboard that is slow or failing now marks it when it can.
            spool_batch(self.db_path, None, run, status="failed")
            return
        try:
            self._with_store(lambda conn: finish_run(conn, run, status="failed"), lambda: None)
        except duckdb.Error:
            # A failed checkpoint leaves DuckDB refusing every statement on that
            # connection; a new one replays the log and may still have room for this.
            with contextlib.suppress(duckdb.Error):
                self._release()
            self._with_store(lambda conn: finish_run(conn, run, status="failed"), lambda: None)

    def close(self) -> None:
        self._release(checkpoint=True)
