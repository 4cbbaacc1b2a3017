"""How precisely a publication date is known, and the one rule every view applies to it.

A year-only date is stored as 1 January and a month-only date as the 1st (``published_at``
needs a value), with ``date_precision`` saying which parts the source stated. Three rules
keep those invented parts out of sight:

* a date is shown only to its precision ("2024", "Mar 2021", "2021-03-05"): ``date_label``;
* a date is counted only in time bins at least as coarse as its precision (a year-only
  date in year bins, a month-only date in month, quarter and year bins):
  ``PRECISIONS_FOR``. Otherwise every year-only speech would make a spike each January.
* a date is in a date range only when its whole period (its day, month or year) lies
  inside the range: ``in_range_sql``, and a span of dates ends with the last day of its
  last period: ``period_last_day``. Otherwise a range for January 2021 would hold every
  year-only 2021 speech, and one to 15 February every article dated February.

A missing precision on a dated row means "day": that is what every reader stored before
precision was recorded, and what a full timestamp states.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Final

import pandas as pd

from presswatch.models import DatePrecision

# Which precisions may be counted in a bin of each granularity (finest first).
PRECISIONS_FOR: Final[dict[str, tuple[DatePrecision, ...]]] = {
    "day": ("day",),
    "week": ("day",),
    "month": ("day", "month"),
    "quarter": ("day", "month"),
    "year": ("day", "month", "year"),
}


def precision_of(precision: object) -> DatePrecision:
    """The stored precision of a dated row ("day" where none was recorded)."""
    if precision == "year":
        return "year"
    if precision == "month":
        return "month"
    return "day"


def date_label(value: object, precision: object = None, *, with_time: bool = False) -> str:
    """A date shown to its precision: "2024", "Mar 2021", "2021-03-05" ('' when missing).

    ``with_time`` adds the time of day to a day date that has one ("2021-03-05 14:30:00"),
    as the CSV export writes it; lists show the day only.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, str):
        try:
            parsed = pd.Timestamp(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime | pd.Timestamp):
        ts = value
    elif isinstance(value, date):
        ts = datetime(value.year, value.month, value.day)
    else:
        return str(value)
    kind = precision_of(precision)
    if kind == "year":
        return f"{ts.year:04d}"
    if kind == "month":
        return f"{ts.strftime('%b')} {ts.year:04d}"
    if with_time and (ts.hour, ts.minute, ts.second) != (0, 0, 0):
        return ts.strftime("%Y-%m-%d %H:%M:%S")
    return ts.strftime("%Y-%m-%d")


def period_last_day(value: date, precision: object) -> date:
    """The last day of the period a stored date stands for (31 December for a year-only
    date, the month's last day for a month-only one, the day itself otherwise)."""
    day = value.date() if isinstance(value, datetime) else value
    kind = precision_of(precision)
    if kind == "year":
        return date(day.year, 12, 31)
    if kind == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def in_range_sql(
    start: date | None, end: date | None, alias: str = "a"
) -> tuple[str, list[object]]:
    """SQL condition (with its parameters): ``<alias>``'s whole date period is in [start, end).

    ``start`` and ``end`` are days, ``end`` exclusive (the day after a range's last day);
    None is no bound, and with any bound an undated article is out. A stored date is its
    period's start, so it must be on or after ``start``; the period must also end by
    ``end``: a day date before it, a month-only date in an earlier month, a year-only date
    in an earlier year.
    """
    if not alias.isidentifier():
        raise ValueError(f"bad SQL alias {alias!r}")
    col, kind = f"{alias}.published_at", f"coalesce({alias}.date_precision, 'day')"
    conds: list[str] = []
    params: list[object] = []
    if start is not None:
        conds.append(f"{col} >= ?")
        params.append(datetime(start.year, start.month, start.day))
    if end is not None:
        # Before ``end``; a month-only date also before the 1st of end's month, a year-only
        # one before 1 January of end's year. Nested so that the precision is compared only
        # for the dates from that 1 January on (plain column bounds first).
        conds.append(
            f"{col} < ? AND ({col} < ? OR ({kind} <> 'year' AND ({col} < ? OR {kind} = 'day')))"
        )
        params.extend(
            [
                datetime(end.year, end.month, end.day),
                datetime(end.year, 1, 1),
                datetime(end.year, end.month, 1),
            ]
        )
    return (" AND ".join(conds) if conds else "TRUE"), params
