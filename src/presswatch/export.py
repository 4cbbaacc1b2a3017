"""Safe CSV export: UTF-8 with BOM, a leading description line, formula injection neutralised.

Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
treat a leading tab or carriage return the same way after trimming), so, following the
OWASP "CSV Injection" guidance, every text cell starting with one of those characters —
also after leading spaces or invisible characters (Unicode categories Z* and C*: U+3000,
U+200B, U+FEFF, NUL, ...), and their full-width forms — gets a leading single quote
(``'=1+1``). Numeric columns are written as numbers (a number cannot be a formula), except
ids (see ``ID_PREFIX``).

The first line is one quoted CSV cell, ``"# presswatch export · <description> · link <URL>
· generated <UTC time>"``: quoting keeps the commas of "3,796 articles" inside the one cell,
and quotes and line breaks are replaced so it stays one line. Read the file back with
``pd.read_csv(path, skiprows=1, encoding="utf-8-sig")``; ``comment="#"`` is wrong for it
(pandas cuts any unquoted row at a "#", such as a title "C# news").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

import pandas as pd

from presswatch.precision import date_label

# ASCII triggers plus full-width look-alikes some spreadsheet programs also evaluate.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"


# Ids are 64-bit hashes (up to 19 digits). Excel and LibreOffice keep 15 significant digits of
# any cell that parses as a number, also a quoted one ("1234567890123456789" opens as
# 1234567890123460000), and a leading apostrophe shows literally in a CSV. Only a cell that is
# not a number survives, so ids are written as "id:<digits>": the digits stay exact in every
# spreadsheet, no program reads it as a date, time or formula (``="..."`` would be a formula,
# which the rule above forbids), and pandas gets the integer back with
# ``df.article_id.str.removeprefix("id:").astype("int64")``.
ID_PREFIX = "id:"
# Integers beyond this lose digits in a spreadsheet, so they are written like ids.
_EXACT_IN_SPREADSHEET = 10**15


def _invisible(ch: str) -> bool:
    """Spaces, format and control characters (U+3000, U+200B, U+FEFF, NUL, ...) that a
    spreadsheet skips or the reader cannot see before a formula trigger."""
    return unicodedata.category(ch)[0] in "ZC" and ch not in FORMULA_TRIGGERS


def neutralise_cell(value: str) -> str:
    """Prefix a single quote when a spreadsheet could read the text as a formula."""
    if not value:
        return value
    i = 0
    while i < len(value) and _invisible(value[i]):
        i += 1
    if i < len(value) and value[i] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def _clean_description(text: str) -> str:
    """One line of text: control characters and line breaks become spaces, straight quotes
    become "”". Commas and semicolons stay: the line is written as one quoted cell."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def _fmt_utc(ts: datetime) -> str:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%d %H:%M UTC")


def description_line(description: str, generated_at: datetime, link: str | None = None) -> str:
    """The leading line's text (one cell, without quotes or newline); ``link`` is the view's
    shareable URL when the caller knows it."""
    parts = ["# presswatch export", _clean_description(description)]
    if link:
        parts.append("link " + _clean_link(link))
    parts.append("generated " + _fmt_utc(generated_at))
    return " · ".join(parts)


def _clean_link(link: str) -> str:
    """The URL with spaces, quotes, line breaks and non-ASCII characters percent-encoded, so
    it stays one clickable word on the one line (commas may stay: the cell is quoted)."""
    return "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in ' "' else quote(ch, safe="")
        for ch in link
    )


def _is_id_column(name: object) -> bool:
    text = str(name)
    return text == "id" or text.endswith("_id")


def _cell(value: object, as_id: bool = False) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if as_id or abs(value) >= _EXACT_IN_SPREADSHEET:
            return f"{ID_PREFIX}{value}"
        return value
    if isinstance(value, float):
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


def _precision_column(column: str) -> str:
    """The column that says how precise a date column is: date_precision for published_at,
    ``<name>_precision`` for any other (first_precision for first)."""
    return "date_precision" if column == "published_at" else f"{column}_precision"


def _dates_at_precision(df: pd.DataFrame) -> pd.DataFrame:
    """Each date column that has a precision column beside it written to that precision
    ("2024", "Mar 2021", a day with its time of day), the rule of the dashboard's lists: a
    year-only date is not "2024-01-01"."""
    dated = {
        str(c): _precision_column(str(c))
        for c in df.columns
        if _precision_column(str(c)) in df.columns
    }
    if not dated:
        return df
    return df.assign(
        **{
            col: pd.Series(
                [date_label(v, p, with_time=True) for v, p in zip(df[col], df[prec], strict=True)],
                index=df.index,
                dtype=object,
            )
            for col, prec in dated.items()
        }
    )


def _rows(df: pd.DataFrame) -> Iterable[list[object]]:
    df = _dates_at_precision(df)
    ids = [_is_id_column(c) for c in df.columns]
    for row in df.itertuples(index=False, name=None):
        yield [_cell(v, as_id) for v, as_id in zip(row, ids, strict=True)]


def to_csv_bytes(
    df: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    description: str,
    generated_at: datetime,
    link: str | None = None,
) -> bytes:
    """CSV bytes for Excel & co: BOM, description line, header, formula-safe cells.

    ``df`` may be one DataFrame or an iterable of chunks with the same columns (e.g.
    ``queries.iter_articles_all``), so every row of a large set can be written.
    """
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    # Always quoted, so a spreadsheet keeps it one cell even when it holds no comma.
    buf.write('"' + description_line(description, generated_at, link) + '"\r\n')
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
