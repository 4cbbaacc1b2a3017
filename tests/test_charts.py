"""Figures from query-layer frames: content, escaping, word cloud."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image

from presswatch import charts

XSS = "<img src=x onerror=alert(1)>"


def _series() -> pd.DataFrame:
    periods = pd.to_datetime(["2021-01-01", "2021-02-01"])
    return pd.DataFrame(
        {
            "period": list(periods) * 2,
            "entity_id": ["RU", "RU", "word:x", "word:x"],
            "label": ["Russia", "Russia", XSS, XSS],
            "mentions": [3, 1, 0, 2],
            "articles": [2, 1, 0, 1],
            "total_articles": [2, 2, 2, 2],
            "total_words": [22, 20, 22, 20],
            "value": [1.0, 0.5, 0.0, 0.5],
        }
    )


def test_line_over_time_one_trace_per_entity_and_escaped() -> None:
    fig = charts.line_over_time(_series(), "share", "Share")
    assert [t.name for t in fig.data] == ["Russia", "&lt;img src=x onerror=alert(1)&gt;"]
    assert list(fig.data[0].y) == [1.0, 0.5]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert XSS not in fig.to_json()


def test_empty_frames_give_a_message_not_an_error() -> None:
    for fig in (
        charts.line_over_time(_series().iloc[0:0]),
        charts.articles_per_period_bars(pd.DataFrame(columns=["period", "articles"])),
        charts.top_entities_bars(pd.DataFrame(columns=["name", "articles", "mentions"])),
        charts.cooccurrence_heatmap(pd.DataFrame()),
        charts.network_figure(pd.DataFrame(columns=["entity_id", "name", "units"]), pd.DataFrame()),
    ):
        assert fig.layout.annotations[0].text == "No data for these filters"


def test_bars_and_heatmap() -> None:
    top = pd.DataFrame({"name": ["Russia", XSS], "articles": [5, 2], "mentions": [9, 2]})
    fig = charts.top_entities_bars(top, "Top")
    assert list(fig.data[0].x) == [2, 5]  # largest on top
    assert "&lt;img" in fig.data[0].y[0]
    bars = charts.articles_per_period_bars(
        pd.DataFrame({"period": pd.to_datetime(["2021-01-01"]), "articles": [4]})
    )
    assert list(bars.data[0].y) == [4]
    mat = pd.DataFrame([[np.nan, 2.0], [2.0, np.nan]], index=["A", XSS], columns=["A", XSS])
    heat = charts.cooccurrence_heatmap(mat, "pmi")
    assert heat.data[0].zmid == 0 and XSS not in heat.to_json()


def test_network_layout_is_deterministic_and_bounded() -> None:
    nodes = ["RU", "CN", "IR", "FR"]
    edges = [("RU", "CN", 3.0), ("RU", "IR", 2.0), ("CN", "IR", 1.0)]
    a = charts.network_layout(nodes, edges)
    assert a == charts.network_layout(nodes, edges)
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in a.values())
    linked = np.hypot(a["RU"][0] - a["CN"][0], a["RU"][1] - a["CN"][1])
    loner = np.hypot(a["RU"][0] - a["FR"][0], a["RU"][1] - a["FR"][1])
    assert linked < loner
    node_df = pd.DataFrame({"entity_id": nodes, "name": ["Russia", "China", "Iran", XSS],
                            "units": [5, 4, 3, 1]})  # fmt: skip
    pairs = pd.DataFrame({"a": ["CN", "CN"], "b": ["RU", "FR"], "n_ab": [3, 0],
                          "value": [3.0, np.nan]})  # fmt: skip
    fig = charts.network_figure(node_df, pairs)
    assert len(fig.data) == 2  # one edge (NaN pair skipped) + the node trace
    assert XSS not in fig.to_json()


def test_wordcloud_png_skips_undrawable_terms() -> None:
    png, skipped = charts.wordcloud_png(
        {"joint exercise": 10, "russia": 7, "北京": 5, "zero": 0}, width=300, height=150
    )
    assert skipped == ["北京"]
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (300, 150)
    empty_png, _ = charts.wordcloud_png({}, width=200, height=100)
    assert Image.open(io.BytesIO(empty_png)).size == (200, 100)
    assert charts.drawable("café") and not charts.drawable("北京")


def test_term_table() -> None:
    df = pd.DataFrame(
        {"term": ["a1", "b1"], "n": [5, 3], "articles": [2, 1], "per10k": [1.234, 0.5]}
    )
    t = charts.term_table(df)
    assert list(t.columns) == ["rank", "term", "n", "articles", "per10k"]
    assert list(t["rank"]) == [1, 2] and t["per10k"].iloc[0] == 1.23
