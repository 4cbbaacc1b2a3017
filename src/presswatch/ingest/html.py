"""Scraped HTML pages: main text and metadata with trafilatura, plus our date fallbacks.

trafilatura only parses the string it is given here (no URL is fetched). Its fast mode
skips the fallback extractors: about five times quicker and, on the real MFA pages, the
same text. Dates come from the page metadata (htmldate, restricted to structured markup
so a copyright year is never taken for a publication date), else from a date written in
the title ("… Press Conference on November 29, 2018"; a title without the year, "… on
September 10", takes the year only when the page's address, its files and its links to
neighbouring dates leave no doubt), else from a dateline at the start of the text, else from
the file name.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import load_html

from presswatch.ingest.dates import (
    date_from_filename,
    find_date_in_text,
    find_dateline_date,
    month_day_without_year,
    parse_date,
    stated_year,
    year_for_month_day,
)
from presswatch.ingest.furniture import strip_furniture
from presswatch.models import Article, ParsedDate, Reject

# htmldate's extensive search guesses from free text and copyright lines; we have our own,
# more careful fallbacks for that, so only markup-level dates are taken from it.
_DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%d",
}

# trafilatura logs every page it finds too short at WARNING level; our Reject says it once.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def _metadata(tree: HtmlElement) -> dict[str, str | None]:
    """Title, date, site name, URL and language from the page markup.

    The same steps as trafilatura's ``extract_metadata`` minus author, categories, tags
    and licence, which we do not store and which cost half the time of a whole page.
    """
    meta = examine_meta(tree)
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's own extract_metadata guards this call the same way
        pass
    title = meta.title or extract_title(tree)
    url = meta.url or extract_url(tree)
    sitename = meta.sitename or _json_ld_publisher(tree) or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@") or None
    date = find_date(tree, url=url, **_DATE_PARAMS)
    # "en-US" -> "en": the language code, as stored for the other readers.
    lang = re.split(r"[-_]", (tree.get("lang") or "").strip())[0].lower() or None
    return {"title": title, "url": url, "sitename": sitename, "date": date, "language": lang}


def _host(url: str | None) -> str | None:
    """The host of an absolute http(s) URL without "www.": "www.fmprc.gov.cn" -> "fmprc.gov.cn"."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or "." not in host:
        return None
    return host.removeprefix("www.")


# A page's own navigation links to its own site: when most of its absolute links share a
# host, that host names the site. Fewer links than this say nothing about the page.
_MIN_SITE_LINKS = 5


def _link_host(tree: HtmlElement) -> str | None:
    """The host that more than half of the page's absolute links point to, if any."""
    hosts = [h for href in tree.xpath("//a/@href") if (h := _host(str(href)))]
    if len(hosts) < _MIN_SITE_LINKS:
        return None
    host, count = Counter(hosts).most_common(1)[0]
    return host if count * 2 > len(hosts) else None


# Elements whose text is a paragraph of its own when measuring a page's running text.
_BLOCKS = frozenset(
    "p div li td th h1 h2 h3 h4 h5 h6 dd dt blockquote section article main body ul ol"
    " table tr form header footer nav aside figcaption pre address".split()
)
_NO_TEXT = frozenset(("script", "style", "noscript", "head", "template"))
# Listing pages (MFA index_default*.html) have almost all their text in links and at most a
# footer line of prose; articles, even short ones beside a long sidebar, have paragraphs.
_LISTING_LINK_SHARE = 0.8
_LISTING_MAX_PROSE = 2
# A page with a handful of links and nothing else is bare navigation, not a listing.
_LISTING_MIN_LINKS = 10


def _is_listing(tree: HtmlElement) -> bool:
    """True for an index, listing or tag page: mostly link text, almost no prose paragraphs.

    Measured on the raw page, because the extractor turns link lists into "paragraphs".
    One pass in document order (no recursion, so deep nesting cannot overflow the stack).
    """
    in_link: dict[Any, bool] = {}
    block: dict[Any, Any] = {}
    texts: dict[Any, list[str]] = {}
    link_chars = links = 0
    for el in tree.iter():
        parent = el.getparent()
        tag = el.tag if isinstance(el.tag, str) else ""
        if parent is None:
            skip = False
            parent_link, parent_block = False, el
        else:
            if parent not in block:  # inside a skipped element
                continue
            skip = tag in _NO_TEXT
            parent_link, parent_block = in_link[parent], block[parent]
            if el.tail and el.tail.strip():
                if parent_link:
                    link_chars += len(" ".join(el.tail.split()))
                else:
                    texts.setdefault(parent_block, []).append(el.tail)
        if skip or not tag:
            continue
        in_link[el] = parent_link or tag == "a"
        links += tag == "a"
        block[el] = el if tag in _BLOCKS else parent_block
        if el.text and el.text.strip():
            if in_link[el]:
                link_chars += len(" ".join(el.text.split()))
            else:
                texts.setdefault(block[el], []).append(el.text)
    prose = [p for p in (" ".join("".join(t).split()) for t in texts.values()) if _is_prose(p)]
    prose_chars = sum(len(p) for p in prose)
    total = link_chars + prose_chars
    return (
        links >= _LISTING_MIN_LINKS
        and len(prose) <= _LISTING_MAX_PROSE
        and link_chars >= _LISTING_LINK_SHARE * total
    )


