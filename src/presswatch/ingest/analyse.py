"""The pure per-article analysis (fingerprint, detection, term index) and its worker pool.

Detection and tokenising are CPU-bound pure functions, so large inputs are spread over
worker processes (one per core); each worker turns its chunk into columnar rows
(``ingest.rows``), which are far cheaper to send back than Python objects. Nothing here
touches the database.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from presswatch.derive import fingerprint
from presswatch.extract.terms import article_terms
from presswatch.ingest.rows import (
    AnalysedArticle,
    Batch,
    analysis_reject,
    build_batch,
    merge_batches,
)
from presswatch.models import Article, Reject

if TYPE_CHECKING:
    from presswatch.extract import Detector

# Below this many articles a process pool costs more than it saves.
POOL_THRESHOLD = 400

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
            # pyarrow imports pandas on its first conversion: do that once here, so the
            # workers inherit it instead of each importing it again.
            build_batch([], [])
            # Frozen objects are left out of the workers' garbage collections: without
            # this, every full collection walks the gazetteer's objects again and copies
            # their pages into each worker.
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
