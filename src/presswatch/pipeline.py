"""The batch pipeline: read -> analyse (fingerprint, detect, term index) -> write, with progress.

Reading and writing happen in the calling process; analysis of large inputs is spread
over worker processes (one per core) because detection and tokenising are CPU-bound
pure functions. Each batch is written in one transaction, so an interrupted run leaves
only whole batches and re-running it completes the job (duplicates are skipped).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from presswatch.batch import (
    AnalysedArticle,
    Batch,
    RunInfo,
    WriteResult,
    analysis_reject,
    build_batch,
    finish_run,
    merge_batches,
    refresh_entities,
    replace_analysis,
    write_batch,
)
from presswatch.derive import fingerprint
from presswatch.extract.terms import article_terms
from presswatch.models import Article, Reject
from presswatch.store import (
    StoreWriteError,
    bump_data_version,
    fetch_value,
    new_run_key,
    transaction,
    write_failure,
)

if TYPE_CHECKING:
    from presswatch.extract import Detector
    from presswatch.ingest.readers import ReadOptions

log = logging.getLogger(__name__)

# Articles per transaction. Larger batches spread each write's fixed costs (the duplicate
# and new-term checks, the commit) over more articles: 4,000 ingests about 8% faster than
# 2,000; beyond that the gain stops and the last batch's write grows.
BATCH_SIZE = 4000
# Below this many articles a process pool costs more than it saves.
POOL_THRESHOLD = 400


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


# --- analysis (pure, runs in worker processes) ------------------------------------------

_worker_detector: Detector | None = None
_worker_known: AbstractSet[int] = frozenset()


def analyse(
    article: Article, detector: Detector | None, known: AbstractSet[int] = frozenset()
) -> AnalysedArticle:
    """Everything ingestion computes for one article (nothing more when it is stored already).

    Without a detector only the fingerprint is computed: the article is stored without
    mentions or term index (``run_pipeline(analysis=False)``).
    """
    fp = fingerprint(article.text)
    if fp.article_id in known:
        # Re-ingesting a folder should cost reading and hashing only.
        return AnalysedArticle(article, fp, [], {}, known=True)
    if detector is None:
        return AnalysedArticle(article, fp, [], {})
    return AnalysedArticle(
        article=article,
        fingerprint=fp,
        mentions=detector.detect(article.text, article.title),
        terms=article_terms(article.title, article.text),
    )


def _analyse_each(
    articles: Iterable[Article], detector: Detector | None, known: AbstractSet[int]
) -> tuple[list[AnalysedArticle], list[Reject]]:
    """``analyse`` for each article; one that raises becomes its own reject, not the run's end."""
    analysed: list[AnalysedArticle] = []
    failed: list[Reject] = []
    for article in articles:
        try:
            analysed.append(analyse(article, detector, known))
        except Exception as exc:
            failed.append(analysis_reject(article, exc))
    return analysed, failed


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the process that forked it dies (Linux).

    Without it, a worker of a killed ingest finishes the chunk it is analysing first; the
    parent's pid is checked after asking, in case the parent died before the request.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(
    detector: Detector | None, known: AbstractSet[int] = frozenset(), parent: int | None = None
) -> None:
    global _worker_detector, _worker_known
    if parent is not None:
        _die_with_parent(parent)
    _worker_detector = detector
    _worker_known = known


def _analyse_chunk(articles: list[Article]) -> Batch:
    # Workers return columnar tables: far cheaper to send back than Python objects.
    return build_batch(*_analyse_each(articles, _worker_detector, _worker_known))


class Analyser:
    """Analyses batches in-process or on a fork pool (created lazily, for large inputs).

    ``known`` holds the article ids stored when the run started; workers inherit it when
    forked, so duplicates are recognised without detection.
    """

    def __init__(
        self,
        detector: Detector | None,
        *,
        workers: int | None = None,
        known: AbstractSet[int] = frozenset(),
    ) -> None:
        self.detector = detector
        self.known = known
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def run(self, articles: list[Article], rejects: list[Reject], files_read: int) -> Batch:
        """Analyse one batch of articles into the store's rows."""
        return self.submit(articles, rejects, files_read)()

    def submit(
        self, articles: list[Article], rejects: list[Reject], files_read: int
    ) -> Callable[[], Batch]:
        """Start analysing a batch; the returned callable waits for its rows.

        On the pool this returns at once, so the caller can store the previous batch
        while the workers analyse this one.
        """
        if len(articles) < POOL_THRESHOLD or self.workers < 2:
            analysed, failed = _analyse_each(articles, self.detector, self.known)
            batch = build_batch(
                analysed, [*rejects, *failed], files_read=files_read, articles_seen=len(articles)
            )
            return lambda: batch
        if self._pool is None:
            # fork shares the loaded gazetteer with the workers; they never touch DuckDB.
            ctx = multiprocessing.get_context("fork")
            # pyarrow imports pandas on its first conversion (about 0.3 s): do that once
            # here, so the workers inherit it instead of each importing it again.
            build_batch([], [])
            # Frozen objects are left out of the workers' garbage collections: without
            # this, every full collection walks the gazetteer's objects again (about a
            # tenth of the analysis time) and copies their pages into each worker.
            gc.freeze()
            try:
                self._pool = ctx.Pool(
                    self.workers,
                    initializer=_init_worker,
                    initargs=(self.detector, self.known, os.getpid()),
                )
            finally:
                gc.unfreeze()
        size = max(1, len(articles) // (self.workers * 4))
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        pending = self._pool.map_async(_analyse_chunk, chunks)

        def collect() -> Batch:
            parts = [*pending.get(), build_batch([], rejects)]
            return merge_batches(parts, files_read=files_read, articles_seen=len(articles))

        return collect


# --- sinks: where finished batches go ---------------------------------------------------


class Sink:
    """Receives finished batches; knows which article ids are stored already."""

    def known_ids(self) -> set[int]:
        """Article ids already stored when the run started (to skip analysing duplicates)."""
        return set()

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        """Store a batch; say how many articles were new."""
        raise NotImplementedError

    def finish(self, run: RunInfo) -> int:
        """Close the run; return its run_id."""
        raise NotImplementedError

    def fail(self, run: RunInfo) -> None:
        """Mark the run failed after a refused write (it may raise: the store is in trouble)."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of whatever the sink holds, also after a failed or interrupted run.

        Raises when what was written cannot be made durable (a failed checkpoint).
        """


class ConnectionSink(Sink):
    """Writes into a connection this process already owns (dashboard, demo, tests)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn

    def known_ids(self) -> set[int]:
        return {int(r[0]) for r in self.conn.execute("SELECT article_id FROM articles").fetchall()}

    def write(self, batch: Batch, run: RunInfo) -> WriteResult:
        return write_batch(self.conn, batch, run)

    def finish(self, run: RunInfo) -> int:
        return finish_run(self.conn, run)

    def fail(self, run: RunInfo) -> None:
        finish_run(self.conn, run, status="failed")


# --- the pipeline -----------------------------------------------------------------------


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
    """Ingest ready-made records into an open connection (demo corpus, tests)."""
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
        with transaction(conn):
            refresh_entities(conn)  # watch-list groups may have been added or renamed
            bump_data_version(conn)
    except duckdb.OutOfMemoryException:
        raise
    except _WRITE_ERRORS as exc:
        raise refused(
            exc,
            f"the new analysis of all {summary.articles:,} articles is stored, but the "
            "entity names (watch-list groups) could not be refreshed",
        ) from exc
    return summary
