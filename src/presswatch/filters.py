"""The shared filters: one frozen value object <-> URL query params <-> SQL WHERE + params.

``Filters`` is what every page and every query receives (and what cache keys are made
of). ``Filters.from_query_params`` reads a URL leniently: anything malformed, stale or
hostile falls back to the default with a human note, never an exception.
``Filters.to_query_params`` writes only non-default values and round-trips exactly.
``Filters.to_sql`` gives a WHERE fragment over ``articles`` with every value bound.

URL parameters (lists are repeated keys, e.g. ``?country=RU&country=IR``):

=========  ===========================================  ============================
key        meaning                                      example
=========  ===========================================  ============================
from, to   inclusive date range (YYYY-MM-DD, or YYYY,   ``from=2018&to=2022-06-30``
           YYYY-MM: start/end of that year/month)
source     source names (exact)                         ``source=MFA``
country    country entity ids (ISO alpha-2)             ``country=RU&country=IR``
match      country match mode ``any`` | ``all``         ``match=all``
org        organisation ids (``org:…``)                 ``org=org:NATO``
group      watch-list groups (``term:…``)               ``group=term:Exercises``
q          text query (see presswatch.textquery)        ``q="joint exercise" OR drill*``
lang       languages                                    ``lang=en``
capitals   count capital-city metonymy, ``1`` | ``0``   ``capitals=0``
=========  ===========================================  ============================

Page options go through ``ParamReader`` (typed, bounded, allow-listed values).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Literal, TypeVar

from presswatch import textquery
from presswatch.precision import in_range_sql

Params = Mapping[str, "str | list[str]"]
MatchMode = Literal["any", "all"]

MAX_LIST_ITEMS = 50
MAX_VALUE_CHARS = 200
MIN_YEAR = 1800
MAX_YEAR = 2200

FILTER_KEYS: tuple[str, ...] = (
    "from",
    "to",
    "source",
    "country",
    "match",
    "org",
    "group",
    "q",
    "lang",
    "capitals",
)

T = TypeVar("T")


# How the dashboard names (and lets users pick) the articles whose source is missing.
UNKNOWN_SOURCE = "(unknown source)"


@dataclass(frozen=True, slots=True)
class KnownValues:
    """What a URL may legitimately name, read from the database (``queries.known_values``)."""

    sources: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    date_min: date | None = None
    date_max: date | None = None
    names: Mapping[str, str] = field(default_factory=dict)  # entity_id -> display name

    def name(self, entity_id: str) -> str:
        """Display name of an entity id (the id itself when unknown)."""
        return self.names.get(entity_id, entity_id)


def _canon(values: Iterable[str]) -> tuple[str, ...]:
    """Deduplicated, sorted tuple: equal selections give equal Filters (and cache keys)."""
    return tuple(sorted(set(values)))


@dataclass(frozen=True, slots=True)
class Filters:
    """The shared sidebar filters. Lists are kept sorted and deduplicated."""

    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    country_match: MatchMode = "any"
    organisations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    text: str = ""
    languages: tuple[str, ...] = ()
    include_capitals: bool = True

    def __post_init__(self) -> None:
        for name in ("sources", "countries", "organisations", "groups", "languages"):
            object.__setattr__(self, name, _canon(getattr(self, name)))
        object.__setattr__(self, "text", self.text.strip())
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, datetime):  # keep dates, not timestamps, for equality
                object.__setattr__(self, name, value.date())
        if self.country_match not in ("any", "all"):
            raise ValueError(f"country_match must be 'any' or 'all', not {self.country_match!r}")

    # ------------------------------------------------------------------ URL

    @classmethod
    def from_query_params(cls, params: Params, *, known: KnownValues) -> tuple[Filters, list[str]]:
        """Filters from URL params, plus a note for each value that fell back to its default."""
        r = ParamReader(params)
        d_from = r.get_date("from", end_of_period=False, label="start date")
        d_to = r.get_date("to", end_of_period=True, label="end date")
        if d_from and d_to and d_from > d_to:
            r.notes.append(
                f"The start date {d_from.isoformat()} was after the end date "
                f"{d_to.isoformat()}; the two were swapped."
            )
            d_from, d_to = d_to, d_from
        sources = r.get_choices("source", known.sources, label="source")
        countries = r.get_choices("country", known.countries, label="country code", upper=True)
        match = r.get_choice("match", ("any", "all"), "any")
        orgs = r.get_choices("org", known.organisations, label="organisation")
        groups = r.get_choices("group", known.groups, label="watch-list group")
        langs = r.get_choices("lang", known.languages, label="language")
        capitals = r.get_bool("capitals", True)
        text = r.get_text("q", max_chars=textquery.MAX_QUERY_CHARS)
        if text:
            parsed = textquery.parse(text)
            r.notes.extend(f"Text query: {n}" for n in parsed.notes)
            if parsed.empty:
                text = ""
        f = cls(
            date_from=d_from,
            date_to=d_to,
            sources=tuple(sources),
            countries=tuple(countries),
            country_match=match,  # type: ignore[arg-type]
            organisations=tuple(orgs),
            groups=tuple(groups),
            text=text,
            languages=tuple(langs),
            include_capitals=capitals,
        )
        return f, r.notes

    def to_query_params(self) -> dict[str, str | list[str]]:
        """URL params for the non-default values (lists as lists: repeated keys)."""
        out: dict[str, str | list[str]] = {}
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        for key, values in (
            ("source", self.sources),
            ("country", self.countries),
            ("org", self.organisations),
            ("group", self.groups),
            ("lang", self.languages),
        ):
            if values:
                out[key] = list(values)
        if self.country_match != "any":
            out["match"] = self.country_match
        if self.text:
            out["q"] = self.text
        if not self.include_capitals:
            out["capitals"] = "0"
        return out

    # ------------------------------------------------------------------ SQL

    def to_sql(self, alias: str = "a") -> tuple[str, list[object]]:
        """WHERE fragment (never empty: "TRUE" when unfiltered) over ``articles <alias>``.

        Every value is a bound ``?`` parameter; entity conditions are ``IN`` subqueries on
        ``article_entities`` (semi-joins); a country counts through its capital only when
        ``include_capitals``. Date bounds exclude undated articles, and keep a coarse date
        only when its whole period (month, year) is inside them (``presswatch.precision``).
        """
        if not alias.isidentifier():
            raise ValueError(f"bad SQL alias {alias!r}")
        col = f"{alias}.article_id"
        conds: list[str] = []
        params: list[object] = []
        if self.date_from or self.date_to:
            # A coarse date only when its whole period is inside (a year-only 2021 date,
            # stored as 1 January, is not in January 2021): presswatch.precision.
            end = self.date_to + timedelta(days=1) if self.date_to else None
            dsql, dparams = in_range_sql(self.date_from, end, alias)
            conds.append(dsql)
            params.extend(dparams)
        if self.sources:
            # The "(unknown source)" choice stands for the articles whose source is NULL.
            named = [s for s in self.sources if s != UNKNOWN_SOURCE]
            alternatives = [f"{alias}.source IN ({_marks(named)})"] if named else []
            params.extend(named)
            if len(named) < len(self.sources):
                alternatives.append(f"{alias}.source IS NULL")
            conds.append("(" + " OR ".join(alternatives) + ")")
        if self.languages:
            conds.append(f"{alias}.language IN ({_marks(self.languages)})")
            params.extend(self.languages)
        if self.countries:
            counted = self.mentioned_sql("e")
            if self.country_match == "all" and len(self.countries) > 1:
                conds.append(
                    f"{col} IN (SELECT e.article_id FROM article_entities e "  # noqa: S608
                    f"WHERE e.entity_id IN ({_marks(self.countries)}) AND {counted} "
                    "GROUP BY e.article_id HAVING count(DISTINCT e.entity_id) = ?)"
                )
                params.extend(self.countries)
                params.append(len(self.countries))
            else:
                conds.append(
                    f"{col} IN (SELECT e.article_id FROM article_entities e "  # noqa: S608
                    f"WHERE e.entity_id IN ({_marks(self.countries)}) AND {counted})"
                )
                params.extend(self.countries)
        for ids in (self.organisations, self.groups):
            if ids:
                conds.append(
                    f"{col} IN (SELECT e.article_id FROM article_entities e "  # noqa: S608
                    f"WHERE e.entity_id IN ({_marks(ids)}) AND e.n_named > 0)"
                )
                params.extend(ids)
        if self.text:
            parsed = textquery.parse(self.text)
            if parsed.node is not None:
                sql, tparams = textquery.to_sql(parsed.node, alias)
                conds.append(sql)
                params.extend(tparams)
        return (" AND ".join(conds) if conds else "TRUE"), params

    # ------------------------------------------------------------------ the capital-city rule
    # A capital city names its country ("Moscow said") only when ``include_capitals``. The
    # store keeps every count with and without capital-city mentions; which one counts is
    # decided here and nowhere else (the filter above, and every view in ``queries``).

    def mentions_sql(self, alias: str = "e") -> str:
        """How many mentions an ``article_entities`` row counts for under these filters."""
        if not alias.isidentifier():
            raise ValueError(f"bad SQL alias {alias!r}")
        if self.include_capitals:
            return f"({alias}.n_named + {alias}.n_capital)"
        return f"{alias}.n_named"

    def mentioned_sql(self, alias: str = "e") -> str:
        """The mention predicate: does an ``article_entities`` row count as a mention?"""
        return f"{self.mentions_sql(alias)} > 0"

    def counted_column(self, with_capitals: str) -> str:
        """The precomputed count to read: ``with_capitals`` (a column counting capital-city
        mentions too: ``country_pairs.n``, ``article_entities.n_sentences``,
        ``articles.country_sentences``) or its twin without them (``<name>_named``)."""
        if with_capitals not in _WITHOUT_CAPITALS:
            raise ValueError(f"no capital-free twin for column {with_capitals!r}")
        return with_capitals if self.include_capitals else _WITHOUT_CAPITALS[with_capitals]

    def mention_rows_sql(self, alias: str = "m") -> str:
        """Condition on a ``mentions`` row (one detected mention): does it count?"""
        if not alias.isidentifier():
            raise ValueError(f"bad SQL alias {alias!r}")
        return "TRUE" if self.include_capitals else f"{alias}.kind <> 'capital'"

    def replace(self, **changes: object) -> Filters:
        """A copy with some fields changed."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)

    @property
    def is_default(self) -> bool:
        """True when nothing is filtered."""
        return self == Filters()


