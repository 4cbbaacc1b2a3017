"""Analysed articles -> columnar batch tables -> one atomic write into the store.

A batch is a set of Arrow tables shaped like the store's tables. The same batch can be
written straight into a connection or saved to the spool as Parquet for the dashboard
process to import, so both paths store exactly the same rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from presswatch.derive import (
    TextFingerprint,
    country_pairs,
    country_sentence_counts,
    entity_counts,
)
from presswatch.extract.terms import term_id
from presswatch.models import Article, Mention, Reject
from presswatch.store import bump_data_version, fetch_one, fetch_value, transaction


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    """An article with everything ingestion computes for it."""

    article: Article
    fingerprint: TextFingerprint
    mentions: list[Mention]
    terms: dict[str, int]
    # True when the text was already stored when the run started: nothing was computed.
    known: bool = False


# An absolute path in an error message (the server's layout) is shown by its last part.
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/]+)+[\\/]([^\s'\"\\/]+)")
_FAILURE_MAX_CHARS = 300
# A message may quote the very character that failed; the reject must still be storable.
_SURROGATE = re.compile("[\ud800-\udfff]")

_SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("article_id", pa.int64()),
            ("text_hash", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("published_at", pa.timestamp("us")),
            ("date_precision", pa.string()),
            ("published_tz", pa.string()),
            ("source", pa.string()),
            ("language", pa.string()),
            ("text", pa.string()),
            ("word_count", pa.int32()),
            ("origin_file", pa.string()),
            ("origin_record", pa.string()),
            ("run_id", pa.int64()),
            ("ingested_at", pa.timestamp("us")),
            ("country_sentences", pa.int32()),
            ("country_sentences_named", pa.int32()),
        ]
    ),
    "mentions": pa.schema(
        [
            ("article_id", pa.int64()),
            ("entity_id", pa.string()),
            ("kind", pa.string()),
            ("signal", pa.string()),
            ("field", pa.string()),
            ("start_pos", pa.int32()),
            ("end_pos", pa.int32()),
            ("sentence", pa.int32()),
            ("surface", pa.string()),
        ]
    ),
    "article_entities": pa.schema(
        [
            ("article_id", pa.int64()),
            ("entity_id", pa.string()),
            ("kind", pa.string()),
            ("n_named", pa.int32()),
            ("n_capital", pa.int32()),
            ("n_sentences", pa.int32()),
            ("n_sentences_named", pa.int32()),
        ]
    ),
    "country_pairs": pa.schema(
        [
            ("article_id", pa.int64()),
            ("scope", pa.string()),
            ("a", pa.string()),
            ("b", pa.string()),
            ("n", pa.int32()),
            ("n_named", pa.int32()),
        ]
    ),
    "article_terms": pa.schema(
        [("article_id", pa.int64()), ("term_id", pa.int64()), ("n", pa.int32())]
    ),
    "terms": pa.schema([("term_id", pa.int64()), ("term", pa.string())]),
    "rejects": pa.schema(
        [
            ("run_id", pa.int64()),
            ("origin_file", pa.string()),
            ("origin_record", pa.string()),
            ("reason", pa.string()),
            ("detail", pa.string()),
            ("created_at", pa.timestamp("us")),
        ]
    ),
}

# The rows that hang off an article, inserted only for articles new to the store. Fixed
# statements (no table name is ever built from input).
_INSERT_DEPENDENT = {
    "mentions": "INSERT INTO mentions SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)",
    "article_entities": (
        "INSERT INTO article_entities SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)"
    ),
    "country_pairs": (
        "INSERT INTO country_pairs SELECT * FROM b_rows SEMI JOIN b_new USING (article_id)"
    ),
    # Sorted by term so each row group covers few terms: word look-ups skip most of the
    # table by its min/max statistics.
    "article_terms": (
        "INSERT INTO article_terms SELECT * FROM b_rows SEMI JOIN b_new USING (article_id) "
        "ORDER BY term_id"
    ),
}


@dataclass
class Batch:
    """Columnar rows for every table one batch writes (run_id filled in at write time)."""

    tables: dict[str, pa.Table]
    undated: int = 0
    articles_seen: int = 0
    files_read: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def save(self, folder: Path) -> None:
        """Write the batch as Parquet files plus its counts (for the spool).

        The rejects travel as rows of the ``rejects`` table; ``self.rejects`` is not kept.
        """
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in self.tables.items():
            pq.write_table(table, folder / f"{name}.parquet")
        counts = {"undated": self.undated, "articles_seen": self.articles_seen,
                  "files_read": self.files_read}  # fmt: skip
        (folder / "counts.json").write_text(json.dumps(counts), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Batch:
        """Read a batch saved by ``save``."""
        tables = {name: pq.read_table(folder / f"{name}.parquet") for name in _SCHEMAS}
        counts = json.loads((folder / "counts.json").read_text(encoding="utf-8"))
        return cls(
            tables=tables,
            undated=int(counts["undated"]),
            articles_seen=int(counts["articles_seen"]),
            files_read=int(counts["files_read"]),
        )


def analysis_reject(article: Article, exc: Exception) -> Reject:
    """The reject for an article whose analysis or rows failed: the error, without paths."""
    message = _SURROGATE.sub("\ufffd", _PATH.sub(r"\1", str(exc)))
    if len(message) > _FAILURE_MAX_CHARS:
        message = message[:_FAILURE_MAX_CHARS] + "…"
    detail = f"analysis failed: {type(exc).__name__}" + (f": {message}" if message else "")
    return Reject(article.origin_file, "analysis-failed", detail, article.origin_record)


def _add_article(
    cols: dict[str, dict[str, list[object]]],
    term_index: _TermRows,
    item: AnalysedArticle,
    now: datetime,
) -> None:
    fp, a = item.fingerprint, item.article
    country_sentences, country_sentences_named = country_sentence_counts(item.mentions)
    _append(
        cols["articles"],
        article_id=fp.article_id,
        text_hash=fp.text_hash,
        url=a.url,
        title=a.title,
        published_at=a.date.value if a.date else None,
        date_precision=a.date.precision if a.date else None,
        published_tz=a.date.tz if a.date else None,
        source=a.source,
        language=a.language,
        text=a.text,
        word_count=fp.word_count,
        origin_file=a.origin_file,
        origin_record=a.origin_record,
        run_id=0,
        ingested_at=now,
        country_sentences=country_sentences,
        country_sentences_named=country_sentences_named,
    )
    _add_mentions(cols, fp.article_id, item.mentions)
    term_index.add(fp.article_id, item.terms)


def build_batch(
    analysed: Sequence[AnalysedArticle],
    rejects: Sequence[Reject],
    *,
    files_read: int = 0,
    articles_seen: int | None = None,
) -> Batch:
    """Turn analysed articles and rejects into the store's rows (duplicates in the batch dropped).

    ``articles_seen`` counts articles read for this batch, including any the caller
    already knew to be duplicates and did not analyse.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    cols: dict[str, dict[str, list[object]]] = {
        name: {f.name: [] for f in schema} for name, schema in _SCHEMAS.items()
    }
    seen: set[int] = set()
    term_index = _TermRows()
    undated = 0

    failed: list[Reject] = []
    for item in analysed:
        fp = item.fingerprint
        if item.known or fp.article_id in seen:
            continue
        rows = {name: len(next(iter(columns.values()))) for name, columns in cols.items()}
        terms_at = term_index.mark()
        try:
            _add_article(cols, term_index, item, now)
        except Exception as exc:  # one record's bad value must not lose the whole batch
            for name, n in rows.items():
                for values in cols[name].values():
                    del values[n:]
            term_index.rollback(terms_at)
            failed.append(analysis_reject(item.article, exc))
            continue
        seen.add(fp.article_id)
        if item.article.date is None:
            undated += 1
    rejects = [*rejects, *failed]
    for r in rejects:
        _append(
            cols["rejects"],
            run_id=0,
            origin_file=r.origin_file,
            origin_record=r.origin_record,
            reason=r.reason,
            detail=r.detail,
            created_at=now,
        )
    tables = {
        name: pa.Table.from_pydict(columns, schema=_SCHEMAS[name])
        for name, columns in cols.items()
        if name not in ("terms", "article_terms")
    }
    tables["article_terms"], tables["terms"] = term_index.tables()
    return Batch(
        tables=tables,
        undated=undated,
        articles_seen=len(analysed) if articles_seen is None else articles_seen,
        files_read=files_read,
        rejects=list(rejects),
    )


