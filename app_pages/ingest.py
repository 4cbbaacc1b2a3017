"""Ingest: upload files (any supported type, zip included) and see the same summary as the CLI."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from presswatch import queries
from presswatch.filters import UNKNOWN_SOURCE
from presswatch.ingest.pipeline import (
    IngestFailedError,
    IngestSummary,
    ProgressEvent,
    ingest_uploads,
    upload_fingerprints,
)
from presswatch.ingest.readers import SUPPORTED_SUFFIXES, ReadOptions, supported_list
from presswatch.settings import MB, get_settings
from presswatch.ui import frame as ui_frame
from presswatch.ui.data import connection, served_read_only
from presswatch.ui.render import fmt_date, md_escape

RESULT_KEY = "pw_ingest_result"
FAILURE_KEY = "pw_ingest_failure"
DUPES_KEY = "pw_ingest_dupes"
MAX_DUPES_SHOWN = 20
# Naming the stored article behind each duplicate means reading the uploads a second time;
# above this much data the summary gives the count only.
MAX_DUPES_BYTES = 50 * MB


def _repeated(
    uploads: list[tuple[str, bytes]], summary: IngestSummary, options: ReadOptions
) -> list[str]:
    """One line per skipped duplicate: the uploaded file and the stored article it repeats."""
    if sum(len(data) for _, data in uploads) > MAX_DUPES_BYTES:
        return []
    read = upload_fingerprints(uploads, options)
    cur = connection().cursor()
    try:
        stored = queries.stored_articles(cur, [aid for _, aid in read])
    finally:
        cur.close()
    # (published_at, source, title, origin_file, run_id) by article id
    by_id = {int(r[0]): r[1:] for r in stored.itertuples(index=False, name=None)}
    lines: list[str] = []
    seen: set[int] = set()
    for name, aid in read:
        row = by_id.get(aid)
        # A repeat of an earlier run's article, or of one read earlier in this upload.
        if row is not None and (int(row[4]) != summary.run_id or aid in seen):
            published, source, title, origin, run_id = row
            title = title if isinstance(title, str) and title.strip() else "(untitled)"
            src = source if isinstance(source, str) and source else UNKNOWN_SOURCE
            lines.append(
                f"{name}: “{title}” ({src}, {fmt_date(published)}), stored from "
                f"{origin} in run {int(run_id)}"
            )
        seen.add(aid)
    return lines


frame = ui_frame.enter("ingest", "Ingest", show_filters=False)
settings = get_settings()
limit_mb = settings.max_upload_bytes // MB
# st.file_uploader checks the last suffix only (".gz" of ".jsonl.gz"); the readers check fully.
types = sorted({s.rsplit(".", 1)[-1] for s in SUPPORTED_SUFFIXES})

st.markdown(
    f"Add articles to the database: {md_escape(supported_list())} — up to {limit_mb:,} MB "
    "per file. Duplicates already stored are skipped; files that cannot be read are listed "
    "with the reason. New articles appear on every page straight away."
)

with st.form("pw_ingest_form", clear_on_submit=True, border=True):
    files = st.file_uploader(
        "Files",
        type=types,
        accept_multiple_files=True,
        key="pw_ingest_files",
        max_upload_size=limit_mb,
    )
    source = st.text_input(
        "Source name (optional)",
        max_chars=200,
        key="pw_ingest_source",
        help="Used for articles whose file gives no source/outlet.",
    )
    submitted = st.form_submit_button(
        "Ingest", type="primary", icon=":material/upload:", disabled=served_read_only()
    )

if submitted:
    uploads = [(u.name, u.getvalue()) for u in files or []]
    if not uploads:
        st.warning("Choose one or more files first.")
    else:
        with st.status(f"Ingesting {len(uploads)} file(s)…", expanded=True) as status:
            bar = st.progress(0.0, text="Reading…")
            n_files = len(uploads)

            def on_progress(event: ProgressEvent) -> None:
                done = min(event.files_done / n_files, 1.0) if n_files else 1.0
                rate = event.articles_done / event.elapsed if event.elapsed > 0 else 0.0
                bar.progress(
                    done,
                    text=f"{event.files_done:,}/{n_files:,} files · "
                    f"{event.articles_done:,} articles · {rate:,.0f} articles/s",
                )

            failure: str | None = None
            options = ReadOptions(source=source.strip() or None)
            cur = connection().cursor()
            try:
                summary = ingest_uploads(
                    cur,
                    uploads,
                    options,
                    progress=on_progress,
                )
            except IngestFailedError as exc:  # e.g. disk full: say so, with what was stored
                failure, summary = str(exc), exc.summary
            finally:
                cur.close()
            bar.progress(1.0, text="Done" if failure is None else "Stopped")
            state: Literal["complete", "error"] = (
                "complete"
                if failure is None and (summary.articles_added or not summary.nothing_read)
                else "error"
            )
            verb = "Stopped after adding" if failure else "Added"
            added, n_read = summary.articles_added, summary.files_read
            label = f"{verb} {added:,} articles from {n_read:,} file(s)"
            if failure is None and not summary.articles_added and summary.duplicates:
                # Not a success: nothing new was stored, and the reader should know why.
                state = "error"
                label = (
                    f"Nothing added: {summary.duplicates:,} article(s) in "
                    f"{summary.files_read:,} file(s) already stored"
                )
            status.update(label=label, state=state, expanded=False)
        st.session_state[RESULT_KEY] = summary
        st.session_state[FAILURE_KEY] = failure
        st.session_state[DUPES_KEY] = (
            _repeated(uploads, summary, options) if summary.duplicates else []
        )

summary_obj = st.session_state.get(RESULT_KEY)
if isinstance(summary_obj, IngestSummary):
    summary = summary_obj
    failure_text = st.session_state.get(FAILURE_KEY)
    if failure_text:
        st.error(md_escape(str(failure_text)))
    st.subheader(f"Summary of run {summary.run_id}" if summary.run_id else "Summary of the run")
    st.table(pd.DataFrame(summary.as_table(), columns=["", "value"]).set_index(""))
    if summary.rejects:
        st.subheader(f"Rejected ({len(summary.rejects):,})")
        st.dataframe(
            pd.DataFrame(
                [
                    (r.origin_file, r.origin_record or "", r.reason, r.detail)
                    for r in summary.rejects
                ],
                columns=["file", "record", "reason", "detail"],
            ),
            hide_index=True,
            width="stretch",
        )
    dupes = st.session_state.get(DUPES_KEY) or []
    if dupes:
        shown = dupes[:MAX_DUPES_SHOWN]
        more = len(dupes) - len(shown)
        st.warning(
            "Already stored, so skipped:\n"
            + "\n".join(f"- {md_escape(line)}" for line in shown)
            + (f"\n- … and {more:,} more" if more else "")
        )
    if summary.articles_added:
        st.success("The new articles are already included on the other pages.")