# Columns that count capital-city mentions too -> their twins without them (schema.py).
_WITHOUT_CAPITALS = {
    "n": "n_named",
    "n_sentences": "n_sentences_named",
    "country_sentences": "country_sentences_named",
}


def _marks(values: Sequence[object]) -> str:
    """``?, ?, ?`` — one placeholder per value (the count is ours, the values are bound)."""
    return ", ".join("?" for _ in values)


# ---------------------------------------------------------------------- description


def _fmt_date_range(d_from: date | None, d_to: date | None) -> str | None:
    if d_from is None and d_to is None:
        return None
    whole_from = d_from is None or (d_from.month == 1 and d_from.day == 1)
    whole_to = d_to is None or (d_to.month == 12 and d_to.day == 31)
    if whole_from and whole_to:
        if d_from and d_to:
            if d_from.year == d_to.year:
                return str(d_from.year)
            return f"{d_from.year}–{d_to.year}"
        if d_from:
            return f"from {d_from.year}"
        assert d_to is not None
        return f"until {d_to.year}"
    if d_from and d_to:
        return f"{d_from.isoformat()} – {d_to.isoformat()}"
    if d_from:
        return f"from {d_from.isoformat()}"
    assert d_to is not None
    return f"until {d_to.isoformat()}"


def _join_names(names: Sequence[str], word: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) > 4:
        return ", ".join(names[:3]) + f" {word} {len(names) - 3} more"
    return ", ".join(names[:-1]) + f" {word} " + names[-1]


