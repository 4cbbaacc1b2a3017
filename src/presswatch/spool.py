"""Hand-over of finished batches from a CLI ingest to the dashboard that owns the database.

See store.py for the single-writer rule. The CLI writes each batch it cannot store itself
into ``<db>.spool/batch-*/`` (Parquet tables + meta.json, renamed into place only when
complete) and waits for ``<name>.result.json``; the dashboard's importer thread stores the
batch with the same ``write_batch`` the CLI would have used and writes that result.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from presswatch.batch import Batch, RunInfo, WriteResult, finish_run, write_batch
from presswatch.pipeline import Sink
from presswatch.store import (
    BULK_CHECKPOINT_MB,
    StoreLockedError,
    dashboard_owner_pid,
    open_store,
    open_when_free,
    owner_file,
    someone_waiting,
    spool_dir,
)

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
# How long a CLI waits for a lock held by another writer that is not a dashboard.
LOCK_WAIT_SECONDS = 600.0
RESULT_WAIT_SECONDS = 600.0


class SpoolTimeoutError(RuntimeError):
    """The dashboard did not import a spooled batch in time."""


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


def spool_batch(db_path: Path, batch: Batch | None, run: RunInfo) -> Path:
    """Put a batch (or, with None, the run's end) in the spool; return its folder name."""
    folder = spool_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"batch-{time.time_ns():020d}-{os.getpid()}"
    tmp = folder / f"tmp-{name}"
    tmp.mkdir()
    meta: dict[str, Any] = {
        "run": _run_to_json(run),
        "kind": "finish" if batch is None else "batch",
    }
    if batch is not None:
        batch.save(tmp)
    _write_json_atomic(tmp / "meta.json", meta)
    final = folder / name
    os.replace(tmp, final)
    return final


def wait_for_result(batch_folder: Path, timeout: float = RESULT_WAIT_SECONDS) -> dict[str, Any]:
    """Block until the dashboard has imported a spooled batch; return its result."""
    result_path = batch_folder.with_name(batch_folder.name + ".result.json")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result_path.exists():
            result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
            result_path.unlink(missing_ok=True)
            if "error" in result:
                raise RuntimeError(f"the dashboard could not store a batch: {result['error']}")
            return result
        time.sleep(0.1)
    raise SpoolTimeoutError(
        f"the dashboard has not imported {batch_folder.name} after {timeout:.0f} s; it stays "
        "queued and will be imported when the dashboard runs again"
    )


def import_pending(conn: duckdb.DuckDBPyConnection, db_path: Path) -> int:
    """Store every complete spooled batch, oldest first; return how many were handled."""
    folder = spool_dir(db_path)
    if not folder.is_dir():
        return 0
    handled = 0
    for batch_folder in sorted(p for p in folder.glob("batch-*") if p.is_dir()):
        result_path = batch_folder.with_name(batch_folder.name + ".result.json")
        try:
            meta = json.loads((batch_folder / "meta.json").read_text(encoding="utf-8"))
            run = _run_from_json(meta["run"])
            if meta["kind"] == "finish":
                result: dict[str, Any] = {"run_id": finish_run(conn, run)}
            else:
                written = write_batch(conn, Batch.load(batch_folder), run)
                result = {
                    "added": written.added,
                    "duplicates": written.duplicates,
                    "undated_added": written.undated_added,
                }
        except Exception as exc:  # a bad batch must not stop the importer
            log.exception("could not import %s", batch_folder)
            result = {"error": f"{type(exc).__name__}: {exc}"}
        _write_json_atomic(result_path, result)
        shutil.rmtree(batch_folder, ignore_errors=True)
        handled += 1
    return handled


_importers: dict[Path, threading.Thread] = {}


def start_importer(conn: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Run the spool importer in a daemon thread of this (dashboard) process."""
    db_path = db_path.resolve()
    if db_path in _importers:
        return
    folder = spool_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    marker = owner_file(db_path)
    _write_json_atomic(marker, {"pid": os.getpid()})
    atexit.register(lambda: marker.unlink(missing_ok=True))
    cursor = conn.cursor()

    def loop() -> None:
        while True:
            try:
                import_pending(cursor, db_path)
            except Exception:
                log.exception("spool importer failed; retrying")
            time.sleep(POLL_SECONDS)

    thread = threading.Thread(target=loop, name="presswatch-spool-importer", daemon=True)
    thread.start()
    _importers[db_path] = thread


class _HandOver(Exception):
    """A dashboard owns the file: the batch goes through the spool instead."""


class FileSink(Sink):
    """The CLI's sink: owns the file for the run, or spools to a dashboard that owns it.

    Holding the file matters for speed: each close makes DuckDB checkpoint, and a checkpoint
    recompresses the tables' unfinished row groups. A dashboard that starts during a long
    ingest asks for the file (``store.waiting_for``); the sink lets go after the batch it is
    writing, and from then on spools to the dashboard. Another CLI run waiting for the
    file asks the same way, so two runs take turns batch by batch.
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

    def _release(self) -> None:
        if self._conn is not None:
            # Closing checkpoints; analysis is over or paused by then, so use every core.
            # (SET takes no bound parameters; the value is an int from os.cpu_count.)
            self._conn.execute(f"SET threads = {int(os.cpu_count() or 1)}")
            self._conn.close()
            self._conn = None

    def _with_store(self, direct: Any, spooled: Any, *, release: bool = False) -> Any:
        if self._conn is None:
            try:
                self._conn = self._open()
            except _HandOver:
                return spooled()
        try:
            return direct(self._conn)
        finally:
            if release or someone_waiting(self.db_path):
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
            self.db_path,
            lambda: open_store(self.db_path, checkpoint_mb=BULK_CHECKPOINT_MB),
            wait_seconds=LOCK_WAIT_SECONDS,
            poll_seconds=POLL_SECONDS,
            on_locked=on_locked,
        )

    def known_ids(self) -> set[int]:
        def direct(conn: duckdb.DuckDBPyConnection) -> set[int]:
            return {int(r[0]) for r in conn.execute("SELECT article_id FROM articles").fetchall()}

        return self._with_store(direct, set)

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        def spooled() -> WriteResult:
            result = wait_for_result(spool_batch(self.db_path, batch, run))
            return WriteResult(
                int(result["added"]), int(result["duplicates"]), int(result["undated_added"])
            )

        return self._with_store(lambda conn: write_batch(conn, batch, run), spooled)

    def finish(self, run: RunInfo) -> int:
        def spooled() -> int:
            return int(wait_for_result(spool_batch(self.db_path, None, run))["run_id"])

        return self._with_store(lambda conn: finish_run(conn, run), spooled, release=True)

    def close(self) -> None:
        self._release()
