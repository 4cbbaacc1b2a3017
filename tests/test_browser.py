"""End to end in a real headless Chromium: a served dashboard, shareable URLs, CSV download,
and hostile article text rendered as text.

Needs Debian's chromium at /usr/bin/chromium (``make test`` installs it); skipped otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest
from _servers import Server, streamlit_server
from test_app import ARTICLES, XSS_TITLE, build_db

from presswatch.store import open_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.timeout(300),
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    folder = tmp_path_factory.mktemp("browser")
    db = build_db(folder / "browser.duckdb", ARTICLES)
    conn = open_store(db, read_only=True)
    try:
        rows = conn.execute(
            "SELECT article_id FROM articles WHERE title = ?", [XSS_TITLE]
        ).fetchall()
    finally:
        conn.close()
    with streamlit_server(db, folder) as server:
        yield server, int(rows[0][0])


@pytest.fixture(scope="module")
def browser(served: tuple[Server, int]) -> Iterator[Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser: Browser, url: str) -> tuple[BrowserContext, Page, list[str]]:
    """A fresh context (no shared state) with one page at ``url``, app ready."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.wait_for_selector("h1", timeout=WAIT_MS)
    return context, page, dialogs


def _metric(page: Page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return str(box.locator("[data-testid=stMetricValue]").inner_text()).strip()


def _no_exception(page: Page) -> None:
    errors = page.locator("[data-testid=stException]").all_inner_texts()
    assert not errors, errors


PAGES = [
    ("", "Overview", "Latest ingest runs"),
    ("mentions", "Mentions over time", "Articles behind the chart"),
    ("cooccurrence", "Co-occurrence", "Who appears with"),
    ("terms", "Terms", "Download the cloud (PNG)"),
    ("articles", "Articles", "Keyword in context"),
    ("ingest", "Ingest", "Source name (optional)"),
]


def test_every_page_loads(served: tuple[Server, int], browser: Browser) -> None:
    server, _ = served
    # The server's very first request is a deep link to a page other than the default: it
    # must open that page with the real menu and the shared sidebar at once.
    context, page, dialogs = _open(browser, server.url + "/mentions?country=RU")
    try:
        page.get_by_text("4 articles · mentioning Russia").wait_for(timeout=WAIT_MS)
        menu = page.locator("[data-testid=stSidebarNav]")
        menu.get_by_text("Co-occurrence").wait_for(timeout=WAIT_MS)
        assert menu.get_by_text("cooccurrence", exact=True).count() == 0
        for path, title, known_text in PAGES:
            page.goto(f"{server.url}/{path}")
            page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT_MS)
            page.get_by_text(known_text).first.wait_for(timeout=WAIT_MS)
            _no_exception(page)
            if path in ("", "mentions", "cooccurrence"):
                page.locator(".js-plotly-plot").first.wait_for(timeout=WAIT_MS)
            if path == "terms":
                page.locator("[data-testid=stImage] img").first.wait_for(timeout=WAIT_MS)
        assert not dialogs
    finally:
        context.close()


def test_filter_goes_to_url_and_link_reproduces_view(
    served: tuple[Server, int], browser: Browser
) -> None:
    server, _ = served
    context, page, _ = _open(browser, server.url + "/")
    try:
        page.get_by_text("Latest ingest runs").wait_for(timeout=WAIT_MS)
        assert _metric(page, "Articles") == "6"
        sources = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
        option = page.locator("[role=option]").filter(has_text="Beta News").first
        for _ in range(5):  # the first click can land while the app is still rerunning
            sources.click()
            try:
                option.wait_for(timeout=3000)
                break
            except sync_api.TimeoutError:
                page.keyboard.press("Escape")
        option.click()
        page.keyboard.press("Escape")
        page.wait_for_url(re.compile(r"source=Beta"), timeout=WAIT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
            ".some(e => e.innerText.trim() === '3')",
            timeout=WAIT_MS,
        )
        shared = page.url
        assert parse_qs(urlparse(shared).query) == {"source": ["Beta News"]}
        # The page's own "copy link" box shows the same address.
        page.get_by_role("button", name=re.compile("Copy link")).click()
        code = page.locator("[data-testid=stPopoverBody] [data-testid=stCode]").first
        code.wait_for(timeout=WAIT_MS)
        assert code.inner_text().strip() == shared
        page.keyboard.press("Escape")
        # Switching pages keeps the filters (Streamlit clears the query string; we restore it).
        page.locator("[data-testid=stSidebarNav]").get_by_text("Mentions over time").click()
        page.wait_for_url(re.compile(r"/mentions\?source=Beta"), timeout=WAIT_MS)
        page.get_by_text("3 articles · source Beta News").wait_for(timeout=WAIT_MS)
    finally:
        context.close()

    # A colleague opens the link in a browser of their own.
    context, page, _ = _open(browser, shared)
    try:
        page.get_by_text("3 articles · source Beta News").wait_for(timeout=WAIT_MS)
        assert _metric(page, "Articles") == "3"
        chosen = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
        try:
            chosen.get_by_text("Beta News").wait_for(timeout=WAIT_MS)
        except sync_api.TimeoutError:
            page.screenshot(path="/tmp/pw_fail_chip.png", full_page=True)
            raise
    finally:
        context.close()

    # A page option and a filter together, on another page.
    context, page, _ = _open(browser, f"{server.url}/cooccurrence?country=RU&scope=sentence")
    try:
        page.get_by_text("4 articles · mentioning Russia").wait_for(timeout=WAIT_MS)
        page.get_by_text("sentences in the filtered set mention").wait_for(timeout=WAIT_MS)
        assert "scope=sentence" in page.url and "country=RU" in page.url
    finally:
        context.close()