def merge_batches(parts: Sequence[Batch], *, files_read: int = 0, articles_seen: int = 0) -> Batch:
    """One batch from several (e.g. one per worker chunk), keeping each article's first copy."""
    seen: set[int] = set()
    pieces: dict[str, list[pa.Table]] = {name: [] for name in _SCHEMAS}
    rejects: list[Reject] = []
    for part in parts:
        ids = part.tables["articles"].column("article_id").to_pylist()
        repeated = pa.array([i for i in ids if i in seen], pa.int64())
        seen.update(ids)
        for name, table in part.tables.items():
            if len(repeated) and "article_id" in table.column_names:
                table = table.filter(pc.invert(pc.is_in(table["article_id"], value_set=repeated)))
            pieces[name].append(table)
        rejects.extend(part.rejects)
    tables = {name: pa.concat_tables(parts_) for name, parts_ in pieces.items()}
    return Batch(
        tables=tables,
        undated=tables["articles"].column("published_at").null_count,
        articles_seen=articles_seen,
        files_read=files_read,
        rejects=rejects,
    )


class _TermRows:
    """Collects each article's term counts and turns them into index rows in one go.

    An article has a few hundred distinct terms, so building rows term by term in Python
    dominated a batch; here each article costs three C-level list extensions, and the
    rows, the batch's distinct terms and their ids come from Arrow compute kernels.
    """

    def __init__(self) -> None:
        self.article_ids: list[int] = []
        self.lengths: list[int] = []
        self.terms: list[str] = []
        self.counts: list[int] = []

    def add(self, article_id: int, terms: dict[str, int]) -> None:
        self.article_ids.append(article_id)
        self.lengths.append(len(terms))
        self.terms.extend(terms)
        self.counts.extend(terms.values())

    def mark(self) -> tuple[int, int]:
        """Where the rows end now, for ``rollback``."""
        return len(self.article_ids), len(self.terms)

    def rollback(self, mark: tuple[int, int]) -> None:
        """Drop what was added after ``mark`` (an article whose rows failed half-way)."""
        articles, terms = mark
        del self.article_ids[articles:], self.lengths[articles:]
        del self.terms[terms:], self.counts[terms:]

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """(article_terms rows, the distinct terms with their ids)."""
        terms = pa.array(self.terms, pa.string())
        distinct = pc.unique(terms)
        ids = pa.array(_term_ids(distinct.to_pylist()), pa.int64())
        article_ids = np.repeat(np.array(self.article_ids, dtype=np.int64), self.lengths)
        article_terms = pa.Table.from_arrays(
            [
                pa.array(article_ids, pa.int64()),
                ids.take(pc.index_in(terms, value_set=distinct)),
                pa.array(self.counts, pa.int32()),
            ],
            schema=_SCHEMAS["article_terms"],
        )
        return article_terms, pa.Table.from_arrays([ids, distinct], schema=_SCHEMAS["terms"])


