"""Scraped HTML pages: main text and metadata with trafilatura, plus our date fallbacks.

trafilatura only parses the string it is given here (no URL is fetched). Its fast mode
skips the fallback extractors: about five times quicker and, on the real MFA pages, the
same text. Dates come from the page metadata (htmldate, restricted to structured markup
so a copyright year is never taken for a publication date), else from a date written in
the title ("… Press Conference on November 29, 2018"), else from a dateline at the start
of the text, else from the file name.
"""

from __future__ import annotations

import logging
import re
from typing import Any

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
    parse_date,
    stated_year,
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
    sitename = meta.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@") or None
    date = find_date(tree, url=url, **_DATE_PARAMS)
    # "en-US" -> "en": the language code, as stored for the other readers.
    lang = re.split(r"[-_]", (tree.get("lang") or "").strip())[0].lower() or None
    return {"title": title, "url": url, "sitename": sitename, "date": date, "language": lang}


def _extract(html: str) -> tuple[dict[str, str | None], str] | None:
    """Metadata and main text ("" when there is none), or None for an unparsable page."""
    tree = load_html(html)
    if tree is None:
        return None
    meta = _metadata(tree)
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


def _pick_date(
    meta_date: str | None, title: str | None, text: str, origin_file: str
) -> ParsedDate | None:
    return (
        parse_date(meta_date)
        or (find_date_in_text(title) if title else None)
        or find_dateline_date(text, year_hint=stated_year(title, text))
        or date_from_filename(origin_file)
    )


def read_html_document(
    html: str, origin_file: str, *, source: str | None = None
) -> Article | Reject:
    """Read one HTML page (already decoded) into an Article, or a Reject without article text."""
    if not html.strip():
        return Reject(origin_file, "empty-text", "the page is empty")
    try:
        extracted = _extract(html)
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
        date=_pick_date(meta["date"], title, text, origin_file),
        source=source or site,
        url=meta["url"],
        language=meta["language"],
    )
