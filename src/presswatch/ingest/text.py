"""Plain-text and Markdown articles, including text copied from scraped web pages.

What a copied page looks like: a breadcrumb title line ("Home » Headline – Site Name"),
the headline again, a byline, the article with "See also …" link lines in between, and
trailing furniture (related links, comment form, spam and cookie notices). We take the
headline as title, the site name as source, the date from front matter / a dateline / the
file name, and keep the article paragraphs only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presswatch.ingest.dates import (
    date_from_filename,
    find_dateline_date,
    parse_date,
    stated_year,
)
from presswatch.ingest.furniture import is_cut_marker, is_furniture, strip_furniture
from presswatch.models import Article, ParsedDate, Reject

# Front-matter keys, by the Article field they feed (first key found wins).
_FRONT_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate", "publish_date", "published_at", "datetime",
             "created", "updated"),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher"),
    "url": ("url", "link", "canonical", "canonical_url", "permalink", "source_url"),
    "language": ("lang", "language"),
}  # fmt: skip

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_LINE_RE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
# "Home » ", "Home > News > ", "Start / World / " … at the start of a title line.
_BREADCRUMB_RE = re.compile(
    r"^(?:home|homepage|start|main page|accueil|inicio)\s*[»>›/|]\s*"
    r"(?:[^»>›|\n]{1,40}?\s*[»>›]\s*)*",
    re.IGNORECASE,
)
_SITE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ")
_SMALL_WORDS = frozenset({"of", "the", "and", "&", "de", "la", "le", "du", "des", "for", "on"})
_MAX_TITLE_CHARS = 300


@dataclass(frozen=True, slots=True)
class TitleLine:
    """A title line split into headline and the site name that trailed it."""

    title: str
    site: str | None


def _clean_line(line: str) -> str:
    return " ".join(line.split())


def _looks_like_site(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 5 or len(name) > 50:
        return False
    return all(w[0].isupper() or w[0].isdigit() or "." in w or w in _SMALL_WORDS for w in words)


def split_title_line(line: str, *, source: str | None = None) -> TitleLine:
    """Strip breadcrumbs and a trailing " – Site Name" from a title line."""
    s = _clean_line(line)
    heading = _HEADING_RE.match(s)
    if heading:
        s = heading[1]
    s = _BREADCRUMB_RE.sub("", s, count=1).strip()
    for sep in _SITE_SEPARATORS:
        head, found, tail = s.rpartition(sep)
        if not found or not head.strip() or not tail.strip():
            continue
        tail = tail.strip()
        known = source is not None and tail.casefold() == source.strip().casefold()
        # A pipe is nearly always a site separator; a dash may be part of the headline
        # ("Biden - Putin Summit"), so demand a long headline and a name-like tail.
        if known or (_looks_like_site(tail) and (sep == " | " or len(head.split()) >= 4)):
            return TitleLine(head.strip(), tail)
    return TitleLine(s, None)


def _parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (YAML subset) and the text after it."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    fields: dict[str, str] = {}
    for raw in m[1].split("\n"):
        line = _FRONT_LINE_RE.match(raw)
        if not line:
            continue
        value = line[2]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value:
            fields.setdefault(line[1].lower(), value)
    return fields, text[m.end() :]


def _front(fields: dict[str, str], field: str) -> str | None:
    for key in _FRONT_KEYS[field]:
        if key in fields:
            return fields[key]
    return None


def _same_title(line: str, title: str, raw_first: str) -> bool:
    folded = line.casefold()
    if folded in (title.casefold(), raw_first.casefold()):
        return True
    return split_title_line(line).title.casefold() == title.casefold()


def read_text_document(
    text: str, origin_file: str, *, source: str | None = None
) -> Article | Reject:
    """Read one plain-text/Markdown article (already decoded) into an Article or a Reject."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Reject(origin_file, "empty-text", "the file contains no text (only whitespace)")
    fields, body_text = _parse_front_matter(text)
    lines = [_clean_line(line) for line in body_text.split("\n")]
    paragraphs = [line for line in lines if line]

    title = _front(fields, "title")
    site: str | None = None
    # Leading furniture ("Skip to content", "Share:") comes before the title line.
    while paragraphs and (is_furniture(paragraphs[0]) or is_cut_marker(paragraphs[0])):
        paragraphs.pop(0)
    if paragraphs:
        first = paragraphs[0]
        heading = _HEADING_RE.match(first)
        if title is None and (heading or len(first) <= _MAX_TITLE_CHARS):
            parsed = split_title_line(first, source=source)
            title, site = parsed.title, parsed.site
            paragraphs.pop(0)
        elif title is not None and heading and heading[1].casefold() == title.casefold():
            paragraphs.pop(0)
        # Copied pages often repeat the headline right below the breadcrumb line.
        while title and paragraphs and _same_title(paragraphs[0], title, first):
            paragraphs.pop(0)

    body = strip_furniture(paragraphs)
    if not body:
        if title and not paragraphs and not fields:
            body = [title]  # a one-line file: the line is both headline and text
        else:
            return Reject(
                origin_file,
                "no-article-text",
                "the text has no article paragraphs (only a title or page furniture)",
            )
    body_text = "\n".join(body)

    date: ParsedDate | None = parse_date(_front(fields, "date"))
    if date is None:
        date = find_dateline_date(body_text, year_hint=stated_year(title, body_text))
    if date is None:
        date = date_from_filename(origin_file)

    return Article(
        text=body_text,
        origin_file=origin_file,
        title=title or None,
        date=date,
        source=source or _front(fields, "source") or site,
        url=_front(fields, "url"),
        language=_front(fields, "language"),
    )