def describe(filters: Filters, n_articles: int | None, names: Mapping[str, str]) -> str:
    """One line such as "1,204 articles · 2018–2022 · source MFA · mentioning Russia and Iran"."""

    def nm(ids: Sequence[str]) -> list[str]:
        return [names.get(i, i.split(":", 1)[-1]) for i in ids]

    parts: list[str] = []
    if n_articles is not None:
        parts.append(f"{n_articles:,} article" + ("" if n_articles == 1 else "s"))
    span = _fmt_date_range(filters.date_from, filters.date_to)
    if span:
        parts.append(span)
    if filters.sources:
        label = "source" if len(filters.sources) == 1 else "sources"
        parts.append(f"{label} {_join_names(list(filters.sources), 'and')}")
    if filters.languages:
        parts.append("language " + _join_names(list(filters.languages), "or"))
    if filters.countries:
        word = "and" if filters.country_match == "all" else "or"
        parts.append("mentioning " + _join_names(nm(filters.countries), word))
    if filters.organisations:
        parts.append("mentioning " + _join_names(nm(filters.organisations), "or"))
    if filters.groups:
        parts.append("watch list " + _join_names(nm(filters.groups), "or"))
    if filters.text:
        parts.append(f"matching “{filters.text}”")
    if not filters.include_capitals:
        parts.append("capital cities not counted")
    if len(parts) == (1 if n_articles is not None else 0):
        parts.append("all articles")
    return " · ".join(parts)


