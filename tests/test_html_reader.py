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

from presswatch.ingest.dates import find_date_in_text, month_day_without_year
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
        elif month_day_without_year(ref["title"]):
            # "on September 10": the year the page leaves no doubt about, never a guess
            # (tests/test_year_from_page.py has the rule).
            assert art.date is not None, path.name
            assert art.date.value.date().isoformat() == ref["date"], path.name
        elif find_date_in_text(ref["title"]) is None:
            assert art.date is None, path.name
    mean = statistics.fmean(f1s)
    print(f"MFA token F1 mean {mean:.4f}, min {min(f1s):.4f}; {dated} title-dated pages")
    assert dated >= 170
    assert mean >= 0.98


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abpdivhtml\n&;#x0123")), max_size=300))
def test_any_markup_gives_article_or_reject(html: str) -> None:
    assert isinstance(read_html_document(html, "x.html"), Article | Reject)


# --- the source when the page names no site --------------------------------------------

BARE = """<html><head><title>Navies hold joint drill in the Baltic</title>{head}</head>
<body><nav>{links}</nav><article><h1>Navies hold joint drill in the Baltic</h1>
{paragraphs}</article></body></html>"""


def bare(head: str = "", links: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return BARE.format(head=head, links=links, paragraphs=body)


def own_links(host: str, n: int = 6) -> str:
    return "".join(f'<a href="https://{host}/s{i}.html">Section {i}</a> ' for i in range(n))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta name="publisher" content="Baltic Wire">', "Baltic Wire"),
        ('<meta name="application-name" content="Baltic Wire">', "Baltic Wire"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Navies hold joint drill", '
            '"publisher": {"@type": "Organization", "name": "Baltic Wire"}}</script>',
            "Baltic Wire",
        ),
        ('<link rel="canonical" href="https://www.balticwire.example/a/1">', "balticwire.example"),
        ('<meta property="og:url" content="http://news.balticwire.example/a">', "news.balticwire.example"),
    ],
)  # fmt: skip
def test_source_from_page_metadata(head: str, expected: str) -> None:
    assert read(bare(head)).source == expected


def test_source_from_given_url() -> None:
    art = read_html_document(bare(), "p.html", url="https://www.fmprc.gov.cn/mfa_eng/t1.shtml")
    assert isinstance(art, Article)
    assert art.source == "fmprc.gov.cn"
    assert art.url == "https://www.fmprc.gov.cn/mfa_eng/t1.shtml"


def test_source_from_the_host_most_links_go_to() -> None:
    links = own_links("www.fmprc.gov.cn") + '<a href="https://twitter.com/x">Twitter</a>'
    assert read(bare(links=links)).source == "fmprc.gov.cn"


def test_links_without_a_majority_host_name_no_source() -> None:
    links = "".join(f'<a href="https://site{i}.example/">Site {i}</a>' for i in range(6))
    assert read(bare(links=links)).source is None


def test_source_from_folder_as_last_resort() -> None:
    art = read_html_document(bare(), "p.html", folder="mfa_pages")
    assert isinstance(art, Article) and art.source == "mfa_pages"
    # Anything the page says beats the folder, and the user's --source beats everything.
    art = read_html_document(bare(own_links("www.fmprc.gov.cn")), "p.html", folder="mfa_pages")
    assert isinstance(art, Article) and art.source == "fmprc.gov.cn"
    art = read_html_document(bare(), "p.html", source="My Feed", folder="mfa_pages")
    assert isinstance(art, Article) and art.source == "My Feed"


def test_read_file_passes_the_folder_name(tmp_path: Path) -> None:
    from presswatch.ingest.readers import ReadOptions, read_file

    folder = tmp_path / "harbour_pages"
    folder.mkdir()
    (folder / "navies.html").write_text(bare(), encoding="utf-8")
    (art,) = read_file(folder / "navies.html", ReadOptions())
    assert isinstance(art, Article) and art.source == "harbour_pages"


# --- listing pages ----------------------------------------------------------------------

LISTING = """<html><head><title>Regular Press Conference</title></head><body>
<div class="nav">{menu}</div>
<h2>Regular Press Conference</h2>
<ul class="list">{items}</ul>
<div class="pages"><a href="default_1.shtml">Next</a> <a href="default_9.shtml">Last</a></div>
<div class="copyright">Copyright 1998-2014, Ministry of Foreign Affairs, the People's Republic
of China. All rights reserved. Address: No. 2 Chaoyangmen Nandajie, Beijing.</div>
</body></html>"""


def listing_page() -> str:
    menu = "".join(f'<a href="/m{i}/">Menu entry {i}</a> ' for i in range(20))
    items = "".join(
        f'<li><a href="t{i}.shtml">Foreign Ministry Spokesperson\'s Regular Press Conference '
        f"on May {i + 1}, 2020</a> <span>2020-05-{i + 1:02d}</span></li>"
        for i in range(20)
    )
    return LISTING.format(menu=menu, items=items)


def test_listing_page_is_rejected() -> None:
    result = read_html_document(listing_page(), "index_default.html")
    assert isinstance(result, Reject)
    assert result.reason == "listing-page"
    assert result.detail == "listing page, not an article"


def test_article_with_a_long_link_sidebar_still_loads() -> None:
    sidebar = "".join(
        f'<li><a href="/story/{i}">Harbour fees rise again across the region, story {i}</a></li>'
        for i in range(60)
    )
    html = page().replace("</article>", f"</article><aside><ul>{sidebar}</ul></aside>")
    assert read(html).text.split("\n") == PARAGRAPHS


@pytest.mark.corpora
def test_mfa_raw_pages_sources_and_listings(corpora_dir: Path) -> None:
    folder = corpora_dir / "mfa_pressconf_en" / "html"
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == 193
    listings = 0
    for path in pages:
        result = read_html_document(path.read_text(encoding="utf-8"), path.name)
        if path.name.startswith("index_default"):
            listings += 1
            assert isinstance(result, Reject), path.name
            assert result.reason == "listing-page", path.name
        else:
            assert isinstance(result, Article), (path.name, result)
            # No site name or URL in these pages: the host of their own links names them.
            assert result.source == "fmprc.gov.cn", path.name
    assert listings == 13


# --- pages nested deeper than the parser reads -------------------------------------------


def nested(levels: int) -> str:
    # html and body are two levels, the paragraphs one more.
    divs = levels - 3
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"<html><body>{'<div>' * divs}{body}{'</div>' * divs}</body></html>"


@pytest.mark.parametrize("levels", [257, 300, 5000])
def test_too_deeply_nested_page_says_so(levels: int) -> None:
    result = read_html_document(nested(levels), "deep.html")
    assert isinstance(result, Reject)
    assert result.reason == "too-deeply-nested"
    assert result.detail == f"page too deeply nested to parse ({levels:,} levels)"


def test_page_at_the_parsers_depth_limit_still_loads() -> None:
    assert read(nested(256)).text.split("\n") == PARAGRAPHS
