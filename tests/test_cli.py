"""End to end through the `presswatch` command: a mixed folder, exit codes, interrupted runs."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from _readonly import unwritable

from presswatch.ingest.sinks import waiting_for
from presswatch.schema import LATEST_VERSION
from presswatch.settings import MIN_MEMORY_MB
from presswatch.store import open_store

GOOD_TEXT = (
    "Ministers meet in Oslo – Nordic Defence Review\n\n"
    "OSLO, March 3, 2021 – Norway and Sweden agreed on Wednesday to deepen air-defence "
    "cooperation, officials said.\n\n"
    "The ministers also discussed Finland and the Baltic states.\n"
)
HTML_PAGE = """<!doctype html><html lang="en"><head><title>Kenya hosts regional summit | Demo Times</title>
<meta property="og:site_name" content="Demo Times">
<meta property="article:published_time" content="2020-06-01T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Kenya hosts regional summit</h1>
<p>Leaders from Kenya, Uganda and Tanzania met in Nairobi on Monday to discuss border security
and trade. The talks lasted two days and ended with a joint statement on cooperation.</p>
<p>Delegates from Ethiopia attended as observers and promised to host the next round of talks
later in the year, according to a statement released after the meeting.</p></article>
<footer>Copyright Demo Times. All rights reserved.</footer></body></html>"""


def _write_mixed_folder(root: Path) -> None:
    root.mkdir()
    (root / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    lines = [
        json.dumps(
            {
                "title": "Chile and Peru talk fishing",
                "text": "Chile and Peru held talks on fishing rights.",
                "date": "2019-05-02",
            }
        ),
        "{not json at all",
        json.dumps(
            {
                "headline": "Canada buys ships",
                "body": "Canada ordered two supply ships from Spain.",
                "published": "2018-01-09",
            }
        ),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "rows.csv").write_text(
        "title,content,date,outlet\n"
        "Egypt opens canal lane,Egypt opened a new lane of the canal.,2017-08-06,Nile Wire\n"
        "Ghana trains peacekeepers,Ghana trained peacekeepers for a mission in Mali.,2016-02-11,Nile Wire\n",
        encoding="utf-8",
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (root / "nocolumns.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    (root / "copy.md").write_text(GOOD_TEXT.replace("\n\n", "\n"), encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "inner/note.txt",
            "Brazil and Argentina signed a space agreement.\n\nBoth said it was historic.",
        )
        archive.writestr("../evil.txt", "Portugal should never be written outside the archive.")
    (root / "bundle.zip").write_bytes(buffer.getvalue())


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presswatch.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def test_mixed_folder_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write_mixed_folder(folder)
    db = tmp_path / "mixed.duckdb"
    result = _cli("ingest", str(folder), "--db", str(db))
    assert result.returncode == 0, result.stderr

    conn = open_store(db, read_only=True)
    run = conn.execute(
        "SELECT files_read, articles_seen, articles_added, duplicates, rejects, status FROM ingest_runs"
    ).fetchall()
    # 9 files; articles: good.txt, page.html, 2 JSON lines, 2 CSV rows, copy.md, note.txt.
    assert run == [(9, 8, 7, 1, 5, "done")]
    reasons = sorted(
        (Path(f).name, reason)
        for f, reason in conn.execute("SELECT origin_file, reason FROM rejects").fetchall()
    )
    assert reasons == [
        ("empty.txt", "empty-file"),
        ("evil.txt", "unsafe-path"),
        ("feed.jsonl", "invalid-json"),
        ("image.txt", "binary-file"),
        ("nocolumns.csv", "missing-text-column"),
    ]
    titles = {r[0] for r in conn.execute("SELECT title FROM articles").fetchall()}
    assert {"Ministers meet in Oslo", "Kenya hosts regional summit", "Canada buys ships"} <= titles
    row = conn.execute(
        "SELECT source, CAST(published_at AS DATE) FROM articles WHERE title = 'Ministers meet in Oslo'"
    ).fetchone()
    assert row is not None and row[0] == "Nordic Defence Review" and str(row[1]) == "2021-03-03"
    countries = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT entity_id FROM article_entities WHERE kind = 'country'"
        ).fetchall()
    }
    assert {
        "NO",
        "SE",
        "FI",
        "KE",
        "UG",
        "TZ",
        "CL",
        "PE",
        "CA",
        "ES",
        "EG",
        "GH",
        "ML",
        "BR",
        "AR",
    } <= countries
    assert not (tmp_path / "evil.txt").exists()
    conn.close()

    # The summary printed to the user says the same.
    out = result.stderr + result.stdout
    for expected in (
        "Files read",
        "Articles added",
        "Duplicates skipped",
        "unsafe-path",
        "invalid-json",
    ):
        assert expected in out

    again = _cli("ingest", str(folder), "--db", str(db))
    assert again.returncode == 0
    conn = open_store(db, read_only=True)
    assert conn.execute(
        "SELECT articles_added, duplicates FROM ingest_runs WHERE run_id = 2"
    ).fetchone() == (0, 8)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (7,)


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _cli(
        "ingest", str(empty), str(tmp_path / "missing.jsonl"), "--db", str(tmp_path / "x.duckdb")
    )
    assert result.returncode == 1
    assert "empty-file" in result.stderr + result.stdout
    assert "not-found" in result.stderr + result.stdout


def test_bad_map_argument_is_explained(tmp_path: Path) -> None:
    result = _cli("ingest", str(tmp_path), "--map", "nonsense", "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2
    assert "--map" in result.stderr


def test_interrupted_run_leaves_whole_batches_and_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    args = [sys.executable, "-m", "presswatch.cli", "demo", "--articles", "12000", "--db", str(db)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until at least one batch is committed, then kill without warning. The CLI keeps
    # the file for its run, so ask for it (as a dashboard would) to look inside.
    deadline = time.monotonic() + 240
    with waiting_for(db):
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            try:
                c = duckdb.connect(str(db), read_only=True)
            except duckdb.Error:
                continue
            try:
                n = c.execute("SELECT count(*) FROM articles").fetchone()
            except duckdb.Error:
                n = (0,)
            finally:
                c.close()
            if n and n[0] > 0:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    conn = open_store(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()
    assert stored is not None and 0 < stored[0] < 12000
    # Whole batches only: every stored article has its derived rows, nothing dangles.
    orphans = conn.execute(
        "SELECT count(*) FROM article_terms WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ).fetchone()
    assert orphans == (0,)
    without_terms = conn.execute(
        "SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM article_terms)"
    ).fetchone()
    assert without_terms == (0,)
    conn.close()

    rerun = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    conn = open_store(db, read_only=True)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (12000,)
    last = conn.execute(
        "SELECT articles_added, duplicates FROM ingest_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    assert last is not None and last[0] == 12000 - stored[0] and last[1] == stored[0]


@pytest.mark.parametrize("compressed", [False, True])
def test_jsonl_with_source_override(tmp_path: Path, compressed: bool) -> None:
    record = json.dumps(
        {"title": "Oman mediates", "text": "Oman mediated talks between Iran and Yemen."}
    )
    path = tmp_path / ("f.jsonl.gz" if compressed else "f.jsonl")
    path.write_bytes(gzip.compress(record.encode()) if compressed else record.encode())
    db = tmp_path / "s.duckdb"
    assert _cli("ingest", str(path), "--source", "Gulf Desk", "--db", str(db)).returncode == 0
    conn = open_store(db, read_only=True)
    assert conn.execute("SELECT source FROM articles").fetchall() == [("Gulf Desk",)]


def test_reindex_applies_an_edited_watch_list(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(
        "Navy conducts patrol\n\nThe destroyer carried out a freedom of navigation operation near the Paracel Islands, "
        "the Navy said. Vietnam and China protested.\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    assert _cli("ingest", str(note), "--db", str(db)).returncode == 0
    watchlist = tmp_path / "watch.toml"
    watchlist.write_text(
        '[[group]]\nlabel = "FONOPs"\npatterns = ["freedom of navigation operation*"]\n',
        encoding="utf-8",
    )
    result = _cli("reindex", "--db", str(db), env={"PRESSWATCH_WATCHLISTS": str(watchlist)})
    assert result.returncode == 0, result.stderr
    assert "Re-detected mentions in 1 articles" in result.stderr + result.stdout
    conn = open_store(db, read_only=True)
    assert conn.execute(
        "SELECT surface FROM mentions WHERE entity_id = 'term:FONOPs'"
    ).fetchall() == [("freedom of navigation operation",)]
    assert conn.execute("SELECT name FROM entities WHERE entity_id = 'term:FONOPs'").fetchall() == [
        ("FONOPs",)
    ]
    countries = {
        r[0]
        for r in conn.execute(
            "SELECT entity_id FROM article_entities WHERE kind = 'country'"
        ).fetchall()
    }
    assert countries == {"VN", "CN"}


def test_broken_watch_list_is_a_clear_message(tmp_path: Path) -> None:
    watchlist = tmp_path / "watch.toml"
    watchlist.write_text('[[group]]\nlabel = "Bad"\npatterns = ["re:(a+)+"]\n', encoding="utf-8")
    note = tmp_path / "n.txt"
    note.write_text("Chile and Peru talk.", encoding="utf-8")
    result = _cli(
        "ingest",
        str(note),
        "--db",
        str(tmp_path / "b.duckdb"),
        env={"PRESSWATCH_WATCHLISTS": str(watchlist)},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "watch.toml" in result.stderr


def _one_clear_line(result: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sentence in result.stderr.splitlines(), result.stderr


def _note(tmp_path: Path) -> Path:
    note = tmp_path / "x.txt"
    note.write_text(GOOD_TEXT, encoding="utf-8")
    return note


@pytest.mark.parametrize("command", ["ingest", "reindex"])
def test_foreign_duckdb_file_is_refused_and_left_untouched(tmp_path: Path, command: str) -> None:
    db = tmp_path / "theirs.duckdb"
    conn = duckdb.connect(str(db))
    conn.execute("CREATE TABLE articles (headline VARCHAR)")
    conn.close()
    before = db.read_bytes()
    note = _note(tmp_path)
    args = ["ingest", str(note)] if command == "ingest" else ["reindex"]
    result = _cli(*args, "--db", str(db))
    _one_clear_line(
        result,
        f"{db} is a DuckDB database of another program (tables: articles), not a presswatch "
        "one; presswatch leaves it untouched, so choose another database file.",
    )
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["theirs.duckdb", "x.txt"])


def test_newer_schema_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "future.duckdb"
    conn = open_store(db)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'future', now())", [LATEST_VERSION + 1])
    conn.close()
    result = _cli("ingest", str(_note(tmp_path)), "--db", str(db))
    _one_clear_line(
        result,
        f"The database {db} has schema version {LATEST_VERSION + 1}, newer than this "
        f"presswatch knows ({LATEST_VERSION}); upgrade presswatch to use it.",
    )


@pytest.mark.parametrize("content", [b"my notes\n", bytes(range(256)) * 64], ids=["text", "junk"])
def test_a_file_that_is_not_duckdb_is_one_clear_line(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_bytes(content)
    result = _cli("ingest", str(_note(tmp_path)), "--db", str(db))
    _one_clear_line(
        result,
        f"{db} is not a DuckDB database file, so presswatch cannot use it; give a new file "
        "name or an existing presswatch database.",
    )
    assert db.read_bytes() == content


def test_a_folder_as_database_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    result = _cli("ingest", str(_note(tmp_path)), "--db", str(folder))
    _one_clear_line(
        result,
        f"The database path {folder} is a folder, not a file; give a file path such as "
        f"{folder / 'presswatch.duckdb'}.",
    )
    assert list(folder.iterdir()) == []


def test_a_read_only_database_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "archive.duckdb"
    open_store(db).close()
    with unwritable(db):
        result = _cli("ingest", str(_note(tmp_path)), "--db", str(db))
    _one_clear_line(
        result,
        f"The database {db} is read-only for this process, so presswatch cannot write to it.",
    )


def test_a_new_database_in_a_read_only_folder_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    note = _note(tmp_path)
    with unwritable(folder):
        result = _cli("ingest", str(note), "--db", str(folder / "new.duckdb"))
    _one_clear_line(
        result,
        f"Cannot create the database {folder / 'new.duckdb'}: its folder {folder} is not writable.",
    )


@pytest.mark.parametrize(
    ("name", "raw", "sentence"),
    [
        (
            "PRESSWATCH_INGEST_MEMORY_MB",
            "1",
            f"The setting PRESSWATCH_INGEST_MEMORY_MB must be at least {MIN_MEMORY_MB}, but it is 1.",
        ),
        (
            "PRESSWATCH_MAX_FILE_MB",
            "big",
            "The setting PRESSWATCH_MAX_FILE_MB must be a whole number, but it is 'big'.",
        ),
    ],
)
def test_a_bad_setting_names_its_variable(
    tmp_path: Path, name: str, raw: str, sentence: str
) -> None:
    db = tmp_path / "s.duckdb"
    result = _cli("ingest", str(_note(tmp_path)), "--db", str(db), env={name: raw})
    _one_clear_line(result, sentence)
    assert "detection data" not in result.stderr


_WORDS = (
    "Chile Peru Canada Spain Kenya Japan Norway Brazil Egypt India talks signed defence "
    "treaty ministers navy exercise border trade visit port agreement security forces"
).split()


def _kill_loop_input(path: Path, records: int) -> None:
    rng = random.Random(1126)
    with path.open("w", encoding="utf-8") as out:
        for n in range(records):
            words = " ".join(rng.choice(_WORDS) for _ in range(60))
            text = f"Report {n}: {words}."
            out.write(json.dumps({"title": f"Report {n}", "text": text}) + "\n")


def _last_reported(log: Path) -> int:
    """Articles read in the last batch the CLI reported as stored (0 if none)."""
    reported = 0
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = re.fullmatch(r"stored: \d+ files · (\d+) articles read", line.strip())
        if match:
            reported = int(match.group(1))
    return reported


def _check_consistent(db: Path) -> tuple[int, list[tuple[int, int]]]:
    """The article count and each run's (run_id, articles_seen); asserts whole batches.

    A kill before the store's first commit (on a busy machine, before the file or its
    tables exist) leaves nothing to check: (0, []).
    """
    if not db.exists():
        return 0, []
    conn = open_store(db, read_only=True)
    try:
        tables = conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ingest_runs'"
        ).fetchone()
        if tables == (0,):
            return 0, []
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()
        runs = conn.execute(
            "SELECT run_id, articles_seen, articles_added FROM ingest_runs ORDER BY run_id"
        ).fetchall()
        dangling = conn.execute(
            "SELECT count(*) FROM article_terms "
            "WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()
    finally:
        conn.close()
    assert stored is not None and dangling == (0,)
    # Each batch updates its run's counts in the same transaction as its articles.
    assert stored[0] == sum(r[2] for r in runs)
    return stored[0], [(r[0], r[1]) for r in runs]


def _wait_for_report(proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Until the CLI has reported a stored batch (or has ended)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not _last_reported(log) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_every_reported_batch_survives_repeated_sigkill(tmp_path: Path) -> None:
    source = tmp_path / "feed.jsonl"
    _kill_loop_input(source, 1500)
    db = tmp_path / "killed.duckdb"
    args = [sys.executable, "-m", "presswatch.cli", "ingest", str(source), "--batch-size", "40"]
    env = {**os.environ, "COLUMNS": "200"}
    rng = random.Random(20261203)
    kills_after_a_report = 0
    for attempt in range(20):
        log = tmp_path / f"run{attempt}.log"
        runs_before = _check_consistent(db)[1]
        with log.open("w") as err:
            proc = subprocess.Popen(
                [*args, "--db", str(db)], stdout=subprocess.DEVNULL, stderr=err, env=env
            )
            # Even attempts die at a random moment from the start (also before the file
            # exists); odd ones a random moment after their first reported batch, so the
            # loop kills runs with stored batches however slow the machine is today.
            if attempt % 2:
                _wait_for_report(proc, log, timeout=120)
            try:
                proc.wait(timeout=rng.uniform(0.0, 0.8) if attempt % 2 else rng.uniform(0.3, 2.5))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        reported = _last_reported(log)
        _, runs = _check_consistent(db)
        new_runs = runs[len(runs_before) :]
        if reported:
            kills_after_a_report += proc.returncode == -signal.SIGKILL
            assert len(new_runs) == 1 and new_runs[0][1] >= reported, (attempt, reported, runs)
    assert kills_after_a_report >= 5  # the loop really killed runs that had stored batches

    finished = subprocess.run([*args, "--db", str(db)], capture_output=True, text=True, env=env)
    assert finished.returncode == 0, finished.stderr
    clean_db = tmp_path / "clean.duckdb"
    clean = subprocess.run([*args, "--db", str(clean_db)], capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stderr
    assert _check_consistent(db)[0] == _check_consistent(clean_db)[0] > 0


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_analysis_workers_exit_when_the_ingest_is_killed(tmp_path: Path) -> None:
    source = tmp_path / "feed.jsonl"
    _kill_loop_input(source, 8000)
    args = [sys.executable, "-m", "presswatch.cli", "ingest", str(source)]
    proc = subprocess.Popen(
        [*args, "--db", str(tmp_path / "w.duckdb")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = _children(proc.pid)
        assert workers, "the ingest never started its analysis workers"
        time.sleep(0.3)  # into their first chunk, which takes each of them about a second
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 0.3
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [w for w in workers if _running(w)]
    finally:
        proc.kill()
        proc.wait()
    for w in left:
        os.kill(w, signal.SIGKILL)  # do not leave them behind on the shared machine
    assert left == []
