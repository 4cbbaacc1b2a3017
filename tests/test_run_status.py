"""A run whose process died (SIGKILL, crash) is marked failed, not left "running" forever."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from presswatch.extract import get_detector
from presswatch.ingest.analyse import Analyser
from presswatch.ingest.sinks import import_pending, spool_batch
from presswatch.ingest.write import RunInfo
from presswatch.models import Article
from presswatch.store import open_store

ENV = {**os.environ, "COLUMNS": "200"}


def _feed(path: Path, records: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(records):
            text = f"Report {n}: Chile and Peru held talks in Lima on trade and fishing rights."
            out.write(json.dumps({"title": f"Report {n}", "text": text}) + "\n")
    return path


def _runs(db: Path) -> list[tuple[str, bool]]:
    """(status, has finished_at) of each run, read without writing (no sweep)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        rows = conn.execute(
            "SELECT status, finished_at IS NOT NULL FROM ingest_runs ORDER BY run_id"
        ).fetchall()
    finally:
        conn.close()
    return [(str(s), bool(f)) for s, f in rows]


def _killed_after_a_batch(tmp_path: Path, db: Path) -> Path:
    """Run `presswatch ingest`, SIGKILL it right after it reported a stored batch."""
    feed = _feed(tmp_path / "feed.jsonl", 4000)
    log = tmp_path / "killed.log"
    args = [sys.executable, "-m", "presswatch.cli", "ingest", str(feed), "--db", str(db)]
    with log.open("w") as err:
        proc = subprocess.Popen(
            [*args, "--batch-size", "20"], stdout=subprocess.DEVNULL, stderr=err, env=ENV
        )
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if re.search(r"stored: \d+ files · \d+ articles read", log.read_text("utf-8")):
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL  # killed mid-run, not finished
    assert _runs(db) == [("running", False)]
    return feed


def test_sigkilled_ingest_is_failed_by_the_next_ingest(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    feed = _killed_after_a_batch(tmp_path, db)
    again = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", "ingest", str(feed), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )
    assert again.returncode == 0, again.stderr
    # When it died is unknown, so the killed run has no end time.
    assert _runs(db) == [("failed", False), ("done", True)]


def test_opening_the_store_for_writing_fails_the_orphan(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    _killed_after_a_batch(tmp_path, db)
    open_store(db, read_only=True).close()
    assert _runs(db) == [("running", False)]  # a reader changes nothing
    before = _data_version(db)
    open_store(db).close()
    assert _runs(db) == [("failed", False)]
    assert _data_version(db) > before  # the Overview's cached runs are looked at again
    after = _data_version(db)
    open_store(db).close()
    assert _data_version(db) == after  # nothing left to mark: no write


def _data_version(db: Path) -> int:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = 'data_version'").fetchone()
    finally:
        conn.close()
    assert row is not None
    return int(row[0])


KEY_OF_A_LIVE_CLI = (
    "import sys; from presswatch.store import new_run_key; "
    "print(new_run_key(), flush=True); sys.stdin.read()"
)


def test_spooled_run_of_a_live_cli_stays_running(tmp_path: Path) -> None:
    db = tmp_path / "dashboard.duckdb"
    open_store(db).close()
    # Another process owns the run (as a CLI handing batches to the dashboard does).
    cli = subprocess.Popen(
        [sys.executable, "-c", KEY_OF_A_LIVE_CLI],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert cli.stdout is not None
        run = RunInfo(
            run_key=cli.stdout.readline().strip(),
            origin="cli",
            inputs="spooled",
            started_at=datetime.now(UTC).replace(tzinfo=None),
        )
        articles = [Article(text="Chile and Peru met in Lima.", origin_file="s.jsonl")]
        with Analyser(get_detector(), workers=1) as analyser:
            spool_batch(db, analyser.run(articles, [], 1), run)
        conn = open_store(db)  # the dashboard imports the CLI's batch
        try:
            assert import_pending(conn, db) == 1
        finally:
            conn.close()
        for _ in range(2):  # a dashboard restarting, another writer opening the file
            open_store(db).close()
            assert _runs(db) == [("running", False)]
    finally:
        cli.kill()
        cli.wait()
    open_store(db).close()  # the CLI is gone now: nothing will finish its run
    assert _runs(db) == [("failed", False)]


def test_run_of_an_older_presswatch_is_failed(tmp_path: Path) -> None:
    # Before keys named their process they were a bare uuid4; no process of this version
    # owns such a run, and one left "running" by a killed older CLI would never end.
    db = tmp_path / "old.duckdb"
    conn = open_store(db)
    conn.execute(
        "INSERT INTO ingest_runs (run_id, run_key, started_at, origin, status) "
        "VALUES (1, ?, ?, 'cli', 'running')",
        [uuid.uuid4().hex, datetime(2026, 1, 2)],
    )
    conn.close()
    open_store(db).close()
    assert _runs(db) == [("failed", False)]


DASHBOARD = """
import sys, time
from presswatch.ingest.sinks import start_importer, waiting_for
from presswatch.store import shared_connection
owner = shared_connection(sys.argv[1], ask=lambda: waiting_for(sys.argv[1]))
start_importer(owner, sys.argv[1])  # as the dashboard does
conn = owner.cursor()
# As a CLI killed while it handed its batches to this dashboard leaves its run.
conn.execute(
    "INSERT INTO ingest_runs (run_id, run_key, started_at, origin, status) "
    "VALUES (1, 'pid999999999-' || md5('dead'), now()::TIMESTAMP, 'cli', 'running')"
)
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    status = conn.execute("SELECT status FROM ingest_runs").fetchall()[0][0]
    if status != "running":
        break
    time.sleep(0.1)
print(status)
"""


def test_running_dashboard_fails_a_run_whose_cli_died(tmp_path: Path) -> None:
    db = tmp_path / "dashboard.duckdb"
    out = subprocess.run(
        [sys.executable, "-c", DASHBOARD, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "failed"  # without waiting for the next open