_TERM_ID_CACHE: dict[str, int] = {}
_TERM_ID_CACHE_LIMIT = 2_000_000


def _term_ids(terms: Iterable[str]) -> list[int]:
    """Stable ids for terms; a plain dict cache because most terms recur in every batch."""
    cache = _TERM_ID_CACHE
    if len(cache) > _TERM_ID_CACHE_LIMIT:
        cache.clear()
    out = []
    for term in terms:
        key = cache.get(term)
        if key is None:
            key = cache[term] = term_id(term)
        out.append(key)
    return out


def _append(columns: dict[str, list[object]], **values: object) -> None:
    for key, value in values.items():
        columns[key].append(value)


def _extend(columns: dict[str, list[object]], rows: list[tuple[object, ...]]) -> None:
    """Append rows (tuples in the table's column order) column by column."""
    if rows:
        for values, name in zip(zip(*rows, strict=True), columns, strict=True):
            columns[name].extend(values)


def _add_mentions(
    cols: dict[str, dict[str, list[object]]], article_id: int, mentions: list[Mention]
) -> None:
    if mentions:
        # Mention is a named tuple: transpose in C, then extend each column once.
        entity, kind, signal, start, end, sentence, surface, field_ = zip(*mentions, strict=True)
        columns = cols["mentions"]
        columns["article_id"].extend([article_id] * len(mentions))
        for name, values in (
            ("entity_id", entity),
            ("kind", kind),
            ("signal", signal),
            ("field", field_),
            ("start_pos", start),
            ("end_pos", end),
            ("sentence", sentence),
            ("surface", surface),
        ):
            columns[name].extend(values)
    # EntityCount and CountryPair are named tuples in the tables' column order.
    _extend(cols["article_entities"], [(article_id, *c) for c in entity_counts(mentions)])
    _extend(cols["country_pairs"], [(article_id, *p) for p in country_pairs(mentions)])


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Identifies one ingest run across all its batches (and across processes, via the spool)."""

    run_key: str
    origin: str  # cli | upload | demo | reindex
    inputs: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write did."""

    added: int
    duplicates: int
    undated_added: int