class _Listing(Exception):
    """The page is a listing page (raised inside _extract, turned into a Reject)."""


# libxml2 stops parsing at an element with 256 ancestors (it would need XML_PARSE_HUGE),
# silently dropping the rest of the page: a tree this deep may have been cut short.
_LIBXML_MAX_ANCESTORS = 255
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Tags an opening tag of the same kind closes implicitly (<p>a<p>b: siblings, not nested).
_SELF_CLOSING_SIBLINGS = frozenset("p li dt dd tr td th option".split())


class _TooDeep(Exception):
    """The page nests deeper than the HTML parser reads; ``levels`` is how deep."""

    def __init__(self, levels: int) -> None:
        super().__init__(levels)
        self.levels = levels


# An element with that many ancestors: the root is "/*", each further step one level down.
_AT_PARSER_LIMIT = "boolean(" + "/*" * (_LIBXML_MAX_ANCESTORS + 1) + ")"


class _NestingCounter(HTMLParser):
    """How many levels the raw markup nests, counted on the tags as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1] == tag:
            self.stack.pop()
        self.stack.append(tag)
        self.deepest = max(self.deepest, len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def _nesting_levels(html: str) -> int:
    counter = _NestingCounter()
    counter.feed(html)
    counter.close()
    return counter.deepest


def _publisher_in(node: Any, depth: int = 0) -> str | None:
    if depth > 8:  # JSON-LD nests a few levels at most; a deeper document is not metadata
        return None
    if isinstance(node, list):
        return next((n for item in node if (n := _publisher_in(item, depth + 1))), None)
    if not isinstance(node, dict):
        return None
    publisher = node.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    if isinstance(publisher, str) and publisher.strip():
        return " ".join(publisher.split())
    return _publisher_in(node.get("@graph"), depth + 1)


def _json_ld_publisher(tree: HtmlElement) -> str | None:
    """The JSON-LD publisher's name: trafilatura takes it only beside some other fields."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        if name := _publisher_in(data):
            return name
    return None


def _extract(html: str) -> tuple[dict[str, str | None], str] | None:
    """Metadata and main text ("" when there is none), or None for an unparsable page."""
    tree = load_html(html)
    if tree is None:
        return None
    # Only a tree at the parser's limit is counted again on the raw markup.
    if tree.getroottree().xpath(_AT_PARSER_LIMIT):
        levels = _nesting_levels(html)
        if levels > _LIBXML_MAX_ANCESTORS + 1:
            raise _TooDeep(levels)
    # Before extraction: trafilatura cleans the tree in place.
    if _is_listing(tree):
        raise _Listing
    meta = _metadata(tree)
    if month_day_without_year(meta["title"]):  # "… Press Conference on September 10"
        meta.update(_year_evidence(tree))
    # Only needed when the page names neither its site nor its URL.
    if not (meta["sitename"] or _host(meta["url"])):
        meta["link_host"] = _link_host(tree)
    doc = bare_extraction(
        tree,
        fast=True,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
    )
    if doc is None:
        return meta, ""
    result = doc if isinstance(doc, dict) else doc.as_dict()
    return meta, result.get("text") or ""


_MIN_PROSE_CHARS = 40
_MIN_PROSE_WORDS = 6


def _is_prose(paragraph: str) -> bool:
    """A sentence-like paragraph, as opposed to a leftover menu item or link label.

    Scripts written without spaces (Chinese, Japanese) count by characters alone.
    """
    if len(paragraph) < _MIN_PROSE_CHARS:
        return False
    words = paragraph.count(" ") + 1
    return words >= _MIN_PROSE_WORDS or words == 1


def _strip_site_suffix(title: str, site: str | None) -> str:
    if site:
        for sep in (" | ", " - ", " – ", " — "):
            suffix = sep + site
            if title.casefold().endswith(suffix.casefold()) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
    return title


