"""A CLI ingest while a dashboard process owns the database: batches are handed over."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswatch.ingest.pipeline import run_pipeline
from presswatch.ingest.sinks import (
    FileSink,
    dashboard_owner_pid,
    someone_waiting,
    spool_dir,
    waiting_for,
)
from presswatch.models import Article
from presswatch.store import StoreLockedError, _open_with_retry, open_store

OWNER = """
import sys, time
from presswatch.ingest.sinks import start_importer, waiting_for
from presswatch.store import shared_connection
start_importer(shared_connection(sys.argv[1], ask=lambda: waiting_for(sys.argv[1])), sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


def _articles(n: int, tag: str) -> list[Article]:
    return [
        Article(
            text=f"{tag} {i}: Kenya and Ethiopia signed a defence pact.",
            origin_file=f"{tag}-{i}.txt",
        )
        for i in range(n)
    ]


@pytest.fixture()
def dashboard(tmp_path: Path):
    db = tmp_path / "shared.duckdb"
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
    yield db, owner
    owner.kill()
    owner.wait()


def test_cli_batches_reach_the_running_dashboard(dashboard) -> None:
    db, owner = dashboard
    assert dashboard_owner_pid(db) == owner.pid
    with pytest.raises(StoreLockedError):
        open_store(db)

    sink = FileSink(db)
    summary = run_pipeline(sink, _articles(5, "first"), origin="cli", inputs="t", workers=1)
    assert sink.handed_to_dashboard
    assert (summary.articles_added, summary.duplicates) == (5, 0)
    again = run_pipeline(FileSink(db), _articles(5, "first"), origin="cli", inputs="t", workers=1)
    assert (again.articles_added, again.duplicates) == (0, 5)
    assert again.run_id == summary.run_id + 1

    owner.kill()
    owner.wait()
    conn = open_store(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (5,)
    runs = conn.execute(
        "SELECT articles_added, duplicates, status FROM ingest_runs ORDER BY run_id"
    ).fetchall()
    assert runs == [(5, 0, "done"), (0, 5, "done")]
    assert not list((db.parent / "shared.duckdb.spool").glob("batch-*"))


def test_cli_owns_the_file_only_while_writing(tmp_path: Path) -> None:
    db = tmp_path / "direct.duckdb"
    sink = FileSink(db)
    summary = run_pipeline(sink, _articles(3, "x"), origin="cli", inputs="t", workers=1)
    assert not sink.handed_to_dashboard
    assert summary.articles_added == 3
    # The file is free again: another process (here: this one) can open it.
    open_store(db).close()


def _count_in_another_process(db: Path) -> int:
    """Articles in the file as a fresh process sees it (no shared DuckDB instance)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(c.execute('SELECT count(*) FROM articles').fetchone()[0])",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


def test_interrupted_run_keeps_its_stored_batches(tmp_path: Path) -> None:
    # An interruption (Ctrl-C) must leave every stored batch in the file and let go of it,
    # so another process can open it at once.
    db = tmp_path / "interrupted.duckdb"

    def then_interrupt() -> Iterator[Article]:
        yield from _articles(45, "ctrl-c")
        raise KeyboardInterrupt

    sink = FileSink(db)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(sink, then_interrupt(), origin="cli", inputs="t", workers=1, batch_size=20)
    # Batch 1 was stored while batch 2 was analysed; the interruption came before batch 2
    # was stored and while batch 3 was read.
    assert _count_in_another_process(db) == 20


HOLDER = """
import sys, time
from presswatch.models import Article
from presswatch.ingest.pipeline import run_pipeline
from presswatch.ingest.sinks import FileSink

def slowly():
    for i in range(600):
        if i % 10 == 0:
            time.sleep(0.1)
        yield Article(text=f"holder {i}: Chile and Peru held talks.", origin_file=f"h{i}.txt")

run_pipeline(FileSink(sys.argv[1]), slowly(), origin="cli", inputs="t", workers=1, batch_size=10)
"""


def test_cli_keeps_the_file_until_a_dashboard_asks_for_it(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)])
    try:
        deadline = time.monotonic() + 30
        while True:  # until the CLI holds the file
            assert time.monotonic() < deadline, "the CLI never opened the file"
            try:
                open_store(db).close()
            except StoreLockedError:
                break
            time.sleep(0.05)
        time.sleep(0.6)  # several batches later, it still holds the file ...
        with pytest.raises(StoreLockedError):
            open_store(db)
        # ... until a dashboard asks for it: then it lets go after its current batch.
        conn = _open_with_retry(str(db), ask=lambda: waiting_for(db), wait_seconds=20)
        assert not (spool_dir(db) / f"waiting-{os.getpid()}").exists()  # we asked; done
        stored = conn.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        assert 0 < stored < 600
        conn.close()
        assert holder.wait(timeout=60) == 0  # it takes the file back and finishes
    finally:
        holder.kill()
    conn = open_store(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchall() == [(600,)]


def test_waiting_markers_count_only_for_other_live_processes(tmp_path: Path) -> None:
    db = tmp_path / "asked.duckdb"
    folder = spool_dir(db)
    folder.mkdir()
    assert not someone_waiting(db)
    (folder / f"waiting-{os.getpid()}").touch()  # our own ask never stops us
    assert not someone_waiting(db)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (folder / f"waiting-{gone.pid}").touch()  # left by a process that died waiting
    assert not someone_waiting(db)
    assert not (folder / f"waiting-{gone.pid}").exists()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (folder / f"waiting-{alive.pid}").touch()
        assert someone_waiting(db)
    finally:
        alive.kill()
        alive.wait()
