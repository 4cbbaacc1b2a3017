"""`presswatch ...`: a thin command line over the package."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from presswatch.ingest.pipeline import BATCH_SIZE, IngestFailedError, IngestSummary, ProgressEvent

if TYPE_CHECKING:
    from presswatch.extract import Detector
from presswatch.settings import MB, SettingsError, get_settings

console = Console(stderr=True)


def _progress_bar(total: int | None, unit: str) -> tuple[Progress, TaskID]:
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[files]} files · {task.completed:,.0f} " + unit),
        TextColumn("· {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
        console=console,
        transient=False,
    )
    task = bar.add_task("ingesting", total=total, files=0, rate=0.0, current="")
    return bar, task


def _on_progress(bar: Progress, task: TaskID) -> Callable[[ProgressEvent], None]:
    def update(event: ProgressEvent) -> None:
        rate = event.articles_done / event.elapsed if event.elapsed > 0 else 0.0
        if not console.is_terminal:
            # A log (cron, CI, a pipe) gets no live bar: one line per stored batch instead,
            # printed only once the batch is committed, so the last line is what survives.
            console.print(
                f"stored: {event.files_done} files · {event.articles_done} articles read",
                highlight=False,
            )
        bar.update(
            task,
            completed=event.articles_done,
            files=event.files_done,
            rate=rate,
            current=event.current[-60:],
        )

    return update


def print_summary(summary: IngestSummary, db_path: Path) -> None:
    """The final summary table, then each reject with its reason."""
    # A run whose write failed has no run_id to show: its end was never stored.
    title = f"Ingest run {summary.run_id}" if summary.run_id else "Ingest run (failed)"
    table = Table(title=f"{title} → {db_path}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in summary.as_table():
        table.add_row(label, value)
    if summary.handed_to_dashboard:
        table.add_row("Stored by", "the running dashboard")
    console.print(table)
    if summary.rejects:
        rejects = Table(title="Rejected files and records")
        rejects.add_column("file")
        rejects.add_column("record")
        rejects.add_column("reason")
        rejects.add_column("detail", overflow="fold")
        for r in summary.rejects[:200]:
            rejects.add_row(r.origin_file, r.origin_record or "", r.reason, r.detail)
        console.print(rejects)
        if len(summary.rejects) > 200:
            console.print(
                f"… and {len(summary.rejects) - 200:,} more "
                f"(table `rejects`, run {summary.run_id})."
            )


def print_failure(exc: IngestFailedError, db_path: Path) -> int:
    """What was stored before the store refused a write, then why; the failure exit status."""
    print_summary(exc.summary, db_path)
    console.print(f"[red]{exc}", highlight=False, soft_wrap=True)
    return 1


class CliError(Exception):
    """A problem the user can fix, reported as one clear line (exit status 2)."""


def load_detector() -> Detector:
    """The detector for this run; a broken data or watch-list file is a clear message."""
    from presswatch.extract import Detector

    try:
        return Detector.from_data()
    except SettingsError:
        raise  # names its variable; main() reports it as it is
    except (ValueError, OSError) as exc:
        raise CliError(f"Cannot load the detection data: {exc}") from exc


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files, folders and archives."""
    from presswatch.ingest.pipeline import ingest_paths
    from presswatch.ingest.readers import ReadOptions, parse_column_map
    from presswatch.ingest.sinks import FileSink

    try:
        column_map = parse_column_map(args.map or [])
    except ValueError as exc:
        console.print(f"[red]--map: {exc}")
        return 2
    db_path = Path(args.db) if args.db else get_settings().db_path
    options = ReadOptions(source=args.source, column_map=column_map)
    sink = FileSink(db_path, on_wait=lambda msg: console.print(f"[yellow]{msg}"))
    bar, task = _progress_bar(None, "articles")
    detector = load_detector()
    try:
        with bar:
            summary = ingest_paths(
                sink,
                [Path(p) for p in args.paths],
                options,
                detector=detector,
                progress=_on_progress(bar, task),
                batch_size=args.batch_size,
            )
    except IngestFailedError as exc:
        return print_failure(exc, db_path)
    summary.handed_to_dashboard = sink.handed_to_dashboard
    print_summary(summary, db_path)
    if summary.nothing_read:
        console.print("[red]Nothing could be read from the given paths.")
        return 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the synthetic demo corpus through the ingestion pipeline."""
    from presswatch.demo import DEMO_NOTICE, DEMO_ORIGIN, generate_articles
    from presswatch.ingest.pipeline import run_pipeline
    from presswatch.ingest.sinks import FileSink

    if not 1 <= args.articles <= 1_000_000:
        console.print("[red]--articles must be between 1 and 1,000,000")
        return 2
    db_path = Path(args.db) if args.db else get_settings().db_path
    console.print(DEMO_NOTICE)
    sink = FileSink(db_path, on_wait=lambda msg: console.print(f"[yellow]{msg}"))
    detector = load_detector()
    bar, task = _progress_bar(args.articles, "articles")
    try:
        with bar:
            summary = run_pipeline(
                sink,
                generate_articles(args.articles, seed=args.seed),
                detector=detector,
                origin=DEMO_ORIGIN,
                inputs=f"synthetic demo corpus, {args.articles:,} articles, seed {args.seed}",
                progress=_on_progress(bar, task),
            )
    except IngestFailedError as exc:
        return print_failure(exc, db_path)
    summary.handed_to_dashboard = sink.handed_to_dashboard
    print_summary(summary, db_path)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Re-run detection (e.g. after editing watch lists) over every stored article."""
    from presswatch.ingest.pipeline import ReindexFailedError, reindex
    from presswatch.store import (
        BULK_CHECKPOINT_MB,
        StoreLockedError,
        fetch_value,
        open_store,
        write_failure,
    )

    db_path = Path(args.db) if args.db else get_settings().db_path
    try:
        conn = open_store(db_path, checkpoint_mb=BULK_CHECKPOINT_MB)
    except StoreLockedError as exc:
        console.print(f"[red]{exc}\nStop the dashboard or the other ingest, then try again.")
        return 1
    with conn:
        total = int(fetch_value(conn, "SELECT count(*) FROM articles"))
        bar, task = _progress_bar(total, "articles")
        try:
            with bar:
                summary = reindex(
                    conn,
                    load_detector(),
                    progress=_on_progress(bar, task),
                    batch_size=args.batch_size,
                )
            # Closing would checkpoint too, but swallow a failure: done here, it is seen.
            # (SET takes no bound parameters; the value is an int from os.cpu_count.)
            conn.execute(f"SET threads = {int(os.cpu_count() or 1)}")  # analysis is over
            conn.execute("CHECKPOINT")
        except ReindexFailedError as exc:
            console.print(f"[red]{exc}", highlight=False, soft_wrap=True)
            return 1
        except duckdb.OutOfMemoryException:
            raise  # main() names the setting to raise
        except (duckdb.Error, OSError) as exc:
            console.print(
                f"[red]{write_failure(exc)}: the new analysis of every article is stored "
                "in the database's write-ahead log, but DuckDB could not fold it into the "
                "database file (checkpoint). Free some space, then open the database again "
                "to finish it.",
                highlight=False,
                soft_wrap=True,
            )
            return 1
    console.print(f"Re-detected mentions in {summary.articles:,} articles.")
    if summary.failed:
        names = ", ".join(f"{aid} ({origin})" for aid, origin, _ in summary.failed[:20])
        more = f" and {len(summary.failed) - 20:,} more" if len(summary.failed) > 20 else ""
        console.print(
            f"[yellow]Analysis failed for {len(summary.failed):,} articles, which keep their "
            f"previous analysis: {names}{more}. First error: {summary.failed[0][2]}",
            highlight=False,
            soft_wrap=True,
        )
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and --help)."""
    parser = argparse.ArgumentParser(prog="presswatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load files, folders and archives into the database")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--source", help="source/outlet name for every article read")
    ingest.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="use COLUMN for FIELD (title, text, date, source, url, language, id); repeatable",
    )
    ingest.add_argument(
        "--db", help="database file (default: $PRESSWATCH_DB or data/presswatch.duckdb)"
    )
    ingest.add_argument(
        "--batch-size",
        type=_positive_int,
        default=BATCH_SIZE,
        help=f"articles per stored batch (one transaction; default {BATCH_SIZE})",
    )
    ingest.set_defaults(func=cmd_ingest)

    demo = sub.add_parser("demo", help="build the synthetic demo corpus")
    demo.add_argument("--articles", type=int, default=5000, help="how many articles (default 5000)")
    demo.add_argument("--seed", type=int, default=20251126, help=argparse.SUPPRESS)
    demo.add_argument("--db", help="database file")
    demo.set_defaults(func=cmd_demo)

    reindex = sub.add_parser("reindex", help="re-detect mentions (after editing watch lists)")
    reindex.add_argument("--db", help="database file")
    reindex.add_argument(
        "--batch-size",
        type=_positive_int,
        default=BATCH_SIZE,
        help=f"articles re-analysed per transaction (default {BATCH_SIZE})",
    )
    reindex.set_defaults(func=cmd_reindex)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `presswatch` console script."""
    from presswatch.store import StoreTargetError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (CliError, SettingsError, StoreTargetError) as exc:
        console.print(f"[red]{exc}", highlight=False, soft_wrap=True)
        return 2
    except duckdb.OutOfMemoryException:
        limit = get_settings().ingest_memory_bytes // MB
        console.print(
            f"[red]DuckDB ran out of memory within its limit of {limit} MB; raise "
            "PRESSWATCH_INGEST_MEMORY_MB (or unset it for the default).",
            highlight=False,
            soft_wrap=True,
        )
        return 2
    except KeyboardInterrupt:
        console.print(
            "[yellow]Interrupted: every finished batch is stored; "
            "run the same command again to complete."
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
