"""Rendering untrusted text safely: Markdown escaping, highlighted HTML, number formats.

Article titles and bodies come from the web. Where Streamlit renders Markdown (captions,
warnings, labels) every special character is backslash-escaped; where we need HTML (the
highlighted mentions) the text is ``html.escape``-d first and only our own ``<mark>``
tags are added around it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from presswatch.filters import UNKNOWN_SOURCE
from presswatch.precision import date_label

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

KIND_COLOURS: dict[str, str] = {
    "country": "#ffe08a",
    "capital": "#ffc9a8",
    "organisation": "#b9e2ff",
    "term": "#c8f0c0",
    "match": "#ffe08a",
    "search": "#f9b8d8",
}


def md_escape(text: object) -> str:
    """Text that Streamlit's Markdown shows literally (no links, HTML, LaTeX or emphasis)."""
    value = "" if text is None else str(text)
    value = value.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", value)


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted stretch of text: [start, end) with a label and a kind (for colour)."""

    start: int
    end: int
    label: str
    kind: str


def _merge(spans: Iterable[Span], length: int) -> list[tuple[int, int, list[Span]]]:
    """Overlapping spans become one stretch carrying all their labels (in reading order)."""
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= length), key=lambda s: (s.start, -s.end)
    )
    merged: list[tuple[int, int, list[Span]]] = []
    for s in ordered:
        if merged and s.start < merged[-1][1]:
            start, end, members = merged[-1]
            merged[-1] = (start, max(end, s.end), [*members, s])
        else:
            merged.append((s.start, s.end, [s]))
    return merged


def highlight_html(text: str, spans: Iterable[Span]) -> str:
    """Escaped ``text`` with each span wrapped in ``<mark>`` (label as tooltip)."""
    out: list[str] = []
    pos = 0
    for start, end, members in _merge(spans, len(text)):
        out.append(html.escape(text[pos:start]))
        kinds = {m.kind for m in members}
        colour = KIND_COLOURS.get(members[0].kind, "#ffe08a") if len(kinds) == 1 else "#e3c8ff"
        label = " + ".join(dict.fromkeys(m.label for m in members))
        out.append(
            f'<mark title="{html.escape(label, quote=True)}" '
            f'style="background:{colour};padding:0 2px;border-radius:3px">'
            f"{html.escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def article_html(
    title: str | None, text: str, mentions: pd.DataFrame, search: str | None = None
) -> str:
    """The article with every detected mention highlighted, title first.

    ``mentions`` is ``queries.article_mentions`` output (field, start_pos, end_pos, name,
    kind, signal). ``search`` is a regular expression (``textquery.word_regex`` of the
    text query) whose matches are highlighted too, as "search match".
    """
    rx = re.compile(search) if search else None

    def spans(field: str) -> list[Span]:
        if mentions.empty:
            return []
        part = mentions[mentions["field"] == field]
        out: list[Span] = []
        for start, end, name, kind, signal in part[
            ["start_pos", "end_pos", "name", "kind", "signal"]
        ].itertuples(index=False, name=None):
            # "Russia · capital", "China · demonym", "NATO · organisation"
            what = signal if kind in ("country", "capital") else kind
            out.append(Span(int(start), int(end), f"{name} · {what}", str(kind)))
        return out

    def hits(body: str) -> list[Span]:
        if rx is None:
            return []
        return [Span(m.start(), m.end(), "search match", "search") for m in rx.finditer(body)]

    shown_title = title or "(untitled)"
    head = highlight_html(shown_title, [*spans("title"), *hits(title or "")])
    body = highlight_html(text, [*spans("text"), *hits(text)])
    return (
        f'<div class="pw-article"><h3 style="margin-top:0">{head}</h3>'
        f'<div style="white-space:pre-wrap;line-height:1.6">{body}</div></div>'
    )


def legend_html(search: bool = False) -> str:
    """The colour key for highlighted mentions (and text-query matches when ``search``)."""
    items = [
        ("country", "country (name, demonym, compound, abbreviation)"),
        ("capital", "capital city counted as its country"),
        ("organisation", "organisation"),
        ("term", "watch-list term"),
        *([("search", "text query match")] if search else []),
    ]
    return " ".join(
        f'<mark style="background:{KIND_COLOURS[k]};padding:0 4px;border-radius:3px">'
        f"{html.escape(label)}</mark>"
        for k, label in items
    )


def kwic_html(rows: pd.DataFrame, max_rows: int = 200) -> str:
    """Keyword-in-context lines (``queries.kwic_snippets``) as an escaped HTML table.

    Each line names its article: the title (in full on hover) over date · source, so lines
    from one outlet on one day can be told apart.
    """
    lines: list[str] = []
    clip = "white-space:nowrap;overflow:hidden;text-overflow:ellipsis"
    for r in rows.head(max_rows).itertuples(index=False):
        when = fmt_date(r.published_at, getattr(r, "date_precision", None))
        src = UNKNOWN_SOURCE if _missing(r.source) else str(r.source)
        title = "(untitled)" if _missing(r.title) or not str(r.title).strip() else str(r.title)
        tip = html.escape(f"{title} · {when} · {src}", quote=True)
        lines.append(
            "<tr>"
            f'<td title="{tip}" style="{clip};padding-right:8px;width:26%">'
            f'<div style="{clip}">{html.escape(title)}</div>'
            f'<div style="{clip};color:#666;font-size:0.85em">{html.escape(when)} · '
            f"{html.escape(src)}</div></td>"
            f'<td style="{clip};text-align:right;direction:rtl;width:32%">'
            f"<bdi>{html.escape(str(r.left))}</bdi></td>"
            f'<td style="{clip};width:42%"><mark style="background:{KIND_COLOURS["match"]}">'
            f"{html.escape(str(r.match))}</mark>{html.escape(str(r.right))}</td>"
            "</tr>"
        )
    return (
        '<table style="font-size:0.9em;border-collapse:collapse;width:100%;table-layout:fixed">'
        + "".join(lines)
        + "</table>"
    )


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]


def fmt_date(value: object, precision: object = None) -> str:
    """The date to its precision ("2024", "Mar 2021", "2021-03-05"); '(undated)' if missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return "(undated)"
    if isinstance(value, str):
        return date_label(value[:10], precision)
    return date_label(value, precision)


