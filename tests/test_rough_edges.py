"""Rough edges of the dashboard: typed-term labels, network labels, the "articles behind"
tables, search hits in the article view, and what a re-upload of a stored file says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import (
    APP,
    ARTICLES,
    TIMEOUT,
    _article_id,
    _day,
    build_db,
    frame_with,
    new_app,
    ok,
    page,
)

from presswatch import charts
from presswatch import queries as Q
from presswatch.filters import Filters
from presswatch.models import Article
from presswatch.store import open_store
from presswatch.ui.widgets import short_source

LONG_SOURCE = "The Extremely Long Official Name of a Ministry Press Service Wire"
LONG = Article(
    text="Russia and China held talks on Friday.",
    origin_file="long.txt",
    title="Talks held",
    date=_day("2021-05-01"),
    source=LONG_SOURCE,
)


def test_typed_term_label_drops_the_typed_quotes(tmp_path: Path) -> None:
    assert Q.entity_label('word:"south china sea"') == "“south china sea”"
    assert Q.entity_label("word:  joint   exercise ") == "“joint exercise”"
    assert Q.entity_label("word:“summit”") == "“summit”"
    conn = open_store(build_db(tmp_path / "t.duckdb"))
    try:
        series = Q.mentions_over_time(conn, Filters(), ('word:"joint exercise"',), "year")
    finally:
        conn.close()
    assert set(series["label"]) == {"“joint exercise”"}
    assert series["value"].sum() == 1  # the quotes do not change what is counted


def _boxes_overlap(
    fig_points: list[tuple[float, float]], names: list[str], where: list[str]
) -> int:
    boxes = [
        charts._label_box(x, y, len(n) * charts._LABEL_CHAR_W, w, 0.04)
        for (x, y), n, w in zip(fig_points, names, where, strict=True)
    ]
    return sum(
        charts._overlap(boxes[i], boxes[j]) > 0
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
    )


def test_network_labels_avoid_each_other() -> None:
    # Two nodes side by side: both labels above would overlap; one goes elsewhere.
    points = [(0.0, 0.5), (0.1, 0.5), (0.05, 0.6)]
    names = ["United Kingdom", "United States", "Ukraine"]
    where = charts.label_positions(points, names)
    assert where[0] != where[1]
    assert _boxes_overlap(points, names, where) == 0
    assert _boxes_overlap(points, names, ["top center"] * 3) > 0  # what it was before
    # Labels point away from the centre when there is room.
    assert charts.label_positions([(0.0, -0.8)], ["Chile"]) == ["bottom center"]


def test_network_isolated_nodes_are_lined_up_and_labelled() -> None:
    nodes = pd.DataFrame(
        {
            "entity_id": ["RU", "CN", "IR", "FR", "DE"],
            "name": ["Russia", "China", "Iran", "France", "Germany"],
            "units": [5, 4, 3, 2, 1],
        }
    )
    pairs = pd.DataFrame(
        {"a": ["CN", "IR"], "b": ["RU", "RU"], "n_ab": [3, 2], "value": [3.0, 2.0]}
    )
    fig = charts.network_figure(nodes, pairs)
    node_trace = fig.data[-1]
    assert list(node_trace.text) == ["Russia", "China", "Iran", "France", "Germany"]
    assert node_trace.cliponaxis is False  # labels at the edge are not cut off
    ys = dict(zip(nodes["entity_id"], node_trace.y, strict=True))
    xs = dict(zip(nodes["entity_id"], node_trace.x, strict=True))
    # France and Germany (no link) sit in a row below the linked countries, apart.
    assert ys["FR"] == ys["DE"] < min(ys["RU"], ys["CN"], ys["IR"])
    assert abs(xs["FR"] - xs["DE"]) >= 1.0
    # The axes leave room for every label.
    y0, y1 = fig.layout.yaxis.range
    x0, x1 = fig.layout.xaxis.range
    assert y0 < min(node_trace.y) and y1 > max(node_trace.y)
    assert x0 < min(node_trace.x) and x1 > max(node_trace.x)
    where = list(node_trace.textposition)
    points = list(zip(node_trace.x, node_trace.y, strict=True))
    assert _boxes_overlap(points, list(nodes["name"]), where) == 0


def test_short_source() -> None:
    assert short_source(None) == "(unknown source)"
    assert short_source(float("nan")) == "(unknown source)"
    assert short_source("Alpha Wire") == "Alpha Wire"
    cut = short_source(LONG_SOURCE)
    assert len(cut) == 32 and cut.endswith("…") and LONG_SOURCE.startswith(cut[:-1])


@pytest.fixture
def long_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = build_db(tmp_path / "long.duckdb", [*ARTICLES, LONG])
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    return db


def test_articles_behind_tables_put_the_title_before_a_cut_source(long_db: Path) -> None:
    at = page(ok(new_app({"country": "CN"})), "articles")
    listing = frame_with(at, "date", "title", "source")
    cols = list(listing.columns)
    assert cols.index("title") < cols.index("source")
    row = listing[listing["title"] == "Talks held"].iloc[0]
    assert row["source"] == short_source(LONG_SOURCE) != LONG_SOURCE


def _article_page(params: dict[str, str | list[str]]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page("app_pages/articles.py")
    return ok(at.run())


def test_article_view_highlights_search_hits(long_db: Path) -> None:
    ok(new_app())
    a3 = _article_id(long_db, "France hosts summit")
    at = _article_page({"q": "summit", "article": str(a3)})
    body = next(h.value for h in at.html if "pw-article" in h.value)
    # Title and both "summit"s in the text; France still highlighted as a country.
    assert body.count('<mark title="search match"') == 3
    assert '<mark title="France · name"' in body
    assert any("text query match" in h.value for h in at.html)
    # Without a text query nothing is marked as a search match.
    at = _article_page({"article": str(a3)})
    assert any("pw-article" in h.value for h in at.html)
    assert not any("search match" in h.value for h in at.html)


PACT = (
    b"Ukraine and Poland sign a defence pact\n\n"
    b"Ukraine and Poland signed a defence pact in Warsaw on 3 May 2023.\n"
)


def test_reupload_says_nothing_was_added_and_which_article_it_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_db(tmp_path / "re.duckdb", ARTICLES[:2])
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    at = page(ok(new_app()), "ingest")
    at.file_uploader(key="pw_ingest_files").set_value([("pact.txt", PACT, "text/plain")])
    ok(at.form_submit_button[0].click().run())
    assert not at.warning
    first = at.status[0]
    assert first.label.startswith("Added 1 articles") and first.state == "complete"

    at.file_uploader(key="pw_ingest_files").set_value([("pact-copy.txt", PACT, "text/plain")])
    ok(at.form_submit_button[0].click().run())
    status = at.status[0]
    assert status.label == "Nothing added: 1 article(s) in 1 file(s) already stored"
    assert status.state == "error"  # not a green check
    warning = at.warning[0].value.replace("\\", "")
    assert "pact-copy.txt: “Ukraine and Poland sign a defence pact”" in warning
    assert "stored from pact.txt in run" in warning