def _run_id(conn: duckdb.DuckDBPyConnection, run: RunInfo) -> int:
    """The run's id, creating its row on the run's first batch."""
    existing = fetch_value(conn, "SELECT run_id FROM ingest_runs WHERE run_key = ?", [run.run_key])
    if existing is not None:
        return int(existing)
    run_id = int(fetch_value(conn, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))
    conn.execute(
        "INSERT INTO ingest_runs (run_id, run_key, started_at, origin, inputs, status) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, run.run_key, run.started_at, run.origin, run.inputs],
    )
    return run_id


def refresh_entities(conn: duckdb.DuckDBPyConnection) -> None:
    """Reload the reference table of countries, organisations and watch-list groups."""
    from presswatch.extract import entity_reference, get_detector
    from presswatch.extract.watchlist import load_watchlists

    gazetteer = get_detector().gazetteer
    status = {c.id: c.status for c in gazetteer.countries.values()}
    rows = [(*r, status.get(r[0])) for r in entity_reference(gazetteer)]
    rows += [(f"term:{g.label}", "term", g.label, None, None, None) for g in load_watchlists()]
    conn.execute("DELETE FROM entities")
    conn.executemany(
        "INSERT INTO entities (entity_id, kind, name, iso3, region, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def fill_entity_status(conn: duckdb.DuckDBPyConnection) -> bool:
    """Give countries their status (data/countries.tsv) where the column is still empty,
    as in a file migrated from schema 1 that no ingest has refreshed; True if it wrote.

    Reads the countries table only (not the whole gazetteer), so opening the dashboard
    stays quick.
    """
    missing = fetch_value(
        conn, "SELECT count(*) FROM entities WHERE kind = 'country' AND status IS NULL"
    )
    if not missing:
        return False
    from presswatch.extract.gazetteer import load_countries
    from presswatch.settings import DATA_DIR

    countries = load_countries(DATA_DIR / "countries.tsv")
    with transaction(conn):
        conn.executemany(
            "UPDATE entities SET status = ? WHERE entity_id = ? AND kind = 'country' "
            "AND status IS NULL",
            [(c.status, c.id) for c in countries.values()],
        )
        bump_data_version(conn)  # cached names are stale
    return True


def finish_run(conn: duckdb.DuckDBPyConnection, run: RunInfo, *, status: str = "done") -> int:
    """Close a run (creating its row if no batch was written, e.g. every file rejected)."""
    with transaction(conn):
        if status != "failed":  # a failed run may have no room left for more than its status
            refresh_entities(conn)
        run_id = _run_id(conn, run)
        conn.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = ? WHERE run_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), status, run_id],
        )
        bump_data_version(conn)
    return run_id


