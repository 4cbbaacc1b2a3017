"""The dashboard dies while batches wait in its spool: nothing hangs, nothing is lost or doubled.

Real processes and real SIGKILLs: a dashboard that owns the file is killed while a CLI
ingest waits for it, and a spool importer is killed at random moments (and once right
after its commit) while it imports.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from presswatch.extract import get_detector
from presswatch.ingest.analyse import Analyser
from presswatch.ingest.sinks import import_pending, owner_file, spool_batch, spool_dir
from presswatch.ingest.write import RunInfo
from presswatch.models import Article, Reject
from presswatch.store import open_store

# Holds the file and says it imports the spool, but never does: the CLI's batches wait
# for it until it is killed (what a dashboard killed before its next poll looks like).
STALLED_DASHBOARD = """
import json, os, sys, time
from presswatch.ingest.sinks import owner_file
from presswatch.store import open_store
conn = open_store(sys.argv[1])
owner_file(sys.argv[1]).parent.mkdir(parents=True, exist_ok=True)
owner_file(sys.argv[1]).write_text(json.dumps({"pid": os.getpid()}))
print("ready", flush=True)
time.sleep(300)
"""


def _feed(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = f"Report {i}: Kenya and Ethiopia signed a defence pact in Nairobi."
            out.write(json.dumps({"title": f"Pact {i}", "text": text}) + "\n")
        out.write("{not json\n")  # one reject, so a doubled import would show
    return path


def _stored(db: Path) -> tuple[int, int, list[tuple[int, int, int, str]]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        rejects = conn.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
        runs = conn.execute(
            "SELECT articles_seen, articles_added, rejects, status FROM ingest_runs ORDER BY run_id"
        ).fetchall()
    finally:
        conn.close()
    return int(articles), int(rejects), [(int(a), int(b), int(c), str(d)) for a, b, c, d in runs]


def _leftovers(db: Path) -> list[str]:
    folder = spool_dir(db)
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("batch-", "tmp-batch-")))


BATCH = ["--batch-size", "10"]


def test_cli_takes_the_file_over_when_the_dashboard_dies(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    open_store(db).close()
    feed = _feed(tmp_path / "feed.jsonl", 30)
    owner = subprocess.Popen(
        [sys.executable, "-c", STALLED_DASHBOARD, str(db)], stdout=subprocess.PIPE, text=True
    )
    cli: subprocess.Popen[str] | None = None
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        cli = subprocess.Popen(
            [sys.executable, "-m", "presswatch.cli", "ingest", str(feed), "--db", str(db), *BATCH],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        deadline = time.monotonic() + 60
        while not [p for p in spool_dir(db).glob("batch-*") if p.is_dir()]:
            assert time.monotonic() < deadline, "the CLI never spooled a batch"
            assert cli.poll() is None, cli.communicate()[1]
            time.sleep(0.05)
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        # Before, the CLI waited 600 s for a result nobody would write, then a traceback.
        _, err = cli.communicate(timeout=60)
    finally:
        owner.kill()
        owner.wait()
        if cli is not None and cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli is not None and cli.returncode == 0, err
    assert "Traceback" not in err
    assert "The dashboard stopped" in err
    assert _stored(db) == (30, 1, [(30, 30, 1, "done")])
    assert _leftovers(db) == []
    assert owner_file(db).exists()  # the dead owner's marker is harmless: its pid is gone


def _spool_batches(db: Path, n: int, per_batch: int) -> RunInfo:
    """``n`` batches of one run in the spool, each with its articles and one reject."""
    run = RunInfo(
        run_key="spooled-run",
        origin="cli",
        inputs="test",
        started_at=datetime.now(UTC).replace(tzinfo=None),
    )
    detector = get_detector()
    with Analyser(detector, workers=1) as analyser:
        for b in range(n):
            articles = [
                Article(
                    text=f"Batch {b} item {i}: Chile and Peru held talks in Lima.",
                    origin_file=f"b{b}.jsonl",
                )
                for i in range(per_batch)
            ]
            rejects = [Reject(f"b{b}.jsonl", "invalid-json", "not JSON", origin_record="9")]
            spool_batch(db, analyser.run(articles, rejects, 1), run)
            time.sleep(0.001)  # names sort by time: keep them distinct and in order
    spool_batch(db, None, run)
    return run


IMPORTER = """
import sys
from pathlib import Path
from presswatch.ingest import sinks as spool
from presswatch.store import open_store