def test_articles_csv_download_has_all_rows(served: tuple[Server, int], browser: Browser) -> None:
    server, _ = served
    context, page, _ = _open(browser, f"{server.url}/articles?country=RU")
    try:
        button = page.get_by_role("button", name=re.compile(r"Download all 4 articles"))
        button.wait_for(timeout=WAIT_MS)
        with page.expect_download(timeout=WAIT_MS) as info:
            button.click()
        path = info.value.path()
        text = Path(path).read_bytes().decode("utf-8-sig")
        lines = text.splitlines()
        assert lines[0].startswith('"# presswatch export · 4 articles · mentioning Russia')
        rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
        assert len(rows) == 4
        assert XSS_TITLE in {r["title"] for r in rows}
        assert info.value.suggested_filename.startswith("presswatch-articles-")
    finally:
        context.close()


def test_hostile_title_renders_as_text(served: tuple[Server, int], browser: Browser) -> None:
    server, xss_id = served
    context, page, dialogs = _open(browser, f"{server.url}/articles?article={xss_id}")
    try:
        heading = page.locator(".pw-article h3").first
        heading.wait_for(timeout=WAIT_MS)
        assert heading.inner_text().strip() == XSS_TITLE
        page.get_by_text("Moscow").first.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(500)  # give a would-be onerror handler time to fire
        assert page.locator('img[src="x"]').count() == 0
        assert not dialogs
    finally:
        context.close()


def test_clicking_a_chart_point_lists_the_articles_behind_it(
    served: tuple[Server, int], browser: Browser
) -> None:
    server, _ = served
    url = f"{server.url}/mentions?e=RU&gran=year&measure=articles"
    context, page, _ = _open(browser, url)
    try:
        points = page.locator(".js-plotly-plot .scatterlayer .point")
        points.first.wait_for(timeout=WAIT_MS)
        assert points.count() == 2  # Russia in 2021 and 2022
        points.first.click(force=True)
        page.get_by_text("2 articles in 2021 mentioning Russia").wait_for(timeout=WAIT_MS)
        page.wait_for_url(re.compile(r"period=2021-01-01"), timeout=WAIT_MS)
        assert "pe=RU" in page.url
    finally:
        context.close()


def test_clicking_a_heatmap_cell_lists_the_articles_behind_it(
    served: tuple[Server, int], browser: Browser
) -> None:
    server, _ = served
    context, page, _ = _open(browser, f"{server.url}/cooccurrence?top=4")
    try:
        cells = page.locator(".js-plotly-plot .scatterlayer .point")
        cells.first.wait_for(state="attached", timeout=WAIT_MS)
        # Top 4 by articles: Russia (4), France (2), Iran (2), China (1); 12 off-diagonal cells.
        assert cells.count() == 12
        # Click the cell (row Iran, column Russia) through its invisible marker.
        index = page.evaluate(
            """() => {
                const gd = document.querySelector('.js-plotly-plot');
                const t = gd.data[1];
                return t.x.findIndex((x, i) => x === 'Russia' && t.y[i] === 'Iran');
            }"""
        )
        cells.nth(index).click(force=True)
        page.get_by_text("2 articles where Iran and Russia appear in the same article").wait_for(
            timeout=WAIT_MS
        )
        page.wait_for_url(re.compile(r"ca=IR&cb=RU"), timeout=WAIT_MS)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "title", "known_text"),
    [("overview", "Overview", "Latest ingest runs"), *PAGES[1:]],
)
def test_each_page_answers_at_its_own_path(
    served: tuple[Server, int], browser: Browser, path: str, title: str, known_text: str
) -> None:
    # Typed by hand into a fresh browser: the address alone must reach the page, the
    # default page included (Streamlit serves that one at "/" unless told otherwise).
    server, _ = served
    context, page, _ = _open(browser, f"{server.url}/{path}")
    try:
        page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT_MS)
        page.get_by_text(known_text).first.wait_for(timeout=WAIT_MS)
        _no_exception(page)
        assert page.get_by_text("Page not found").count() == 0
        assert urlparse(page.url).path == f"/{path}"
    finally:
        context.close()


def test_shared_overview_link_keeps_its_filters(
    served: tuple[Server, int], browser: Browser
) -> None:
    server, _ = served
    for path in ("/overview", "/"):
        context, page, _ = _open(browser, f"{server.url}{path}?source=Beta+News")
        try:
            page.get_by_text("3 articles · source Beta News").wait_for(timeout=WAIT_MS)
            assert _metric(page, "Articles") == "3"
            assert page.get_by_text("Page not found").count() == 0
            assert parse_qs(urlparse(page.url).query) == {"source": ["Beta News"]}
            assert urlparse(page.url).path == path
        finally:
            context.close()
