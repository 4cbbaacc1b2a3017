"""The sidebar pickers in a real headless Chromium: typing a name and pressing Enter adds
that one entity to the URL, whether typed into the multiselect or into its find box.

The browser widget's own filter runs client-side, so only a browser shows what Enter picks
(on the fuzzy default, "China" + Enter chose China and French Guiana). Needs Debian's
chromium at /usr/bin/chromium; skipped otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest
from _servers import Server
from test_browser import CHROMIUM, WAIT_MS, _no_exception, _open, browser, served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["browser", "served"]  # pytest fixtures, used by name

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
    pytest.mark.timeout(300),
]


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _ready(page: Page) -> None:
    page.get_by_text("Latest ingest runs").wait_for(timeout=WAIT_MS)
    page.get_by_text("6 articles · all articles").wait_for(timeout=WAIT_MS)


def _type_enter(page: Page, box_selector: str, text: str) -> None:
    box = page.locator(box_selector).first
    box.wait_for(timeout=WAIT_MS)
    box.click()
    page.keyboard.type(text, delay=30)
    page.keyboard.press("Enter")


def test_china_enter_in_the_country_multiselect_picks_only_china(
    served: tuple[Server, int], browser: Browser
) -> None:
    server, _ = served
    context, page, _ = _open(browser, server.url + "/")
    try:
        _ready(page)
        countries = (
            page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]")
            .filter(has_text="Countries")
            .locator("input")
        )
        countries.click()
        page.keyboard.type("China", delay=30)
        # Wait until the typed filter has narrowed the list, as a user would see it.
        page.locator("[role=option]").filter(has_text="China").first.wait_for(timeout=WAIT_MS)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"country="), timeout=WAIT_MS)
        assert _query(page) == {"country": ["CN"]}
        page.keyboard.press("Escape")
        _no_exception(page)
    finally:
        context.close()


def test_find_boxes_add_one_entity_per_enter(served: tuple[Server, int], browser: Browser) -> None:
    server, _ = served
    context, page, _ = _open(browser, server.url + "/")
    try:
        _ready(page)
        country_box = "[data-testid=stSidebar] input[aria-label='Add a country']"
        _type_enter(page, country_box, "China")
        page.wait_for_url(re.compile(r"country=CN"), timeout=WAIT_MS)
        assert _query(page) == {"country": ["CN"]}
        page.get_by_text(re.compile(r"^1 articles? · mentioning China$")).wait_for(timeout=WAIT_MS)

        _type_enter(page, country_box, "USA")  # a code the names do not begin
        page.wait_for_url(re.compile(r"country=US"), timeout=WAIT_MS)
        assert sorted(_query(page)["country"]) == ["CN", "US"]

        org_box = "[data-testid=stSidebar] input[aria-label='Add an organisation']"
        _type_enter(page, org_box, "nato")
        page.wait_for_url(re.compile(r"org="), timeout=WAIT_MS)
        assert _query(page)["org"] == ["org:NATO"]

        source_box = "[data-testid=stSidebar] input[aria-label='Add a source']"
        _type_enter(page, source_box, "news")
        page.wait_for_url(re.compile(r"source="), timeout=WAIT_MS)
        assert _query(page)["source"] == ["Beta News"]
        _no_exception(page)
    finally:
        context.close()