# Separates the values of one evidence field in ``meta`` (never inside an attribute value).
_EVIDENCE_SEP = "\n"


def _year_evidence(tree: HtmlElement) -> dict[str, str | None]:
    """What the page itself says about a year its heading leaves out: the files and pages it
    points to (src/href) and the texts of its links that carry a year (its neighbours)."""
    refs = {" ".join(str(v).split()) for v in tree.xpath("//@src | //@href")}
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    return {
        "year_assets": _EVIDENCE_SEP.join(sorted(r for r in refs if r)),
        "year_links": _EVIDENCE_SEP.join(sorted(t for t in links if re.search(r"\d{4}", t))),
    }


def _title_date_without_year(
    meta: dict[str, str | None], title: str | None, url: str | None, origin_file: str
) -> ParsedDate | None:
    """The heading's "September 10" in the year the page's address, its files or its
    neighbouring dates agree on (``dates.year_for_month_day``); None when in doubt."""
    month_day = month_day_without_year(title)
    if month_day is None:
        return None
    month, day = month_day
    addresses = [a for a in (meta["url"], url) if a]
    addresses.append(origin_file.replace("\\", "/").rsplit("/", 1)[-1])
    year = year_for_month_day(
        month,
        day,
        addresses=addresses,
        assets=(meta.get("year_assets") or "").split(_EVIDENCE_SEP),
        neighbours=(meta.get("year_links") or "").split(_EVIDENCE_SEP),
    )
    if year is None:
        return None
    return ParsedDate(datetime(year, month, day), "day")


def _pick_date(
    meta: dict[str, str | None], title: str | None, text: str, origin_file: str, url: str | None
) -> ParsedDate | None:
    return (
        parse_date(meta["date"])
        or (find_date_in_text(title) if title else None)
        or _title_date_without_year(meta, title, url, origin_file)
        or find_dateline_date(text, year_hint=stated_year(title, text))
        or date_from_filename(origin_file)
    )


def _page_source(meta: dict[str, str | None], url: str | None, folder: str | None) -> str | None:
    """Who published the page, from the strongest evidence the page or its path gives.

    The site name (og:site_name, publisher metadata and application-name, found by
    trafilatura, or the JSON-LD publisher), else the host of the page's canonical/og:url or
    of the URL given, else the host most of its links go to, else the folder it was read from.
    """
    return (
        meta["sitename"]
        or _host(meta["url"])
        or _host(url)
        or meta.get("link_host")
        or (folder.strip() or None if folder else None)
    )


def read_html_document(
    html: str,
    origin_file: str,
    *,
    source: str | None = None,
    url: str | None = None,
    folder: str | None = None,
) -> Article | Reject:
    """Read one HTML page (already decoded) into an Article, or a Reject without article text.

    ``source`` (the user's ``--source``) wins over anything found in the page; ``url`` is
    where the page came from, if known, and ``folder`` the name of the folder it was read
    from: both only name the source when the page itself does not.
    """
    if not html.strip():
        return Reject(origin_file, "empty-text", "the page is empty")
    try:
        extracted = _extract(html)
    except _Listing:
        return Reject(origin_file, "listing-page", "listing page, not an article")
    except _TooDeep as deep:
        return Reject(
            origin_file,
            "too-deeply-nested",
            f"page too deeply nested to parse ({deep.levels:,} levels)",
        )
    except (ValueError, TypeError):  # lxml refuses some malformed documents
        extracted = None
    if extracted is None:
        return Reject(
            origin_file,
            "no-article-text",
            "the file could not be parsed as an HTML page, so it has no article text",
        )
    meta, raw_text = extracted
    paragraphs = [" ".join(line.split()) for line in raw_text.split("\n")]
    body = strip_furniture([p for p in paragraphs if p])
    site = meta["sitename"]
    title = meta["title"]
    if title:
        title = _strip_site_suffix(" ".join(title.split()), site)
        # The page's <h1> comes out as the first line of text; the title field has it.
        if body and body[0].casefold() == title.casefold():
            body = body[1:]
    if not any(_is_prose(p) for p in body):
        return Reject(
            origin_file,
            "no-article-text",
            "the page has no article text (only navigation/boilerplate)",
        )
    text = "\n".join(body)
    return Article(
        text=text,
        origin_file=origin_file,
        title=title,
        date=_pick_date(meta, title, text, origin_file, url),
        source=source or _page_source(meta, url, folder),
        url=meta["url"] or url,
        language=meta["language"],
    )
