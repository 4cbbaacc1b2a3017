"""A disk that fills during an ingest: the run says what was stored, and nothing more.

Two real failures of the OS, no mocks: a small tmpfs where this process may mount one
(root), and everywhere a size limit on the ingest process's files (RLIMIT_FSIZE), which
makes its writes fail with EFBIG ("File too large") exactly as a full disk fails them.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from presswatch.ingest.pipeline import ingest_articles, ingest_uploads
from presswatch.ingest.readers import ReadOptions
from presswatch.models import Article
from presswatch.store import open_store

MB = 1024 * 1024
FEED = 120  # articles in the feed
BATCH = 20  # articles per batch
SEEDED = 5  # articles in the database before the run
COUNTRIES = ["Kenya", "Chile", "Norway", "Japan", "Peru", "Ghana", "Egypt", "Canada"]


def _texts(n: int, seed: int) -> Iterator[tuple[str, str]]:
    """(title, text) pairs of about 6 KB of words that compress poorly, so the disk fills."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(n):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(800)]
        a, b = rng.sample(COUNTRIES, 2)
        yield f"{a} and {b} talks {seed}-{i}", f"{a} and {b} met. " + " ".join(words) + "."


def _feed(path: Path, n: int, seed: int = 1) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for title, text in _texts(n, seed):
            out.write(json.dumps({"title": title, "text": text, "date": "2021-03-04"}) + "\n")
    return path


def _seeded_db(path: Path) -> int:
    """A database holding a few articles already (as in the report: a DB with 699)."""
    conn = open_store(path)
    try:
        articles = [Article(text=t, title=h, origin_file="seed.txt") for h, t in _texts(SEEDED, 99)]
        ingest_articles(conn, articles, origin="test", workers=1)
    finally:
        conn.close()
    return SEEDED


def _state(db: Path) -> tuple[int, list[tuple[int, str]]]:
    """Articles stored and (added, status) of each run, as a fresh process reads the file."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(json.dumps([c.execute('SELECT count(*) FROM articles').fetchall()[0][0], "
            "c.execute('SELECT articles_added, status FROM ingest_runs ORDER BY run_id')"
            ".fetchall()]))",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    count, runs = json.loads(out.stdout)
    return int(count), [(int(a), str(s)) for a, s in runs]


def _ingest(
    feed: Path, db: Path, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    args = ["ingest", str(feed), "--db", str(db), "--batch-size", str(BATCH)]
    return subprocess.run(
        [sys.executable, "-m", "presswatch.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
        preexec_fn=preexec_fn,  # sets limits only: safe even with threads in this process
    )


_REPORT = re.compile(
    r"disk full[^:]*: nothing from this run(?: after batch (\d+))? was stored "
    r"\(([\d,]+) articles were added before it\); the run (is marked failed|could not be)"
)


def _check_refused_run(result: subprocess.CompletedProcess[str], db: Path, seeded: int) -> None:
    """Non-zero exit, one clear sentence, no traceback, and the file holds what it says."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = _REPORT.search(" ".join(result.stderr.split()))
    assert found, result.stderr
    batches, added, marked = int(found[1] or 0), int(found[2].replace(",", "")), found[3]
    assert added == BATCH * batches  # every batch of this feed is new articles only
    count, runs = _state(db)
    assert count == seeded + added  # nothing reported that is not there, nothing unreported
    assert runs[0] == (seeded, "done")
    if marked == "is marked failed":
        assert runs[1:] == [(added, "failed")]
    else:  # no room even for the status: the run's row is as its last batch left it
        assert runs[1:] == ([(added, "running")] if batches else [])


def _complete_after_freeing(feed: Path, db: Path, tmp_path: Path) -> None:
    """With room again, the same command completes the job: as many as a clean run."""
    again = _ingest(feed, db)
    assert again.returncode == 0, again.stderr
    clean = tmp_path / "clean.duckdb"
    _seeded_db(clean)
    assert _ingest(feed, clean).returncode == 0
    assert _state(db)[0] == _state(clean)[0] == SEEDED + FEED


# --------------------------------------------------------------------- a real full disk


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A seeded database on a tmpfs with 1 MB to spare, where this process may mount one
    (root on Linux); skipped elsewhere."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root on Linux")
    seeded = tmp_path / "seeded.duckdb"
    _seeded_db(seeded)
    mount = tmp_path / "disk"
    mount.mkdir()
    size = (os.path.getsize(seeded) + MB) // 4096 * 4096
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        shutil.copy(seeded, mount / "small.duckdb")
        yield mount / "small.duckdb"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_is_a_failed_run_that_says_what_was_stored(
    small_disk: Path, tmp_path: Path
) -> None:
    feed = _feed(tmp_path / "feed.jsonl", FEED)
    result = _ingest(feed, small_disk)
    _check_refused_run(result, small_disk, SEEDED)
    assert "after batch" in result.stderr  # the disk filled mid-run, not at once
    # With room again, the file opens with every reported batch (the log is replayed).
    subprocess.run(["mount", "-o", "remount,size=200m", str(small_disk.parent)], check=True)
    assert _state(small_disk)[0] > SEEDED