db = Path(sys.argv[1])
if sys.argv[2] == "die-after-commit":
    import os, signal
    # The result file is written right after a batch's commit: die there, once.
    def die(path, data):
        os.kill(os.getpid(), signal.SIGKILL)
    spool._write_json_atomic = die
conn = open_store(db)
spool.import_pending(conn, db)
conn.close()
"""


def _pending_batches(db: Path) -> int:
    return len([p for p in spool_dir(db).glob("batch-*") if p.is_dir()])


def _importer(db: Path, mode: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", IMPORTER, str(db), mode])


def _check_exactly_once(db: Path, n: int, per_batch: int) -> None:
    total = n * per_batch
    assert _stored(db) == (total, n, [(total, total, n, "done")])
    # This process spooled the batches and is alive, so their answers wait for it: the
    # same answer as if each batch had been imported once, also for a repeated one.
    answers = [json.loads(p.read_text()) for p in spool_dir(db).glob("batch-*.result.json")]
    assert len(answers) == n + 1
    assert sorted(a.get("added", -1) for a in answers) == [-1] + [per_batch] * n
    assert all("error" not in a for a in answers)
    assert not [p for p in spool_dir(db).glob("*batch-*") if p.is_dir()]
    conn = duckdb.connect(str(db), read_only=True)
    try:  # the import records go with their batches
        left = conn.execute("SELECT count(*) FROM store_meta WHERE key LIKE 'spool:%'").fetchall()
    finally:
        conn.close()
    assert left == [(0,)]


def test_importer_killed_after_its_commit_imports_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "once.duckdb"
    open_store(db).close()
    _spool_batches(db, 3, 5)
    killed = _importer(db, "die-after-commit")
    assert killed.wait(timeout=120) == -signal.SIGKILL
    assert _stored(db)[0] == 5  # the first batch was committed, its folder is still there
    conn = open_store(db)  # the restarted dashboard (or a CLI taking the file over)
    try:
        import_pending(conn, db)
    finally:
        conn.close()
    _check_exactly_once(db, 3, 5)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_record_whose_batch_folder_is_gone_is_dropped(tmp_path: Path) -> None:
    # An importer killed after removing a batch's folder but before forgetting its record
    # leaves the record behind; the next import drops it along with its own.
    db = tmp_path / "orphan.duckdb"
    _spool_batches(db, 1, 2)
    conn = open_store(db)
    try:
        conn.executemany(
            "INSERT INTO store_meta VALUES (?, ?)",
            [("spool:batch-1-999-gone:added", 7), ("spool:batch-1-999-gone:duplicates", 0)],
        )
        assert import_pending(conn, db) == 2  # the spooled batch and its run's finish
        left = conn.execute("SELECT key FROM store_meta WHERE key LIKE 'spool:%'").fetchall()
    finally:
        conn.close()
    assert left == []
    assert _stored(db) == (2, 1, [(2, 2, 1, "done")])


def test_importer_killed_at_random_loses_and_doubles_no_batch(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    open_store(db).close()
    n, per_batch = 12, 40
    _spool_batches(db, n, per_batch)
    rng = random.Random(20261203)
    kills = 0
    for _ in range(15):
        pending = _pending_batches(db)
        if not pending:
            break
        proc = _importer(db, "normal")
        # Kill a random moment after the importer has taken its first batch, so the kills
        # land mid-import however fast or slow the machine is today.
        deadline = time.monotonic() + 120
        while proc.poll() is None and _pending_batches(db) >= pending:
            assert time.monotonic() < deadline, "the importer never took a batch"
            time.sleep(0.005)
        try:
            proc.wait(timeout=rng.uniform(0.0, 0.15))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
    conn = open_store(db)
    try:
        import_pending(conn, db)  # whatever the kills left
    finally:
        conn.close()
    assert kills >= 1
    _check_exactly_once(db, n, per_batch)


def test_importer_removes_what_dead_cli_processes_left(tmp_path: Path) -> None:
    db = tmp_path / "left.duckdb"
    folder = spool_dir(db)
    folder.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead_result = folder / f"batch-{time.time_ns():020d}-{gone.pid}.result.json"
    dead_result.write_text('{"added": 1, "duplicates": 0, "undated_added": 0}')
    half_written = folder / f"tmp-batch-{time.time_ns():020d}-{gone.pid}"
    half_written.mkdir()
    live_result = folder / f"batch-{time.time_ns():020d}-{os.getpid()}.result.json"
    live_result.write_text('{"added": 1, "duplicates": 0, "undated_added": 0}')
    conn = open_store(db)
    try:
        import_pending(conn, db)
    finally:
        conn.close()
    # Nobody will read the dead process's answer; a live one's still waits for it.
    assert sorted(p.name for p in folder.iterdir()) == [live_result.name]


REAL_DASHBOARD = """
import sys, time
from presswatch.ingest.sinks import start_importer, waiting_for
from presswatch.store import shared_connection
# Owns the file and runs the spool importer, as the dashboard does.
start_importer(shared_connection(sys.argv[1], ask=lambda: waiting_for(sys.argv[1])), sys.argv[1])
print("ready", flush=True)
time.sleep(300)
"""


def test_real_dashboard_killed_mid_run_loses_and_doubles_nothing(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    open_store(db).close()
    feed = _feed(tmp_path / "feed.jsonl", 120)
    owner = subprocess.Popen(
        [sys.executable, "-c", REAL_DASHBOARD, str(db)], stdout=subprocess.PIPE, text=True
    )
    cli: subprocess.Popen[str] | None = None
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        cli = subprocess.Popen(
            [sys.executable, "-m", "presswatch.cli", "ingest", str(feed), "--db", str(db), *BATCH],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        # Kill the dashboard once a few batches went its way, while more keep coming.
        deadline = time.monotonic() + 120
        seen: set[str] = set()
        while len(seen) < 3:
            assert time.monotonic() < deadline, "the CLI spooled too little"
            assert cli.poll() is None, cli.communicate()[1]
            seen |= {p.name for p in spool_dir(db).glob("batch-*") if p.is_dir()}
            time.sleep(0.02)
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        _, err = cli.communicate(timeout=120)
    finally:
        owner.kill()
        owner.wait()
        if cli is not None and cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli is not None and cli.returncode == 0, err
    assert "Traceback" not in err
    assert _stored(db) == (120, 1, [(120, 120, 1, "done")])
    assert _leftovers(db) == []


def test_dashboard_that_never_imports_fails_the_run_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presswatch.ingest import sinks as spool
    from presswatch.ingest.pipeline import IngestFailedError, run_pipeline

    db = tmp_path / "stalled.duckdb"
    open_store(db).close()
    owner = subprocess.Popen(
        [sys.executable, "-c", STALLED_DASHBOARD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        monkeypatch.setattr(spool, "RESULT_WAIT_SECONDS", 1.0)
        articles = [Article(text=f"Item {i}: Chile and Peru.", origin_file="x") for i in range(5)]
        with pytest.raises(IngestFailedError) as failed:
            run_pipeline(spool.FileSink(db), articles, origin="cli", inputs="t", workers=1)
        message = str(failed.value)
        assert "has not imported" in message and "stays queued" in message
        assert "nothing from this run was stored" in message
        assert "the run is marked failed" in message
    finally:
        owner.kill()
        owner.wait()
    # The queued batch and the run's failed end wait for the next dashboard.
    conn = open_store(db)
    try:
        import_pending(conn, db)
        runs = conn.execute("SELECT articles_added, status FROM ingest_runs").fetchall()
    finally:
        conn.close()
    assert runs == [(5, "failed")]


def test_full_disk_while_spooling_is_one_sentence_and_no_half_batch(tmp_path: Path) -> None:
    import resource

    def limit_files() -> None:  # see test_full_disk: EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    db = tmp_path / "served.duckdb"
    open_store(db).close()
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        rng = random.Random(7)
        for i in range(20):
            words = " ".join(f"{rng.getrandbits(40):x}" for _ in range(400))
            out.write(json.dumps({"title": f"T{i}", "text": f"Kenya {i}. {words}."}) + "\n")
    owner = subprocess.Popen(
        [sys.executable, "-c", REAL_DASHBOARD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        cli = subprocess.run(
            [sys.executable, "-m", "presswatch.cli", "ingest", str(feed), "--db", str(db), *BATCH],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "250"},
            preexec_fn=limit_files,  # sets limits only: safe even with threads in this process
        )
        said = " ".join(cli.stderr.split())
        assert cli.returncode == 1, cli.stderr
        assert "Traceback" not in said
        assert "disk full (the file size limit was reached): nothing from this run was" in said
        assert not list(spool_dir(db).glob("tmp-batch-*"))
    finally:
        owner.kill()
        owner.wait()