# ---------------------------------------------------------------------- URL reading


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _short(value: str, n: int = 40) -> str:
    """A value safe to quote in a note: printable, cut to ``n`` characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in value)
    return repr(clean[:n] + ("…" if len(clean) > n else ""))


class ParamReader:
    """Typed, bounded, allow-listed reading of URL query params; collects notes, never raises.

    Every method returns the default for a missing/invalid value and appends a note for an
    invalid one. Use one reader per page run and show ``reader.notes``.
    """

    def __init__(self, params: Params) -> None:
        self.params = params
        self.notes: list[str] = []

    def _values(self, key: str) -> list[str]:
        get_all = getattr(self.params, "get_all", None)
        if callable(get_all):  # st.query_params: .get() would return only the last value
            return [v for v in get_all(key) if isinstance(v, str)]
        raw = self.params.get(key)
        if raw is None:
            return []
        values = [raw] if isinstance(raw, str) else [v for v in raw if isinstance(v, str)]
        return values

    def _one(self, key: str) -> str | None:
        values = self._values(key)
        if not values:
            return None
        if len(values) > 1:
            self.notes.append(
                f"Parameter '{key}' was given {len(values)} times; the last was used."
            )
        value = values[-1]
        if len(value) > MAX_VALUE_CHARS * 5:
            self.notes.append(f"Ignored an over-long value for '{key}'.")
            return None
        return value

    def get_text(self, key: str, default: str = "", *, max_chars: int = MAX_VALUE_CHARS) -> str:
        """Free text, printable characters only, cut to ``max_chars`` (with a note)."""
        value = self._one(key)
        if value is None:
            return default
        if "\x00" in value:
            self.notes.append(f"Ignored '{key}': it contains a NUL character.")
            return default
        value = "".join(ch if ch.isprintable() else " " for ch in value).strip()
        if len(value) > max_chars:
            self.notes.append(f"'{key}' was cut to its first {max_chars} characters.")
            value = value[:max_chars]
        return value

    def get_choice(self, key: str, allowed: Sequence[T], default: T) -> T:
        """One value from an allow-list (compared as strings, case-insensitively)."""
        value = self._one(key)
        if value is None:
            return default
        for option in allowed:
            if str(option).lower() == value.strip().lower():
                return option
        self.notes.append(
            f"Ignored {key}={_short(value)}: expected one of "
            + ", ".join(str(a) for a in allowed)
            + f"; using {default}."
        )
        return default

    def get_choices(
        self,
        key: str,
        allowed: Iterable[str],
        *,
        label: str | None = None,
        upper: bool = False,
        max_items: int = MAX_LIST_ITEMS,
    ) -> list[str]:
        """Values (repeated key) kept if in ``allowed``; unknown/stale ones dropped with a note."""
        allowed_set = allowed if isinstance(allowed, frozenset | set) else set(allowed)
        label = label or key
        out: list[str] = []
        values = self._values(key)
        if len(values) > max_items:
            self.notes.append(f"Only the first {max_items} values of '{key}' were used.")
            values = values[:max_items]
        for value in values:
            v = value.strip()
            if upper and v.upper() in allowed_set:
                v = v.upper()
            if v in allowed_set:
                if v not in out:
                    out.append(v)
            elif v:
                self.notes.append(f"Ignored unknown {label} {_short(v)} (not in this database).")
        return out

    def get_int(self, key: str, default: int, *, lo: int, hi: int) -> int:
        """A whole number in [lo, hi]; out of range or malformed -> default, with a note."""
        value = self._one(key)
        if value is None:
            return default
        try:
            n = int(value.strip()) if len(value.strip()) <= 12 else None
        except ValueError:
            n = None
        if n is None or not lo <= n <= hi:
            self.notes.append(
                f"Ignored {key}={_short(value)}: expected a whole number from {lo} to {hi}; "
                f"using {default}."
            )
            return default
        return n

    def get_float(self, key: str, default: float, *, lo: float, hi: float) -> float:
        """A finite number in [lo, hi]; otherwise default, with a note."""
        value = self._one(key)
        if value is None:
            return default
        try:
            x = float(value.strip()) if len(value.strip()) <= 24 else math.nan
        except ValueError:
            x = math.nan
        if not math.isfinite(x) or not lo <= x <= hi:
            self.notes.append(
                f"Ignored {key}={_short(value)}: expected a number from {lo:g} to {hi:g}; "
                f"using {default:g}."
            )
            return default
        return x

    def get_bool(self, key: str, default: bool) -> bool:
        """1/0, true/false, yes/no, on/off."""
        value = self._one(key)
        if value is None:
            return default
        v = value.strip().lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off"):
            return False
        self.notes.append(f"Ignored {key}={_short(value)}: expected 1 or 0.")
        return default

    def get_date(
        self, key: str, default: date | None = None, *, end_of_period: bool = False, label: str = ""
    ) -> date | None:
        """YYYY-MM-DD, YYYY-MM or YYYY (a partial date is the start, or the end with
        ``end_of_period``); years outside 1800–2200 and impossible dates are rejected."""
        value = self._one(key)
        if value is None:
            return default
        m = _DATE_RE.match(value.strip())
        result: date | None = None
        if m:
            y = int(m.group(1))
            mo = int(m.group(2)) if m.group(2) else None
            d = int(m.group(3)) if m.group(3) else None
            if MIN_YEAR <= y <= MAX_YEAR:
                try:
                    if mo is None:
                        result = date(y, 12, 31) if end_of_period else date(y, 1, 1)
                    elif d is None:
                        last = calendar.monthrange(y, mo)[1] if 1 <= mo <= 12 else 0
                        result = date(y, mo, last if end_of_period else 1)
                    else:
                        result = date(y, mo, d)
                except ValueError:
                    result = None
        if result is None:
            self.notes.append(
                f"Ignored the {label or key} {_short(value)}: expected a date like 2022-03-31."
            )
            return default
        return result
