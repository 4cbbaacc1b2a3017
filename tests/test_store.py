"""The store: migrations, atomic batches, and clear lock conflicts between processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from _readonly import unwritable

from presswatch.schema import LATEST_VERSION
from presswatch.store import (
    BULK_CHECKPOINT_MB,
    ForeignDatabaseError,
    StoreLockedError,
    StoreReadOnlyError,
    StoreTargetError,
    StoreVersionError,
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
    for kwargs in ({}, {"read_only": True}, {"checkpoint_mb": BULK_CHECKPOINT_MB}):
        with pytest.raises(StoreVersionError) as info:
            open_store(path, **kwargs)
        assert str(info.value) == (
            f"The database {path} has schema version {LATEST_VERSION + 1}, newer than this "
            f"presswatch knows ({LATEST_VERSION}); upgrade presswatch to use it."
        )


BULK = {"checkpoint_mb": BULK_CHECKPOINT_MB}
OPENERS = pytest.mark.parametrize(
    "kwargs", [{}, BULK, {"read_only": True}], ids=["read-write", "bulk writer", "read-only"]
)


def _foreign(path: Path, *statements: str) -> bytes:
    conn = duckdb.connect(str(path))
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return path.read_bytes()


@OPENERS
def test_foreign_duckdb_file_is_refused_and_left_untouched(
    tmp_path: Path, kwargs: dict[str, object]
) -> None:
    path = tmp_path / "theirs.duckdb"
    before = _foreign(path, "CREATE TABLE articles (headline VARCHAR)")
    with pytest.raises(ForeignDatabaseError) as info:
        open_store(path, **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == (
        f"{path} is a DuckDB database of another program (tables: articles), not a "
        "presswatch one; presswatch leaves it untouched, so choose another database file."
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.duckdb"]
    check = duckdb.connect(str(path), read_only=True)
    assert check.execute("SHOW TABLES").fetchall() == [("articles",)]
    check.close()


@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE TABLE schema_migrations (name VARCHAR)"],
        [
            "CREATE TABLE schema_migrations (version INTEGER, description VARCHAR)",
            "INSERT INTO schema_migrations VALUES (1, 'their first'), (7, 'their seventh')",
            "CREATE TABLE articles (headline VARCHAR)",
        ],
    ],
    ids=["other shape", "same shape"],
)
def test_foreign_schema_migrations_table_is_not_taken_for_ours(
    tmp_path: Path, statements: list[str]
) -> None:
    path = tmp_path / "theirs.duckdb"
    before = _foreign(path, *statements)
    for kwargs in ({}, BULK, {"read_only": True}):
        with pytest.raises(ForeignDatabaseError, match="another program"):
            open_store(path, **kwargs)
    assert path.read_bytes() == before


def test_a_file_left_after_the_first_step_of_migrating_is_ours(tmp_path: Path) -> None:
    path = tmp_path / "half.duckdb"
    open_store(path).close()
    # What a crash between creating schema_migrations and migration 1 leaves behind.
    _foreign(
        path,
        "DELETE FROM schema_migrations",
        *(f"DROP TABLE {t}" for t in sorted(EXPECTED_TABLES - {"schema_migrations"})),
    )
    conn = open_store(path)
    assert schema_version(conn) == LATEST_VERSION
    tables = {r[0] for r in conn.execute("SHOW TABLES").fetchall()}
    assert EXPECTED_TABLES <= tables
    conn.close()


@OPENERS
@pytest.mark.parametrize("content", [b"not a database\n", bytes(range(256)) * 64])
def test_a_file_that_is_not_duckdb_is_refused_and_left_untouched(
    tmp_path: Path, kwargs: dict[str, object], content: bytes
) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreTargetError) as info:
        open_store(path, **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == (
        f"{path} is not a DuckDB database file, so presswatch cannot use it; give a new "
        "file name or an existing presswatch database."
    )
    assert path.read_bytes() == content


@OPENERS
def test_a_folder_is_not_a_database(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(StoreTargetError) as info:
        open_store(tmp_path, **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == (
        f"The database path {tmp_path} is a folder, not a file; give a file path such as "
        f"{tmp_path / 'presswatch.duckdb'}."
    )


def test_a_missing_folder_is_created_for_a_new_database(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "new" / "sub" / "p.duckdb")
    assert schema_version(conn) == LATEST_VERSION
    conn.close()


def test_a_file_in_the_way_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    path = tmp_path / "notes.txt" / "p.duckdb"
    with pytest.raises(StoreTargetError) as info:
        open_store(path)
    assert (
        str(info.value) == f"Cannot create the database {path}: a file is in the way of its folder."
    )


def test_a_read_only_file_is_refused_for_writing_and_served_read_only(tmp_path: Path) -> None:
    path = tmp_path / "archive.duckdb"
    open_store(path).close()
    before = path.read_bytes()
    with unwritable(path):
        for kwargs in ({}, BULK):
            with pytest.raises(StoreReadOnlyError) as info:
                open_store(path, **kwargs)  # type: ignore[arg-type]
            assert str(info.value) == (
                f"The database {path} is read-only for this process, so presswatch cannot "
                "write to it."
            )
        conn = open_store(path, read_only=True)
        assert schema_version(conn) == LATEST_VERSION
        conn.close()
    assert path.read_bytes() == before


def test_a_new_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"  # a path that says "lock" is not a lock conflict
    folder.mkdir()
    with unwritable(folder):
        with pytest.raises(StoreTargetError) as info:
            open_store(folder / "p.duckdb")
        assert str(info.value) == (
            f"Cannot create the database {folder / 'p.duckdb'}: its folder {folder} is not "
            "writable."
        )
        with pytest.raises(StoreTargetError, match=f"Cannot create the folder {folder / 'sub'}"):
            open_store(folder / "sub" / "p.duckdb", **BULK)  # type: ignore[arg-type]
    assert list(folder.iterdir()) == []


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
