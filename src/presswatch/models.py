"""Plain records that travel along the data flow: files -> ingest -> extract -> store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

DatePrecision = Literal["day", "month", "year"]
MentionKind = Literal["country", "capital", "organisation", "term"]
MentionSignal = Literal["name", "demonym", "compound", "abbreviation", "capital", "term"]


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A publication date as found in a document.

    ``value`` is naive UTC when the source gave a time zone (``tz`` keeps the original
    offset or zone name, e.g. "EST" or "+08:00"), otherwise the naive local value as
    written. ``precision`` says how much of it the source actually stated.
    """

    value: datetime
    precision: DatePrecision
    tz: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a file, before detection and storage."""

    text: str
    origin_file: str
    title: str | None = None
    date: ParsedDate | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    # Where inside the file: "line 12", "row 40", "record 7" or None for one-article files.
    origin_record: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """A file or record that could not become an article, with a specific reason.

    ``reason`` is a short stable code used for grouping in summaries (e.g. "empty-file",
    "invalid-json"); ``detail`` is the human sentence shown to the user.
    """

    origin_file: str
    reason: str
    detail: str
    origin_record: str | None = None


class Mention(NamedTuple):
    """One detected mention, traceable to the exact words.

    Offsets are character offsets into the article's title (``field == "title"``) or
    text (``field == "text"``); ``text[start:end] == surface`` always holds. Sentence 0 is
    the title; text sentences are numbered from 1. (A named tuple: a typical article has
    dozens, and a tuple is cheaper to build and to turn into table columns.)
    """

    entity_id: str
    kind: MentionKind
    signal: MentionSignal
    start: int
    end: int
    sentence: int
    surface: str
    field: Literal["title", "text"] = "text"
