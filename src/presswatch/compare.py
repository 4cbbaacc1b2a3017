"""Comparing slices: the sidebar filters (slice A) beside slices B, C, D that override some of
their fields, each normalised within itself.

A slice is a ``Filters``; the comparison runs the existing queries once per slice
(``queries.mentions_over_time``, ``queries.cooccurrence``) and labels the rows, so there is
one SQL path and "share" always means a share of *that slice's* articles.

URL parameters (besides the sidebar's own, which define slice A):

==============  =========================================  ===========================
key             meaning                                    example
==============  =========================================  ===========================
cmp             number of extra slices, 0–3                ``cmp=1``
a.label         label of slice A                           ``a.label=Wire copy``
b.label …       label of slice B (C, D)                    ``b.label=Ministry``
b.<filter>      a sidebar filter key for slice B, replacing ``b.source=MFA``,
                A's value of that field (see OVERRIDE_KEYS) ``b.from=2022&b.to=2022``
==============  =========================================  ===========================

A slice's overrides are read with ``Filters.from_query_params`` on its un-prefixed keys, so
a slice value is validated exactly like the sidebar's (unknown sources dropped with a note,
bad dates ignored), and written with ``Filters.to_query_params``, so links round-trip. A
field a slice leaves empty is A's. Whether capital cities count stays A's for every slice:
slices counted by different rules would not be comparable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

import pandas as pd

from presswatch import queries
from presswatch.filters import Filters, KnownValues, ParamReader, describe

Conn = queries.Conn

MAX_EXTRA = 3
LETTERS: tuple[str, ...] = ("a", "b", "c", "d")
EXTRA_LETTERS: tuple[str, ...] = LETTERS[1 : 1 + MAX_EXTRA]
MAX_LABEL_CHARS = 60
MAX_SOURCES = 8  # lines per slice and entity when each outlet is normalised on its own
# Sidebar filter keys a slice may set; "capitals" is left out (see the module docstring).
OVERRIDE_KEYS: tuple[str, ...] = ("from", "to", "source", "country", "match", "org", "group",
                                  "q", "lang")  # fmt: skip
_OVERRIDE_FIELDS: tuple[str, ...] = ("date_from", "date_to", "sources", "countries",
                                     "country_match", "organisations", "groups", "text",
                                     "languages")  # fmt: skip
CO_MEASURES: tuple[str, ...] = ("share", *queries.CO_MEASURES)
SPLITS: tuple[str, ...] = ("slice", "source")
AXES: tuple[str, ...] = ("date", "start")  # calendar dates, or periods from each slice's start


@dataclass(frozen=True, slots=True)
class SliceSpec:
    """One extra slice as the URL holds it: its letter, its label, the fields it overrides
    (a ``Filters`` whose non-default fields are the overrides)."""

    key: str
    label: str = ""
    overrides: Filters = field(default_factory=Filters)


@dataclass(frozen=True, slots=True)
class CompareSpec:
    """The comparison of a view: A's label and the extra slices (none: no comparison)."""

    base_label: str = ""
    slices: tuple[SliceSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class Slice:
    """A resolved slice: its display label and its complete filters (hashable, cache key)."""

    label: str
    filters: Filters


def parse(
    params: Mapping[str, str | Sequence[str]], known: KnownValues
) -> tuple[CompareSpec, list[str]]:
    """The comparison from URL params, plus notes for values that fell back to defaults."""
    flat: dict[str, str | list[str]] = {
        k: v if isinstance(v, str) else [x for x in v if isinstance(x, str)]
        for k, v in params.items()
    }
    r = ParamReader(flat)
    n = r.get_int("cmp", 0, lo=0, hi=MAX_EXTRA)
    base_label = r.get_text("a.label", max_chars=MAX_LABEL_CHARS)
    notes = list(r.notes)
    slices: list[SliceSpec] = []
    for letter in EXTRA_LETTERS[:n]:
        prefix = f"{letter}."
        sub = {k[len(prefix) :]: v for k, v in flat.items() if k.startswith(prefix)}
        name = letter.upper()
        for key in sorted(sub):
            if key not in OVERRIDE_KEYS and key != "label":
                notes.append(
                    f"Slice {name}: ignored '{prefix}{key}' (a slice can set "
                    + ", ".join(OVERRIDE_KEYS)
                    + ")."
                )
        sr = ParamReader(sub)
        label = sr.get_text("label", max_chars=MAX_LABEL_CHARS)
        overrides, fnotes = Filters.from_query_params(
            {k: v for k, v in sub.items() if k in OVERRIDE_KEYS}, known=known
        )
        notes.extend(f"Slice {name}: {note}" for note in [*sr.notes, *fnotes])
        slices.append(SliceSpec(letter, label, overrides))
    return CompareSpec(base_label, tuple(slices)), notes


def to_params(spec: CompareSpec) -> dict[str, str | list[str]]:
    """URL params of the comparison (nothing for no comparison; only non-default values)."""
    out: dict[str, str | list[str]] = {}
    if not spec.slices:
        return out
    out["cmp"] = str(len(spec.slices))
    if spec.base_label:
        out["a.label"] = spec.base_label
    for s in spec.slices:
        if s.label:
            out[f"{s.key}.label"] = s.label
        for key, value in s.overrides.to_query_params().items():
            if key in OVERRIDE_KEYS:
                out[f"{s.key}.{key}"] = value
    return out


def url_keys(spec: CompareSpec) -> set[str]:
    """Every URL key the comparison may read (so the page does not call them unknown)."""
    keys = {"cmp", "a.label"}
    for s in spec.slices:
        keys |= {f"{s.key}.label", *(f"{s.key}.{k}" for k in OVERRIDE_KEYS)}
    return keys


def merge(base: Filters, overrides: Filters) -> Filters:
    """A's filters with the fields the slice sets replaced."""
    default = Filters()
    changes = {
        name: getattr(overrides, name)
        for name in _OVERRIDE_FIELDS
        if getattr(overrides, name) != getattr(default, name)
    }
    if overrides.countries:  # the slice's own countries come with its own any/all
        changes["country_match"] = overrides.country_match
    return base.replace(**changes)


def _auto_label(f: Filters, names: Mapping[str, str]) -> str:
    text = describe_filters(f, names)
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def resolve(base: Filters, spec: CompareSpec, names: Mapping[str, str]) -> tuple[Slice, ...]:
    """Slice A (the sidebar filters) and the extra slices, with unique display labels.

    A label the user did not give is the slice's letter and what it sets ("B: 2022").
    """
    parts = [("a", spec.base_label, base, base)]
    parts += [(s.key, s.label, merge(base, s.overrides), s.overrides) for s in spec.slices]
    out: list[Slice] = []
    seen: set[str] = set()
    for key, label, f, shown in parts:
        text = label or f"{key.upper()}: {_auto_label(shown, names)}"
        if text in seen:
            text = f"{text} ({key.upper()})"
        seen.add(text)
        out.append(Slice(text, f))
    return tuple(out)


def describe_filters(f: Filters, names: Mapping[str, str]) -> str:
    """A slice's filters in words, without an article count ("2022 · source MFA")."""
    return describe(f, None, names)


def describe_slices(slices: Sequence[Slice], names: Mapping[str, str]) -> str:
    """One line naming every slice and its filters, for export headers."""
    return " | ".join(f"{s.label} = {describe_filters(s.filters, names)}" for s in slices)


def with_slice_filters(
    df: pd.DataFrame, slices: Sequence[Slice], names: Mapping[str, str]
) -> pd.DataFrame:
    """A compared table with each row's slice filters in words (column ``slice_filters``),
    so an exported file says what every slice was."""
    text = {s.label: describe_filters(s.filters, names) for s in slices}
    out = df.copy()
    out.insert(1, "slice_filters", [text.get(str(v), "") for v in out["slice"]])
    return out


# --------------------------------------------------------------------------- mentions


def mentions_by_slice(
    conn: Conn,
    slices: Sequence[Slice],
    entity_ids: Sequence[str],
    granularity: queries.Granularity = "month",
    measure: queries.Measure = "share",
    rolling: int = 1,
    split: str = "slice",
    max_sources: int = MAX_SOURCES,
) -> pd.DataFrame:
    """``queries.mentions_over_time`` once per slice (``split="source"``: per slice and each
    of its ``max_sources`` largest outlets), rows labelled by slice (and source).

    Columns: slice, source ("" unless split by source), series (the line's name), period,
    entity_id, label, mentions, articles, total_articles, total_words, value. Share and
    per-10k values are normalised within the slice (or outlet) and period.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    columns = ["slice", "source", "series", "period", "entity_id", "label", "mentions",
               "articles", "total_articles", "total_words", "value"]  # fmt: skip
    frames: list[pd.DataFrame] = []
    many = len(slices) > 1
    for s in slices:
        runs: list[tuple[str, Filters]] = [("", s.filters)]
        if split == "source":
            top = queries.articles_by_source(conn, s.filters, max_sources)
            runs = [(str(src), s.filters.replace(sources=(src,))) for src in top["source"]]
        for source, f in runs:
            df = queries.mentions_over_time(conn, f, entity_ids, granularity, measure, rolling)
            if df.empty:
                continue
            head = [s.label] if many or not source else []
            if source:
                head.append(source)
            df.insert(0, "slice", s.label)
            df.insert(1, "source", source)
            df.insert(2, "series", [" — ".join([*head, str(lab)]) for lab in df["label"]])
            frames.append(df)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _trunc(d: date, granularity: str) -> date:
    """The start of the period holding ``d`` (as DuckDB's date_trunc: weeks start Monday)."""
    if granularity == "week":
        return d - timedelta(days=d.weekday())
    if granularity == "month":
        return d.replace(day=1)
    if granularity == "quarter":
        return d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1)
    if granularity == "year":
        return d.replace(month=1, day=1)
    return d


def _periods_between(start: date, period: date, granularity: str) -> int:
    months = (period.year - start.year) * 12 + period.month - start.month
    if granularity == "day":
        return (period - start).days
    if granularity == "week":
        return (period - start).days // 7
    if granularity == "month":
        return months
    if granularity == "quarter":
        return months // 3
    return period.year - start.year


def with_offsets(df: pd.DataFrame, slices: Sequence[Slice], granularity: str) -> pd.DataFrame:
    """``mentions_by_slice`` rows with ``offset``: periods since the slice's start (its
    start date, else its first period), so "2019 vs 2022" can be laid over each other."""
    if granularity not in queries.GRANULARITIES:
        raise ValueError(f"granularity must be one of {queries.GRANULARITIES}")
    out = df.copy()
    if out.empty:
        out["offset"] = pd.Series(dtype="int64")
        return out
    days = [pd.Timestamp(p).date() for p in out["period"]]
    first: dict[str, date] = {}
    for label, d in zip(out["slice"], days, strict=True):
        first[label] = min(first.get(label, d), d)
    starts = {
        s.label: _trunc(s.filters.date_from, granularity) if s.filters.date_from else None
        for s in slices
    }
    out["offset"] = [
        _periods_between(starts.get(label) or first[label], d, granularity)
        for label, d in zip(out["slice"], days, strict=True)
    ]
    return out


# --------------------------------------------------------------------------- co-occurrence


def shared_countries(
    conn: Conn, slices: Sequence[Slice], scope: queries.Scope = "article", top_n: int = 15
) -> list[str]:
    """The ``top_n`` countries over all slices, ranked by the sum of their shares of each
    slice's units (so a small slice weighs as much as a big one)."""
    score: dict[str, float] = {}
    for s in slices:
        nodes = queries.cooccurrence_nodes(conn, s.filters, scope, top_n)
        for eid, units, n in zip(nodes["entity_id"], nodes["units"], nodes["n_units"], strict=True):
            score[str(eid)] = score.get(str(eid), 0.0) + (float(units) / n if n else 0.0)
    ranked = sorted(score, key=lambda e: (-score[e], e))
    return ranked[: max(2, int(top_n))]


def cooccurrence_by_slice(
    conn: Conn,
    slices: Sequence[Slice],
    scope: queries.Scope = "article",
    top_n: int = 15,
    measure: str = "share",
    min_count: int = 1,
) -> pd.DataFrame:
    """``queries.cooccurrence`` once per slice over the same countries (``shared_countries``).

    Columns: slice, a, b, a_name, b_name, n_ab, n_a, n_b, n_units, share (n_ab ÷ the slice's
    units: its articles, or in sentence scope its sentences with a country), jaccard, pmi,
    npmi, value (the chosen ``measure``; NaN where n_ab < min_count).
    """
    if measure not in CO_MEASURES:
        raise ValueError(f"measure must be one of {CO_MEASURES}, not {measure!r}")
    columns = ["slice", "a", "b", "a_name", "b_name", "n_ab", "n_a", "n_b", "n_units",
               "share", "jaccard", "pmi", "npmi", "value"]  # fmt: skip
    ids = shared_countries(conn, slices, scope, top_n)
    frames: list[pd.DataFrame] = []
    base_measure = cast("queries.CoMeasure", "raw" if measure == "share" else measure)
    for s in slices:
        df = queries.cooccurrence(
            conn, s.filters, scope, top_n, base_measure, min_count, entity_ids=ids
        )
        if df.empty:
            continue
        n = df["n_units"].astype("float64")
        df["share"] = df["n_ab"] / n.where(n > 0)
        if measure == "share":
            df["value"] = df["share"].where(df["n_ab"] >= max(1, int(min_count)))
        df.insert(0, "slice", s.label)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
