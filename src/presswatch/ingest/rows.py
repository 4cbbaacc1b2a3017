"""Analysed articles -> columnar batch tables shaped like the store's tables.

Pure: no database here. The same batch can be written straight into a connection
(``ingest.write``) or saved to the spool as Parquet for the dashboard process to import
(``ingest.sinks``), so both paths store exactly the same rows; a job on another engine can
build the rows without DuckDB.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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
