"""Safe CSV export: UTF-8 with BOM, a leading description line, formula injection neutralised.

Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
treat a leading tab or carriage return the same way after trimming), so, following the
OWASP "CSV Injection" guidance, every text cell starting with one of those characters —
also after leading spaces, and their full-width forms — gets a leading single quote
(``'=1+1``). Numeric columns are written as numbers (a number cannot be a formula).
The first line is a comment, ``# presswatch export · <description> · generated <UTC time>``,
cleaned so that it stays one harmless cell: no separators, quotes or line breaks survive
in it (commas become "‚" U+201A, which reads the same in "1‚204 articles").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

# ASCII triggers plus full-width look-alikes some spreadsheet programs also evaluate.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"


def neutralise_cell(value: str) -> str:
    """Prefix a single quote when a spreadsheet could read the text as a formula."""
    if not value:
        return value
    stripped = value.lstrip(" \u00a0")
    if value[0] in FORMULA_TRIGGERS or (stripped and stripped[0] in FORMULA_TRIGGERS):
        return "'" + value
    return value


def _clean_description(text: str) -> str:
    """One harmless cell: separators, quotes and control characters replaced."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = text.replace(",", "\u201a").replace(";", "\u037e").replace('"', "\u201d")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def _fmt_utc(ts: datetime) -> str:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%d %H:%M UTC")


def description_line(description: str, generated_at: datetime) -> str:
    """The leading comment line (without newline)."""
    clean = _clean_description(description)
    return f"# presswatch export · {clean} · generated {_fmt_utc(generated_at)}"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, pd.Timestamp | datetime):
        if pd.isna(value):
            return ""
        return value.isoformat(sep=" ")
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return neutralise_cell(str(value))


def _rows(df: pd.DataFrame) -> Iterable[list[object]]:
    for row in df.itertuples(index=False, name=None):
        yield [_cell(v) for v in row]


def to_csv_bytes(
    df: pd.DataFrame | Iterable[pd.DataFrame], *, description: str, generated_at: datetime
) -> bytes:
    """CSV bytes for Excel & co: BOM, description line, header, formula-safe cells.

    ``df`` may be one DataFrame or an iterable of chunks with the same columns (e.g.
    ``queries.iter_articles_all``), so every row of a large set can be written.
    """
    buf = io.StringIO()
    buf.write(BOM)
    buf.write(description_line(description, generated_at) + "\r\n")
    writer = csv.writer(buf, lineterminator="\r\n")
    chunks = [df] if isinstance(df, pd.DataFrame) else df
    header_done = False
    for chunk in chunks:
        if not header_done:
            writer.writerow([_cell(str(c)) for c in chunk.columns])
            header_done = True
        writer.writerows(_rows(chunk))
    return buf.getvalue().encode("utf-8")


def csv_filename(
    stem: str, description: str, generated_at: datetime, *, max_chars: int = 120
) -> str:
    """A safe file name: ``presswatch-<stem>-<description slug>-<YYYYMMDD-HHMM>.csv`` (ASCII)."""

    def slug(text: str) -> str:
        text = re.sub(r"[\W_]+", "-", text)  # separators first, so "2018–2022" keeps a gap
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")

    if generated_at.tzinfo is not None:
        generated_at = generated_at.astimezone(UTC)
    stamp = generated_at.strftime("%Y%m%d-%H%M")
    head = "-".join(p for p in ("presswatch", slug(stem)) if p)
    room = max_chars - len(head) - len(stamp) - len(".csv") - 2
    desc = slug(description)[: max(room, 0)].strip("-")
    return "-".join(p for p in (head, desc, stamp) if p) + ".csv"
