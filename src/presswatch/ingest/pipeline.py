"""The ingest driver: read -> analyse -> rows -> sink, batch by batch, with progress.

Reading and writing happen in the calling process; analysis of large inputs runs on a
worker pool (``ingest.analyse``). Each batch is written in one transaction, so an
interrupted run leaves only whole batches and re-running it completes the job (duplicates
are skipped). The entry points: ``ingest_paths`` (files, folders, archives),
``ingest_uploads`` (the dashboard's Ingest page), ``ingest_articles`` (ready-made records)
and ``reindex`` (re-analyse what is stored).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from presswatch.derive import fingerprint
from presswatch.ingest.analyse import Analyser
from presswatch.ingest.rows import Batch
from presswatch.ingest.sinks import ConnectionSink, Sink
from presswatch.ingest.write import RunInfo, finish_reindex, replace_analysis
from presswatch.models import Article, Reject
from presswatch.store import StoreWriteError, fetch_value, new_run_key, write_failure

if TYPE_CHECKING:
    from presswatch.extract import Detector
    from presswatch.ingest.readers import ReadOptions

log = logging.getLogger(__name__)

# Articles per transaction. Larger batches spread each write's fixed costs (the duplicate
# and new-term checks, the commit) over more articles; beyond this size the gain stops and
# the last batch's write grows.
BATCH_SIZE = 4000


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Where a running ingest is, for progress bars."""

    files_done: int
    articles_done: int
    elapsed: float
    current: str


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class IngestSummary:
    """What one ingest run did, as shown by the CLI and the Ingest page."""

    run_id: int = 0
    files_read: int = 0
    articles_seen: int = 0
    articles_added: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    undated: int = 0
    seconds: float = 0.0
    # Set when a running dashboard imported the batches (the CLI could not own the file).
    handed_to_dashboard: bool = False

    def rejects_by_reason(self) -> dict[str, int]:
        """Reject counts by reason code, most frequent first."""
        return dict(Counter(r.reason for r in self.rejects).most_common())

    def as_table(self) -> list[tuple[str, str]]:
        """Rows (label, value) for a summary table."""
        rate = self.articles_seen / self.seconds if self.seconds > 0 else 0.0
        rows = [
            ("Files read", f"{self.files_read:,}"),
            ("Articles read", f"{self.articles_seen:,}"),
            ("Articles added", f"{self.articles_added:,}"),
            ("Duplicates skipped", f"{self.duplicates:,}"),
            ("Articles without a date", f"{self.undated:,}"),
            ("Rejected", f"{len(self.rejects):,}"),
        ]
        rows += [
            (f"  rejected: {reason}", f"{n:,}") for reason, n in self.rejects_by_reason().items()
        ]
        rows.append(("Time", f"{self.seconds:.1f} s ({rate:,.0f} articles/s)"))
        return rows

    @property
    def nothing_read(self) -> bool:
        """True when no article could be read at all (the CLI's failure exit)."""
        return self.articles_seen == 0


class IngestFailedError(RuntimeError):
    """The store refused a write: the message says what was stored and what was not;
    ``summary`` counts only what was stored."""

    def __init__(self, message: str, summary: IngestSummary) -> None:
        super().__init__(message)
        self.summary = summary


# What a refused write raises: DuckDB's errors, the OS's (the spool's files), the spool's.
# Running out of DuckDB's memory limit is not one: the CLI names the setting to raise.
_WRITE_ERRORS = (duckdb.Error, OSError, StoreWriteError)


def _batches(
    items: Iterable[Article | Reject], size: int
) -> Iterator[tuple[list[Article], list[Reject]]]:
    iterator = iter(items)
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield (
            [i for i in chunk if isinstance(i, Article)],
            [i for i in chunk if isinstance(i, Reject)],
        )


