"""Closing a run refreshes the entity table from the reference tables, not from a detector."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import presswatch
from presswatch.extract import entity_reference
from presswatch.extract.gazetteer import load_countries, load_gazetteer
from presswatch.extract.watchlist import load_watchlists
from presswatch.ingest.write import RunInfo, finish_run
from presswatch.settings import DATA_DIR
from presswatch.store import new_run_key, open_store


def test_the_entity_table_names_every_country_organisation_and_group(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "e.duckdb")
    run = RunInfo(new_run_key(), "cli", "t", datetime(2024, 1, 1))
    assert finish_run(conn, run) == 1
    stored = conn.execute(
        "SELECT entity_id, kind, name, iso3, region, status FROM entities"
    ).fetchall()
    status = {c.id: c.status for c in load_countries(DATA_DIR / "countries.tsv").values()}
    # The same rows the detector's gazetteer gives, with each country's status.
    expected = [(*r, status.get(r[0])) for r in entity_reference(load_gazetteer(DATA_DIR))]
    expected += [(f"term:{g.label}", "term", g.label, None, None, None) for g in load_watchlists()]
    assert sorted(stored, key=repr) == sorted(expected, key=repr)
    assert any(kind == "organisation" for _, kind, *_ in stored)


def test_closing_a_run_does_not_build_the_detector(tmp_path: Path) -> None:
    # A fresh interpreter: this test process may have built the detector already.
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "from presswatch.ingest.write import RunInfo, finish_run\n"
        "from presswatch.store import new_run_key, open_store\n"
        "conn = open_store(sys.argv[1])\n"
        "finish_run(conn, RunInfo(new_run_key(), 'cli', 't', datetime(2024, 1, 1)))\n"
        "n = conn.execute('SELECT count(*) FROM entities').fetchall()[0][0]\n"
        "print(n > 0, 'presswatch.extract.detect' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(presswatch.__file__).parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "f.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.split() == ["True", "False"]
