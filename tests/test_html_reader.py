"""The HTML reader: main text without page furniture, metadata, rejects, real MFA pages."""

from __future__ import annotations

import gzip
import json
import re
import socket
import statistics
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from _bench import load_bench_module
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.ingest.dates import find_date_in_text
from presswatch.ingest.html import read_html_document
from presswatch.models import Article, ParsedDate, Reject

PARAGRAPHS = [
    "Ships from five navies began a week-long exercise in the Baltic Sea on Monday, "
    "practising mine clearance and search and rescue in rough weather off the coast.",
    "The commander of the task group said the crews had trained together for months and "
    "that the drill was planned long before the current tensions in the region.",
    "Observers from two neighbouring countries were invited to watch the final phase, "
    "which includes a live-fire serial far from the shipping lanes.",
]

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Navies hold joint drill in the Baltic | Harbour Gazette</title>
<meta property="og:title" content="Navies hold joint drill in the Baltic">
<meta property="og:site_name" content="Harbour Gazette">
<link rel="canonical" href="https://gazette.example/world/navies-drill">
{date_meta}
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/defence">Defence</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent">This website uses cookies to improve your
experience. <button>Accept</button> <a href="/privacy">Read More</a></div>
<main>
<article>
<h1>Navies hold joint drill in the Baltic</h1>
{paragraphs}
</article>
<aside class="related"><h3>You may also like</h3><ul><li><a href="/a">Harbour fees rise
again across the region this summer</a></li><li><a href="/b">New ferry line opens</a></li>
</ul></aside>
<section id="comments" class="comments"><h3>Leave a Reply</h3><form><label>Name*</label>
<input><label>Email*</label><input><textarea></textarea><button>Post Comment</button>
</form></section>
</main>
<footer><p>© 2021 Harbour Gazette. All rights reserved.</p><a href="/contact">Contact</a>
</footer>
</body></html>
"""


def page(
    paragraphs: list[str] = PARAGRAPHS,
    date_meta: str = '<meta property="article:published_time" content="2021-06-14T09:30:00Z">',
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(paragraphs=body, date_meta=date_meta)


def read(html: str, name: str = "page.html", source: str | None = None) -> Article:
    result = read_html_document(html, name, source=source)
    assert isinstance(result, Article), result
    return result


def test_main_text_without_furniture() -> None:
    art = read(page())
    assert art.text.split("\n") == PARAGRAPHS
    for furniture in ("cookies", "You may also like", "Harbour fees", "Leave a Reply",
                      "Post Comment", "All rights reserved", "Contact", "Defence"):  # fmt: skip
        assert furniture not in art.text


def test_see_also_and_share_lines_inside_the_article_are_dropped() -> None:
    inline = [
        PARAGRAPHS[0],
        "See also: Ferry line opens across the bay",
        PARAGRAPHS[1],
        "Share this:",
        PARAGRAPHS[2],
    ]
    assert read(page(inline)).text.split("\n") == PARAGRAPHS


def test_metadata() -> None:
    art = read(page())
    assert art.title == "Navies hold joint drill in the Baltic"
    assert art.source == "Harbour Gazette"
    assert art.url == "https://gazette.example/world/navies-drill"
    assert art.date == ParsedDate(datetime(2021, 6, 14), "day")
    assert art.language == "en"
    assert art.origin_file == "page.html"


def test_given_source_wins() -> None:
    assert read(page(), source="My Feed").source == "My Feed"


def test_title_date_fallback() -> None:
    html = page(date_meta="").replace(
        "Navies hold joint drill in the Baltic", "Regular Press Conference on November 29, 2018"
    )
    art = read(html)
    assert art.date == ParsedDate(datetime(2018, 11, 29), "day")


def test_dateline_fallback() -> None:
    first = "PHILIPPINE SEA (Sept. 20, 2022) – " + PARAGRAPHS[0]
    art = read(page([first, *PARAGRAPHS[1:]], date_meta=""))
    assert art.date is not None and art.date.value.date() == date(2022, 9, 20)


def test_undated_page_stays_undated() -> None:
    assert read(page(date_meta=""), name="navies.html").date is None


def test_file_name_date_fallback() -> None:
    art = read(page(date_meta=""), name="2020-03-15-navies.html")
    assert art.date == ParsedDate(datetime(2020, 3, 15), "day")


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<footer>© 2020 Example</footer></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
        "plain words, no markup",
    ],
)
def test_page_without_article_text_is_rejected(html: str) -> None:
    result = read_html_document(html, "nav.html")
    assert isinstance(result, Reject)
    assert result.reason == "no-article-text"
    assert result.origin_file == "nav.html"


def test_empty_page_is_rejected() -> None:
    result = read_html_document("  \n ", "blank.html")
    assert isinstance(result, Reject) and result.reason == "empty-text"


def test_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    html = page().replace("</article>", '<img src="https://gazette.example/x.jpg"></article>')
    assert read(html).text.split("\n") == PARAGRAPHS


# --- the real China MFA pages -----------------------------------------------------------


def _token_f1() -> Any:
    return load_bench_module("_metrics.py").token_f1


def test_token_f1() -> None:
    token_f1 = _token_f1()
    assert token_f1("The navy, the army.", "the Navy the ARMY") == 1.0
    assert token_f1("navy", "army") == 0.0
    # 2 of 3 predicted tokens are right, 2 of 4 reference tokens are found.
    assert abs(token_f1("navy army fleet", "navy army port base") - 4 / 7) < 1e-9


_FULL_DATE = re.compile(r"[A-Z][a-z]+ ?\d{1,2}, \d{4}")


@pytest.mark.corpora
def test_mfa_pages_match_reference(corpora_dir: Path) -> None:
    token_f1 = _token_f1()
    folder = corpora_dir / "mfa_pressconf_en"
    with gzip.open(folder / "mfa_pressconf_en.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = {r["id"]: r for r in map(json.loads, fh)}
    pages = sorted((folder / "html").glob("mfa_en_t*.html"))
    assert len(pages) == 180
    f1s, dated = [], 0
    for path in pages:
        ref = records[path.stem]
        art = read(path.read_text(encoding="utf-8"), name=path.name)
        f1s.append(token_f1(art.text, ref["text"]))
        assert art.title == ref["title"], path.name
        if _FULL_DATE.search(ref["title"]):
            dated += 1
            assert art.date is not None, path.name
            assert art.date.value.date().isoformat() == ref["date"], path.name
        elif find_date_in_text(ref["title"]) is None:
            # Titles without a year ("on September 10") must not be dated by a guess.
            assert art.date is None, path.name
    mean = statistics.fmean(f1s)
    print(f"MFA token F1 mean {mean:.4f}, min {min(f1s):.4f}; {dated} title-dated pages")
    assert dated >= 170
    assert mean >= 0.98


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abpdivhtml\n&;#x0123")), max_size=300))
def test_any_markup_gives_article_or_reject(html: str) -> None:
    assert isinstance(read_html_document(html, "x.html"), Article | Reject)