# ------------------------------------------------------- a file size limit, runs everywhere


def _limit_files(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Without SIG_IGN the kernel would kill the process at the limit (SIGXFSZ);
        # ignored, the write fails with EFBIG, which is how DuckDB sees a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_file_size_limit_is_a_failed_run_that_says_what_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "limited.duckdb"
    seeded = _seeded_db(db)
    feed = _feed(tmp_path / "feed.jsonl", FEED)
    # The write-ahead log (a file of its own) may grow to 1 MB: a few batches, not all.
    result = _ingest(feed, db, preexec_fn=_limit_files(MB))
    _check_refused_run(result, db, seeded)
    assert "after batch" in result.stderr
    _complete_after_freeing(feed, db, tmp_path)


def test_no_room_for_the_first_batch(tmp_path: Path) -> None:
    db = tmp_path / "full.duckdb"
    seeded = _seeded_db(db)
    feed = _feed(tmp_path / "feed.jsonl", BATCH)
    result = _ingest(feed, db, preexec_fn=_limit_files(16 * 1024))
    _check_refused_run(result, db, seeded)
    assert "nothing from this run was stored (0 articles" in " ".join(result.stderr.split())


def test_failed_checkpoint_says_the_batches_are_in_the_log(tmp_path: Path) -> None:
    # Every commit fits in the log, but the database file may not grow: the checkpoint
    # at the end fails. The batches are stored (the log is replayed on the next open),
    # and the run says so instead of reporting a plain success.
    db = tmp_path / "nocheckpoint.duckdb"
    seeded = _seeded_db(db)
    feed = _feed(tmp_path / "feed.jsonl", 2 * BATCH)
    result = _ingest(feed, db, preexec_fn=_limit_files(os.path.getsize(db)))
    assert result.returncode == 1, result.stderr
    said = " ".join(result.stderr.split())
    assert "every batch of this run is stored in the database's write-ahead log" in said
    assert "Traceback" not in said
    assert _state(db) == (seeded + 2 * BATCH, [(seeded, "done"), (2 * BATCH, "done")])


def test_write_failure_names_the_cause() -> None:
    from presswatch.store import write_failure

    full = duckdb.IOException('Could not write file "x.wal": No space left on device')
    assert write_failure(full) == "disk full"
    assert write_failure(OSError(27, "File too large")).startswith("disk full")
    other = duckdb.ConstraintException("Duplicate key\nmore detail")
    assert write_failure(other) == "the database could not be written (Duplicate key)"


# --------------------------------------------------------- the Ingest page's own pipeline

PAGE = """
import json, resource, signal, sys
from streamlit.testing.v1 import AppTest

app, data, limit = sys.argv[1], open(sys.argv[2], "rb").read(), int(sys.argv[3])
at = AppTest.from_file(app, default_timeout=120).run()
at = at.switch_page("app_pages/ingest.py").run()
at.file_uploader(key="pw_ingest_files").set_value([("feed.jsonl", data, "application/json")])
# From here on the dashboard's writes meet the limit, as they would a full disk.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
at = at.form_submit_button[0].click().run()
print(json.dumps({
    "exceptions": [e.message for e in at.exception],
    "errors": [e.value for e in at.error],
    "tables": [str(t.value) for t in at.table],
}))
"""


def test_ingest_page_shows_a_full_disk_as_a_sentence(tmp_path: Path) -> None:
    db = tmp_path / "dashboard.duckdb"
    seeded = _seeded_db(db)
    feed = _feed(tmp_path / "upload.jsonl", FEED)
    app = str(Path(__file__).resolve().parents[1] / "app.py")
    out = subprocess.run(
        [sys.executable, "-c", PAGE, app, str(feed), str(MB)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PRESSWATCH_DB": str(db)},
    )
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert shown["exceptions"] == []
    assert len(shown["errors"]) == 1
    assert "disk full" in shown["errors"][0]
    assert "nothing from this run was stored" in shown["errors"][0].replace("\\", "")
    assert _state(db)[0] == seeded


def test_refused_write_in_process_keeps_the_summary(tmp_path: Path) -> None:
    # The in-process path the page uses: the error carries what was stored before it.
    from presswatch.ingest.pipeline import IngestFailedError

    db = tmp_path / "small.duckdb"
    conn = open_store(db)
    conn.close()
    conn = duckdb.connect(str(db), read_only=True)
    try:
        uploads = [("a.jsonl", _feed(tmp_path / "a.jsonl", 3).read_bytes())]
        with pytest.raises(IngestFailedError) as failed:
            ingest_uploads(conn, uploads, ReadOptions())
    finally:
        conn.close()
    assert failed.value.summary.articles_added == 0
    assert "nothing from this run was stored" in str(failed.value)
    assert "the run could not be marked failed either" in str(failed.value)


# ----------------------------------------------------------------------------- reindex


def _analysed(db: Path) -> list[int]:
    """Ids of the articles that have a term index, as a fresh process reads the file."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(json.dumps([r[0] for r in c.execute('SELECT DISTINCT article_id "
            "FROM article_terms ORDER BY 1').fetchall()]))",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(i) for i in json.loads(out.stdout)]


def test_full_disk_during_reindex_says_what_was_reanalysed(tmp_path: Path) -> None:
    db = tmp_path / "reindex.duckdb"
    conn = open_store(db)
    try:
        articles = [Article(text=t, title=h, origin_file="f.txt") for h, t in _texts(FEED, 7)]
        ingest_articles(conn, articles, origin="test", workers=1)
        ids = [
            int(r[0]) for r in conn.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()
        ]
        # "Previous analysis" is no term index at all, so each article shows which it has.
        conn.execute("DELETE FROM article_terms")
    finally:
        conn.close()
    args = ["reindex", "--db", str(db), "--batch-size", str(BATCH)]
    result = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
        preexec_fn=_limit_files(MB),
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    said = " ".join(result.stderr.split())
    found = re.search(
        r"disk full[^:]*: the new analysis of ([\d,]+) articles \(batches 1–(\d+)\) is stored; "
        r"the other ([\d,]+) keep their previous analysis\. Free some space and run "
        r"presswatch reindex again\.",
        said,
    )
    assert found, said
    done, batches, rest = int(found[1]), int(found[2]), int(found[3])
    assert done == batches * BATCH and done + rest == FEED and 0 < done < FEED
    # Whole batches, in id order: exactly the articles it says were re-analysed.
    assert _analysed(db) == ids[:done]


def test_no_room_for_the_first_reindex_batch(tmp_path: Path) -> None:
    db = tmp_path / "reindex.duckdb"
    seeded = _seeded_db(db)
    result = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", "reindex", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
        preexec_fn=_limit_files(16 * 1024),
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    said = " ".join(result.stderr.split())
    assert (
        f"disk full (the file size limit was reached): no article's new analysis was stored; "
        f"all {seeded} keep their previous analysis." in said
    ), said


def test_no_room_to_mark_a_dead_run_failed(tmp_path: Path) -> None:
    # A run left "running" by a killed CLI is marked failed when the file is next opened
    # for writing; with no room for that either, the ingest still ends in its one sentence.
    db = tmp_path / "orphan.duckdb"
    seeded = _seeded_db(db)
    conn = open_store(db)
    conn.execute(
        "INSERT INTO ingest_runs (run_id, run_key, started_at, origin, status) "
        "VALUES (2, 'pid999999999-' || md5('dead'), now()::TIMESTAMP, 'cli', 'running')"
    )
    conn.close()
    feed = _feed(tmp_path / "feed.jsonl", BATCH)
    result = _ingest(feed, db, preexec_fn=_limit_files(64))  # not even a log entry fits
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    said = " ".join(result.stderr.split())
    assert "disk full (the file size limit was reached): nothing from this run was stored" in said
    assert _state(db) == (seeded, [(seeded, "done"), (0, "running")])  # marked next time


def test_failed_reindex_checkpoint_says_the_analysis_is_in_the_log(tmp_path: Path) -> None:
    # The batches fit in the write-ahead log, but the database file may not grow: closing
    # would swallow the failed checkpoint; reindex says the new analysis waits in the log.
    db = tmp_path / "nocheckpoint.duckdb"
    seeded = _seeded_db(db)
    result = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", "reindex", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
        preexec_fn=_limit_files(os.path.getsize(db)),
    )
    assert result.returncode == 1, result.stderr
    said = " ".join(result.stderr.split())
    assert "Traceback" not in said
    assert (
        "disk full (the file size limit was reached): the new analysis of every article is "
        "stored in the database's write-ahead log" in said
    ), said
    assert _state(db)[0] == seeded
