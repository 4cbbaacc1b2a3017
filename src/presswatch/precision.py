"""How precisely a publication date is known, and the one rule every view applies to it.

A year-only date is stored as 1 January and a month-only date as the 1st (``published_at``
needs a value), with ``date_precision`` saying which parts the source stated. Two rules
keep those invented parts out of sight:

* a date is shown only to its precision ("2024", "Mar 2021", "2021-03-05"): ``date_label``;
* a date is counted only in time bins at least as coarse as its precision (a year-only
  date in year bins, a month-only date in month, quarter and year bins):
  ``PRECISIONS_FOR``. Otherwise every year-only speech would make a spike each January.

A missing precision on a dated row means "day": that is what every reader stored before
precision was recorded, and what a full timestamp states.
"""

from __future__ import annotations

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