def run_pipeline(
    sink: Sink,
    items: Iterable[Article | Reject],
    *,
    origin: str,
    inputs: str,
    files_read: Callable[[], int] = lambda: 0,
    detector: Detector | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    analysis: bool = True,
) -> IngestSummary:
    """Drive items through analysis into a sink, batch by batch, and summarise the run.

    ``analysis=False`` stores the articles without detecting mentions or building the term
    index (``presswatch reindex`` adds both later): the stages of ingestion proper, which
    bench/bench_ingest.py --stage store measures on their own.
    """
    if analysis and detector is None:
        from presswatch.extract import get_detector

        detector = get_detector()
    started = time.monotonic()
    run = RunInfo(
        run_key=new_run_key(),
        origin=origin,
        inputs=inputs[:2000],
        started_at=datetime.now(UTC).replace(tzinfo=None),
    )
    summary = IngestSummary()
    batches_stored = 0

    def refused(exc: BaseException) -> IngestFailedError:
        """The error that ends a run whose write failed, after marking the run failed."""
        summary.seconds = time.monotonic() - started
        try:
            sink.fail(run)
            marked = "the run is marked failed"
        except Exception:
            log.info("could not mark ingest run %s failed", run.run_key, exc_info=True)
            marked = "the run could not be marked failed either"
        summary.files_read = files_read()
        cause = write_failure(exc)
        after = f" after batch {batches_stored}" if batches_stored else ""
        fix = "Free some space and" if cause.startswith("disk full") else "Once that is fixed,"
        return IngestFailedError(
            f"{cause}: nothing from this run{after} was stored "
            f"({summary.articles_added:,} articles were added before it); {marked}. "
            f"{fix} run it again: what is stored already is skipped.",
            summary,
        )

    def store(collect: Callable[[], Batch], current: str) -> None:
        nonlocal batches_stored
        batch = collect()
        try:
            result = sink.write(batch, run)
        except duckdb.OutOfMemoryException:
            raise
        except _WRITE_ERRORS as exc:
            raise refused(exc) from exc
        batches_stored += 1
        summary.articles_seen += batch.articles_seen
        summary.articles_added += result.added
        summary.duplicates += result.duplicates
        summary.undated += result.undated_added
        summary.rejects.extend(batch.rejects)
        if progress:
            elapsed = time.monotonic() - started
            progress(ProgressEvent(files_read(), summary.articles_seen, elapsed, current))

    files_before = 0
    pending: tuple[Callable[[], Batch], str] | None = None
    try:
        with Analyser(
            detector if analysis else None, workers=workers, known=sink.known_ids()
        ) as analyser:
            for articles, rejects in _batches(items, batch_size):
                files_now = files_read()
                # Analysis of this batch overlaps with storing the previous one.
                job = analyser.submit(articles, rejects, files_now - files_before)
                files_before = files_now
                if pending:
                    store(*pending)
                last = articles[-1].origin_file if articles else rejects[-1].origin_file
                pending = (job, last)
            if pending:
                store(*pending)
        summary.files_read = files_read()
        try:
            summary.run_id = sink.finish(run)
        except duckdb.OutOfMemoryException:
            raise
        except _WRITE_ERRORS as exc:
            raise refused(exc) from exc
        try:
            sink.close()
        except _WRITE_ERRORS as exc:
            summary.seconds = time.monotonic() - started
            # The commits are in the write-ahead log, which DuckDB replays on the next open.
            raise IngestFailedError(
                f"{write_failure(exc)}: every batch of this run is stored in the database's "
                "write-ahead log, but DuckDB could not fold it into the database file "
                "(checkpoint). Free some space, then open the database again to finish it.",
                summary,
            ) from exc
    finally:
        # Every reported batch is already committed (and in the write-ahead log); closing
        # lets go of the file after an interruption or a failure too, so a waiting process
        # gets it. A second failure here must not hide the first.
        try:
            sink.close()
        except _WRITE_ERRORS:
            log.info("could not close the store after ingest run %s", run.run_key, exc_info=True)
    summary.seconds = time.monotonic() - started
    return summary