def _insert_dependent_rows(conn: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Rows that hang off the articles listed in ``b_new``, plus terms new to the store."""
    for name, statement in _INSERT_DEPENDENT.items():
        conn.register("b_rows", tables[name])
        conn.execute(statement)
        conn.unregister("b_rows")
    conn.register("b_terms", tables["terms"])
    conn.execute(
        "INSERT INTO terms SELECT DISTINCT term_id, term FROM b_terms "
        "WHERE term_id NOT IN (SELECT term_id FROM terms)"
    )
    conn.unregister("b_terms")


def write_batch(
    conn: duckdb.DuckDBPyConnection,
    batch: Batch,
    run: RunInfo,
    *,
    before_commit: Callable[[duckdb.DuckDBPyConnection, WriteResult], None] | None = None,
) -> WriteResult:
    """Store a batch atomically: new articles with all their rows, or nothing at all.

    ``before_commit`` writes more rows in the same transaction (the spool's record that
    this batch was imported, so a batch is never imported twice).
    """
    t = batch.tables
    # Registered outside the transaction: unregistering inside a failed one raises, and
    # that error would hide the one that failed it (a full disk).
    conn.register("b_articles", t["articles"])
    try:
        with transaction(conn):
            run_id = _run_id(conn, run)
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE b_new AS SELECT article_id FROM b_articles "
                "WHERE article_id NOT IN (SELECT article_id FROM articles)"
            )
            row = fetch_one(
                conn,
                "SELECT count(*), count(*) FILTER (WHERE published_at IS NULL) "
                "FROM b_articles SEMI JOIN b_new USING (article_id)",
            )
            added, undated_added = (int(row[0]), int(row[1])) if row else (0, 0)
            conn.execute(
                "INSERT INTO articles SELECT * REPLACE (? AS run_id) FROM b_articles "
                "SEMI JOIN b_new USING (article_id)",
                [run_id],
            )
            _insert_dependent_rows(conn, t)
            conn.register("b_rejects", t["rejects"])
            conn.execute(
                "INSERT INTO rejects SELECT * REPLACE (? AS run_id) FROM b_rejects", [run_id]
            )
            conn.unregister("b_rejects")
            conn.execute("DROP TABLE b_new")
            duplicates = batch.articles_seen - added
            conn.execute(
                "UPDATE ingest_runs SET files_read = files_read + ?, "
                "articles_seen = articles_seen + ?, articles_added = articles_added + ?, "
                "duplicates = duplicates + ?, rejects = rejects + ?, undated = undated + ? "
                "WHERE run_id = ?",
                [
                    batch.files_read,
                    batch.articles_seen,
                    added,
                    duplicates,
                    t["rejects"].num_rows,
                    undated_added,
                    run_id,
                ],
            )
            bump_data_version(conn)
            result = WriteResult(added=added, duplicates=duplicates, undated_added=undated_added)
            if before_commit is not None:
                before_commit(conn, result)
    finally:
        conn.unregister("b_articles")
    return result


def replace_analysis(conn: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    """Swap the derived rows of already-stored articles for a fresh analysis (reindex)."""
    t = batch.tables
    conn.register("b_new", t["articles"].select(["article_id"]))  # see write_batch
    try:
        with transaction(conn):
            for statement in _DELETE_DEPENDENT:
                conn.execute(statement)
            _insert_dependent_rows(conn, t)
            conn.register("b_articles", t["articles"])
            conn.execute(
                "UPDATE articles SET country_sentences = b.country_sentences, "
                "country_sentences_named = b.country_sentences_named "
                "FROM b_articles b WHERE articles.article_id = b.article_id"
            )
            conn.unregister("b_articles")
            bump_data_version(conn)
    finally:
        conn.unregister("b_new")


_DELETE_DEPENDENT = tuple(
    f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM b_new)"  # noqa: S608
    for name in ("mentions", "article_entities", "country_pairs", "article_terms")
)
