"""Reference data: what the URL may name, entity pickers and labels, ingest runs, surfaces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from presswatch.filters import UNKNOWN_SOURCE, KnownValues
from presswatch.precision import period_last_day
from presswatch.queries._sql import (
    _LABEL,
    WORD_PREFIX,
    Conn,
    _df,
    _marks,
    _rows,
    _shared,
)


def _span_end(conn: Conn, newest: datetime) -> date:
    """The last day of the period that ends last (31 December for a year-only date), so a
    range picked up to it holds every article (``Filters.to_sql`` keeps whole periods).

    Only a date of the newest stored date's year can end after that date's day.
    """
    rows = _rows(
        conn,
        "SELECT date_precision, max(published_at) FROM articles WHERE published_at >= ? GROUP BY 1",
        [datetime(newest.year, 1, 1)],
    )
    return max(period_last_day(last, p) for p, last in rows if isinstance(last, datetime))


def known_values(conn: Conn) -> KnownValues:
    """What the URL may name: sources, languages, entity ids (with display names), date span."""
    # Articles without a source are offered as one more source, UNKNOWN_SOURCE.
    sources = {
        r[0] if r[0] is not None else UNKNOWN_SOURCE
        for r in _rows(conn, "SELECT DISTINCT source FROM articles")
    }
    languages = {
        r[0]
        for r in _rows(conn, "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL")
    }
    span = _rows(conn, "SELECT min(published_at), max(published_at) FROM articles")[0]
    ents = _rows(conn, f"SELECT entity_id, kind, {_LABEL} FROM entities en")  # noqa: S608
    groups = {
        r[0]
        for r in _rows(conn, "SELECT DISTINCT entity_id FROM article_entities WHERE kind = 'term'")
    }
    names: dict[str, str] = {eid: str(name) for eid, _kind, name in ents}  # type: ignore[misc]
    for g in groups:
        names.setdefault(str(g), str(g).removeprefix("term:"))
    groups |= {eid for eid, kind, _ in ents if kind == "term"}
    d_min, d_max = span
    return KnownValues(
        sources=frozenset(str(x) for x in sources),
        countries=frozenset(str(e) for e, k, _ in ents if k == "country"),
        organisations=frozenset(str(e) for e, k, _ in ents if k == "organisation"),
        groups=frozenset(str(g) for g in groups),
        languages=frozenset(str(x) for x in languages),
        date_min=d_min.date() if isinstance(d_min, datetime) else None,
        date_max=_span_end(conn, d_max) if isinstance(d_max, datetime) else None,
        names=names,
    )


# --------------------------------------------------------------------------- overview


def recent_ingest_runs(conn: Conn, limit: int = 10) -> pd.DataFrame:
    """Latest ingest runs, newest first: the ``ingest_runs`` columns plus ``seconds``."""
    sql = """
        SELECT *, date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds
        FROM ingest_runs ORDER BY run_id DESC LIMIT ?
    """
    return _df(conn, sql, [max(1, int(limit))])


def rejects_for_run(conn: Conn, run_id: int, limit: int = 1000) -> pd.DataFrame:
    """Rejected files/records of one run. Columns: origin_file, origin_record, reason, detail."""
    sql = """
        SELECT origin_file, origin_record, reason, detail FROM rejects
        WHERE run_id = ? ORDER BY origin_file, origin_record LIMIT ?
    """
    return _df(conn, sql, [int(run_id), max(1, int(limit))])


# --------------------------------------------------------------------------- entity hits

_TYPED_QUOTES = str.maketrans({q: " " for q in '"“”„'})


def entity_label(entity_id: str, names: dict[str, str] | None = None) -> str:
    """Display label of an entity id ("word:joint exercise" -> '“joint exercise”').

    Quotes typed around a term (``"south china sea"``) count for nothing (see
    ``_word_hits``), so they are dropped rather than shown inside the label's own quotes.
    """
    if entity_id.startswith(WORD_PREFIX):
        typed = entity_id[len(WORD_PREFIX) :]
        return "“" + " ".join(typed.translate(_TYPED_QUOTES).split()) + "”"
    if names and entity_id in names:
        return names[entity_id]
    return entity_id.split(":", 1)[-1] if ":" in entity_id else entity_id


def _names(conn: Conn, ids: Sequence[str]) -> dict[str, str]:
    ids = [i for i in ids if not i.startswith(WORD_PREFIX)]
    if not ids:
        return {}
    sql = f"SELECT entity_id, {_LABEL} FROM entities en WHERE entity_id IN ({_marks(ids)})"  # noqa: S608
    rows = _rows(conn, sql, ids)
    return {str(a): str(b) for a, b in rows}


def _country_surfaces(conn: Conn) -> list[str]:
    """Every detected surface form of a country (names, demonyms, capitals) in the corpus.

    The whole corpus rather than the filtered set: the same list for every view, and
    a shared part (``_shared``): it only changes when articles are added.
    """
    sql = "SELECT DISTINCT surface FROM mentions WHERE kind IN ('country', 'capital')"
    return _shared(conn, "country_surfaces", "", lambda: [str(r[0]) for r in _rows(conn, sql)])