def ingest_articles(
    conn: duckdb.DuckDBPyConnection,
    items: Iterable[Article | Reject],
    *,
    origin: str = "cli",
    inputs: str = "",
    files_read: int = 0,
    detector: Detector | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest ready-made records into an open connection: the library entry point for
    callers that build ``Article`` objects themselves (the CLI reads files instead)."""
    return run_pipeline(
        ConnectionSink(conn),
        items,
        origin=origin,
        inputs=inputs,
        files_read=lambda: files_read,
        detector=detector,
        progress=progress,
        workers=workers,
    )


class _FileCounter:
    """Counts input files as the reader reaches them (for progress and the summary)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        return self.count


def read_inputs(
    paths: Sequence[Path], options: ReadOptions, counter: _FileCounter
) -> Iterator[Article | Reject]:
    """Every article and reject found under the given paths, counting files as they are read."""
    from presswatch.ingest.readers import iter_input_files, read_file

    for entry in iter_input_files(paths):
        if isinstance(entry, Reject):
            yield entry
            continue
        counter.count += 1
        yield from read_file(entry, options)


def ingest_paths(
    sink_or_conn: Sink | duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    options: ReadOptions,
    *,
    detector: Detector | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    analysis: bool = True,
    batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Ingest files, folders and archives (see run_pipeline for ``analysis``)."""
    sink = sink_or_conn if isinstance(sink_or_conn, Sink) else ConnectionSink(sink_or_conn)
    counter = _FileCounter()
    return run_pipeline(
        sink,
        read_inputs(paths, options, counter),
        origin="cli",
        inputs=", ".join(str(p) for p in paths),
        files_read=counter,
        detector=detector,
        progress=progress,
        workers=workers,
        analysis=analysis,
        batch_size=batch_size,
    )


def ingest_uploads(
    conn: duckdb.DuckDBPyConnection,
    uploads: Sequence[tuple[str, bytes]],
    options: ReadOptions,
    *,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest files uploaded through the dashboard (in memory; analysed in this process)."""
    from presswatch.ingest.readers import read_upload

    counter = _FileCounter()

    def items() -> Iterator[Article | Reject]:
        for name, data in uploads:
            counter.count += 1
            yield from read_upload(name, data, options)

    return run_pipeline(
        ConnectionSink(conn),
        items(),
        origin="upload",
        inputs=", ".join(name for name, _ in uploads),
        files_read=counter,
        progress=progress,
        workers=1,
    )


def upload_fingerprints(
    uploads: Sequence[tuple[str, bytes]], options: ReadOptions
) -> list[tuple[str, int]]:
    """(file name, article id) of every article the uploads hold, in reading order.

    Reading and hashing only (no analysis, nothing stored), so after a run that skipped
    duplicates the Ingest page can say which stored article each one repeats.
    """
    from presswatch.ingest.readers import read_upload

    return [
        (item.origin_file, fingerprint(item.text).article_id)
        for name, data in uploads
        for item in read_upload(name, data, options)
        if isinstance(item, Article)
    ]


@dataclass
class ReindexSummary:
    """What ``reindex`` did: articles re-analysed, and those whose analysis raised."""

    articles: int = 0
    # (article_id, origin file, why) of each article that kept its previous analysis.
    failed: list[tuple[int, str, str]] = field(default_factory=list)


class ReindexFailedError(RuntimeError):
    """The store refused a reindex write: the message says which articles were re-analysed
    and that the rest keep their previous analysis; ``summary`` counts what was stored."""

    def __init__(self, message: str, summary: ReindexSummary) -> None:
        super().__init__(message)
        self.summary = summary


def reindex(
    conn: duckdb.DuckDBPyConnection,
    detector: Detector | None = None,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> ReindexSummary:
    """Re-analyse every stored article (after a gazetteer, watch-list or stopword change).

    Each batch is replaced in one transaction, so a refused write (ReindexFailedError)
    leaves every article with either its new or its previous analysis, never half of each.
    """
    if detector is None:
        from presswatch.extract import Detector as _Detector

        detector = _Detector.from_data()  # fresh: picks up edited data files
    started = time.monotonic()
    summary = ReindexSummary()
    batches = 0
    last_id: int | None = None
    total = int(fetch_value(conn, "SELECT count(*) FROM articles"))

    def refused(exc: BaseException, what: str) -> ReindexFailedError:
        cause = write_failure(exc)
        fix = "Free some space and" if cause.startswith("disk full") else "Once that is fixed,"
        return ReindexFailedError(f"{cause}: {what}. {fix} run presswatch reindex again.", summary)

    with Analyser(detector, workers=workers) as analyser:
        while True:
            # Keyset pagination: stable and cheap however large the table is.
            rows = conn.execute(
                "SELECT article_id, title, text, origin_file FROM articles "
                "WHERE CAST(? AS BIGINT) IS NULL OR article_id > ? ORDER BY article_id LIMIT ?",
                [last_id, last_id, batch_size],
            ).fetchall()
            if not rows:
                break
            last_id = int(rows[-1][0])
            # The id rides in origin_record, so an article whose analysis fails is named.
            articles = [
                Article(text=text, title=title, origin_file=origin, origin_record=str(aid))
                for aid, title, text, origin in rows
            ]
            batch = analyser.run(articles, [], 0)
            try:
                replace_analysis(conn, batch)
            except duckdb.OutOfMemoryException:
                raise
            except _WRITE_ERRORS as exc:
                done = (
                    f"the new analysis of {summary.articles:,} articles (batches 1–{batches}) "
                    f"is stored; the other {total - summary.articles:,} keep their previous "
                    "analysis"
                    if batches
                    else f"no article's new analysis was stored; all {total:,} keep their "
                    "previous analysis"
                )
                raise refused(exc, done) from exc
            batches += 1
            summary.articles += len(rows)
            summary.failed += [
                (int(r.origin_record or 0), r.origin_file, r.detail) for r in batch.rejects
            ]
            if progress:
                progress(ProgressEvent(0, summary.articles, time.monotonic() - started, ""))
    try:
        finish_reindex(conn)
    except duckdb.OutOfMemoryException:
        raise
    except _WRITE_ERRORS as exc:
        raise refused(
            exc,
            f"the new analysis of all {summary.articles:,} articles is stored, but the "
            "entity names (watch-list groups) could not be refreshed",
        ) from exc
    return summary