_BIN_WORDS = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


def coarse_dates_note(left_out: Mapping[str, int], granularity: str) -> tuple[str, str] | None:
    """What a time chart leaves out (``queries.dates_too_coarse``) and the granularity
    that holds it: ("190 articles dated by year only are not in monthly bins", "year")."""
    counts = [(p, int(left_out.get(p, 0))) for p in ("month", "year")]
    counts = [(p, n) for p, n in counts if n > 0]
    if not counts:
        return None
    # "3 articles dated by month only and 1,200 dated by year only": the noun once.
    noun = " article" if counts[0][1] == 1 else " articles"
    parts = [f"{n:,}{noun if i == 0 else ''} dated by {p} only" for i, (p, n) in enumerate(counts)]
    verb = "is" if sum(n for _, n in counts) == 1 else "are"
    bins = _BIN_WORDS.get(granularity, granularity)
    return f"{' and '.join(parts)} {verb} not in {bins} bins", counts[-1][0]


def fmt_int(value: object) -> str:
    """1,234 (or '—' when missing)."""
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"


def period_label(period: object, granularity: str) -> str:
    """A readable period name: 2022, 2022-Q3, 2022-07, week of 2022-07-04, 2022-07-04."""
    ts = pd.Timestamp(period)  # type: ignore[arg-type]
    if granularity == "year":
        return f"{ts.year}"
    if granularity == "quarter":
        return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"
    if granularity == "month":
        return ts.strftime("%Y-%m")
    if granularity == "week":
        return "week of " + ts.strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d")
