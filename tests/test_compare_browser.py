"""Compared slices in a real headless Chromium: the charts a compare link draws.

AppTest cannot see plotly figures, so the traces are read from the page (``gd.data``).
Same corpus as tests/test_compare.py; skipped without Debian's chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _servers import Server, streamlit_server
from test_compare import _build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
WAIT_MS = 90_000  # a loaded machine draws the page slowly

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
    pytest.mark.timeout(300),
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("compare_browser")
    with streamlit_server(_build(folder / "compare.duckdb"), folder) as s:
        yield s


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _traces(page: Page, n_charts: int) -> list[list[dict[str, Any]]]:
    """Name, dash, colour, y (or zmin/zmax) of every trace of the first ``n_charts`` charts."""
    page.locator(".js-plotly-plot").nth(n_charts - 1).wait_for(state="attached", timeout=WAIT_MS)
    result: list[list[dict[str, Any]]] = page.evaluate(
        # _fullData: the traces as drawn (arrays decoded from plotly's base64 transport).
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => gd._fullData.map(
            t => ({name: t.name, type: t.type, dash: t.line && t.line.dash,
                   color: t.line && t.line.color, y: t.y ? Array.from(t.y) : null,
                   zmin: t.zmin, zmax: t.zmax})))"""
    )
    return result


def test_compare_link_draws_a_line_per_slice(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 3000})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/mentions?source=Alpha&e=RU&gran=year&cmp=1&b.source=Beta")
        page.get_by_text("Compared slices").wait_for(timeout=WAIT_MS)
        # A tall window (see the contexts): every chart is drawn without scrolling.
        charts = _traces(page, 2)
        compared = {t["name"]: t for t in charts[1]}
        assert set(compared) == {"A: source Alpha — Russia", "B: source Beta — Russia"}
        a, b = compared["A: source Alpha — Russia"], compared["B: source Beta — Russia"]
        assert a["y"] == pytest.approx([2 / 3, 1.0]) and b["y"] == pytest.approx([1.0, 1 / 3])
        # One entity, two slices: the slices get the colours.
        assert a["color"] != b["color"]
        assert not page.locator("[data-testid=stException]").all_inner_texts()
    finally:
        context.close()


def test_compare_link_draws_heatmaps_on_one_scale(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 3000})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/cooccurrence?source=Alpha&top=4&cmp=1&b.source=Beta")
        page.get_by_text("Compared slices").wait_for(timeout=WAIT_MS)
        charts = _traces(page, 3)
        heatmaps = [t for chart in charts[1:] for t in chart if t["type"] == "heatmap"]
        # Alpha's largest share is 0.5 (Iran & Russia in 2 of 4), Beta's 0.25.
        assert [(h["zmin"], h["zmax"]) for h in heatmaps] == [(0, 0.5), (0, 0.5)]
    finally:
        context.close()
