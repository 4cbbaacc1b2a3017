"""Sessions share what does not depend on them: figures built once, CSVs only on a click,
the long-lived heap frozen out of the garbage collector's walks (ui/data.py, app.py).

The timings of simultaneous sessions are a benchmark (bench/bench_sessions.py); these
tests check the behaviour behind them.
"""

from __future__ import annotations

import functools
import gc
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from presswatch import charts
from presswatch.demo import generate_articles
from presswatch.ingest.pipeline import ingest_articles
from presswatch.store import open_store
from presswatch.ui import data

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sessions") / "sessions.duckdb"
    conn = open_store(path)
    try:
        ingest_articles(conn, generate_articles(200), origin="test")
    finally:
        conn.close()
    return path


@pytest.fixture
def use_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PRESSWATCH_DB", str(db_path))
    data._shared.clear()
    yield db_path
    data._shared.clear()


def new_session() -> AppTest:
    """A new session's first page (each AppTest is a session of its own)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Record every call of ``charts.<name>`` (which still runs) by its title."""
    calls: list[Any] = []
    real = getattr(charts, name)

    @functools.wraps(real)
    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("title"))
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, name, counting)
    return calls


def test_a_second_session_draws_the_first_sessions_figures(
    use_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars = counted(monkeypatch, "top_entities_bars")
    per = counted(monkeypatch, "articles_per_period_bars")
    new_session()
    assert sorted(bars) == [
        "Most-mentioned countries and territories",
        "Most-mentioned organisations",
    ]
    assert per == ["Articles per month"]
    second = new_session()
    assert len(bars) == 2 and len(per) == 1  # nothing rebuilt for the second session
    assert len(second.get("plotly_chart")) == 3


def test_a_shared_figure_is_keyed_by_its_data(use_db: Path) -> None:
    built: list[int] = []

    def figure(df: pd.DataFrame, title: str = "") -> object:
        built.append(len(df))
        return object()

    # Two sessions: their own cursors, the same data (the second gets a copy).
    one = data.Db(path=str(use_db), cur=data.connection().cursor(), version=1)
    two = data.Db(path=str(use_db), cur=data.connection().cursor(), version=1)
    rows = pd.DataFrame({"name": [f"n{i}" for i in range(500)], "articles": range(500)})
    first = one.figure(figure, rows, title="t")
    assert two.figure(figure, pickle.loads(pickle.dumps(rows)), title="t") is first
    assert built == [500]
    # One value changed in the middle: the frames' reprs are the same, the figure is not.
    changed = rows.copy()
    changed.loc[250, "articles"] = -1
    assert repr(changed) == repr(rows)
    assert two.figure(figure, changed, title="t") is not first
    assert two.figure(figure, rows, title="other") is not first
    assert two.figure(figure, rows.rename(columns={"articles": "mentions"}), title="t") is not first
    as_float = rows.astype({"articles": "float64"})
    assert two.figure(figure, as_float, title="t") is not first
    assert built == [500] * 5


def test_chart_downloads_are_written_only_when_clicked(use_db: Path) -> None:
    at = new_session()
    buttons = at.get("download_button")
    assert len(buttons) == 4
    # A deferred file id and no URL: the CSV is built when the button is clicked.
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)


def test_the_first_finished_run_freezes_the_long_lived_heap(use_db: Path) -> None:
    gc.unfreeze()
    data._freeze_long_lived.clear()
    try:
        assert gc.get_freeze_count() == 0
        new_session()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
