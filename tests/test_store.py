"""The store: migrations, atomic batches, and clear lock conflicts between processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from presswatch.schema import LATEST_VERSION
from presswatch.store import (
    BULK_CHECKPOINT_MB,
    StoreLockedError,
    data_version,
    migrate,
    open_store,
    schema_version,
    transaction,
)

EXPECTED_TABLES = {
    "schema_migrations",
    "ingest_runs",
    "articles",
    "rejects",
    "mentions",
    "article_entities",
    "country_pairs",
    "terms",
    "article_terms",
    "store_meta",
    "entities",
}


def test_new_file_gets_latest_schema(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "new.duckdb")
    tables = {
        r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert EXPECTED_TABLES <= tables
    assert schema_version(conn) == LATEST_VERSION
    assert data_version(conn) == 0


def test_migrations_are_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    open_store(path).close()
    conn = open_store(path)
    assert migrate(conn) == LATEST_VERSION
    rows = conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert rows == [(v,) for v in range(1, LATEST_VERSION + 1)]


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "tx.duckdb")
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute("UPDATE store_meta SET value = 99")
        raise RuntimeError("boom")
    assert data_version(conn) == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    conn = open_store(path)
    conn.execute(
        "INSERT INTO schema_migrations VALUES (?, 'from the future', now())", [LATEST_VERSION + 1]
    )
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this presswatch"):
        open_store(path)


@pytest.mark.parametrize("bulk", [False, True], ids=["dashboard", "bulk writer"])
def test_lock_conflict_is_a_clear_error(tmp_path: Path, bulk: bool) -> None:
    checkpoint_mb = BULK_CHECKPOINT_MB if bulk else None
    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLockedError) as info:
            open_store(path, checkpoint_mb=checkpoint_mb)
        assert info.value.pid == holder.pid
        assert f"in use by process {holder.pid}" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    # Once the other process is gone the file opens normally.
    deadline = time.monotonic() + 10
    while True:
        try:
            open_store(path).close()
            break
        except StoreLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def test_bulk_writer_commit_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "bulk.duckdb"
    open_store(path).close()
    # A bulk writer commits a batch, says so, and is killed before it checkpoints or closes.
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from presswatch.store import BULK_CHECKPOINT_MB, open_store, transaction\n"
            "c = open_store(sys.argv[1], checkpoint_mb=BULK_CHECKPOINT_MB)\n"
            "with transaction(c):\n"
            "    c.execute(\"INSERT INTO store_meta SELECT 'k' || range, range FROM range(20000)\")\n"
            "print('stored', flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = writer.communicate(timeout=60)
    assert out.strip() == "stored" and writer.returncode == -signal.SIGKILL
    reopened = open_store(path, checkpoint_mb=BULK_CHECKPOINT_MB)
    # It spills beside the file, as DuckDB does for a file it opens itself.
    spill = reopened.execute("SELECT current_setting('temp_directory')").fetchone()
    assert spill == (f"{path}.tmp",)
    assert reopened.execute("SELECT count(*) FROM store_meta WHERE key LIKE 'k%'").fetchone() == (
        20000,
    )
    reopened.close()


def test_bulk_writer_replays_a_log_left_by_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "crashed.duckdb"
    open_store(path).close()
    # A dashboard that dies after a commit leaves its changes only in the log.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); "
            "c.execute(\"INSERT INTO store_meta VALUES ('left', 42)\"); os._exit(0)",
            str(path),
        ],
        check=True,
    )
    assert _wal(path).stat().st_size > 0
    conn = open_store(path, checkpoint_mb=BULK_CHECKPOINT_MB)
    assert conn.execute("SELECT value FROM store_meta WHERE key = 'left'").fetchone() == (42,)
    conn.close()
    assert not _wal(path).exists()
    reopened = open_store(path, read_only=True)
    assert reopened.execute("SELECT count(*) FROM store_meta WHERE key = 'left'").fetchone() == (1,)
    reopened.close()


def test_memory_store_for_tests() -> None:
    conn = open_store(":memory:")
    assert isinstance(conn, duckdb.DuckDBPyConnection)
    assert schema_version(conn) == LATEST_VERSION


def test_memory_limit_is_applied(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "m.duckdb", memory_limit_bytes=300 * 1024 * 1024)
    limit = conn.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.replace(" ", "").lower() in {"300.0mib", "300mib"}
