"""Publication dates from the many shapes news uses, never silently filled in from today.

Three entry points:

* ``parse_date`` reads one date string (a metadata field, a "Published: …" line);
* ``find_dateline_date`` finds the date in a dateline near the start of a text
  ("BEIJING, Dec. 29 (Xinhua) --", "PHILIPPINE SEA (Sept. 20, 2022)");
* ``date_from_filename`` reads a date written into a file name ("2022-12-29_x.txt").

Values are naive UTC when the source stated a zone with a time of day (``ParsedDate.tz``
keeps what was written), otherwise naive as written. Parts the source did not state are
never invented: a missing day gives precision "month", a missing year gives ``None``
(unless the caller passes a year it found elsewhere in the document).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import PurePath
from zoneinfo import ZoneInfo

from dateutil import parser as du_parser

from presswatch.models import DatePrecision, ParsedDate

MIN_YEAR = 1900
MAX_YEAR = 2100

# Zone abbreviations as news sites print them. Ambiguous ones take the reading most common
# in English-language news (CST = US Central, IST = India). The bare US "ET/CT/MT/PT"
# follow daylight saving, so they map to the IANA zone rather than a fixed offset.
_FIXED_ZONES: dict[str, float] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "BST": 1, "CET": 1, "CEST": 2, "WEST": 1, "EET": 2, "EEST": 3, "MSK": 3,
    "IST": 5.5, "PKT": 5, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "AWST": 8,
    "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
_REGION_ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_NUM = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_YEAR4 = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
# Same separator twice: "11/28/2016", "29.12.2022" — not a fraction such as "6-5/16".
_NUMERIC_DMY = re.compile(r"(?<![\d/.-])\d{1,2}([/.-])\d{1,2}\1\d{2,4}(?![\d/.-])")
_HAS_MONTH_NAME = re.compile(r"\b" + _MONTH + r"(?![a-z])", re.IGNORECASE)

# Case-sensitive on purpose: "ET"/"PT" are also ordinary words in other languages.
_ZONE_NAME_RE = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(sorted([*_FIXED_ZONES, *_REGION_ZONES], key=len, reverse=True))
    + r")(?![A-Za-z])"
)
# dateutil reads "GMT+3" the POSIX way (as UTC-3); news means UTC+3, so we take it ourselves.
_NAMED_OFFSET_RE = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b")

_LABEL_WORDS = (
    r"(?:first\s+published|last\s+updated|last\s+modified|published|updated|modified|"
    r"posted|released|issued|date|time)"
)
# A label opens the string ("Published on …") or is followed by a colon ("… Updated: …");
# a label word inside a sentence ("figures issued on February 9") is not a label.
_LEADING_LABEL_RE = re.compile(rf"^{_LABEL_WORDS}(?:\s+(?:on|at))?\s*:?\s*", re.IGNORECASE)
_INNER_LABEL_RE = re.compile(rf"\b{_LABEL_WORDS}(?:\s+(?:on|at))?\s*:", re.IGNORECASE)
_NOT_A_DATE = re.compile(r"^(?:n/?a|none|null|nan|unknown|undated|no date|-+|tbd|\?+)$", re.I)
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_MAX_RAW_CHARS = 120

# Two defaults that differ in every field: a field that comes out different between the
# two parses was not in the input (dateutil fills missing parts from its default).
_DEFAULT_A = datetime(1904, 1, 1, 0, 0)
_DEFAULT_B = datetime(1908, 2, 2, 1, 1)


def _zone_from_name(name: str) -> tzinfo:
    if name in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[name])
    return timezone(timedelta(hours=_FIXED_ZONES[name]))


def _offset_label(offset: timedelta) -> str:
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _finish(
    value: datetime, precision: DatePrecision, has_time: bool, tz_label: str | None
) -> ParsedDate | None:
    """Range-check, convert aware values to naive UTC, and build the record."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    if value.tzinfo is not None:
        offset = value.utcoffset() or timedelta(0)
        label = tz_label or ("UTC" if not offset else _offset_label(offset))
        if not has_time:
            # A bare date in a zone: shifting midnight to UTC would move it to another day,
            # so it stays as written, and (being no UTC value) carries no zone.
            return ParsedDate(value.replace(tzinfo=None), precision, None)
        return ParsedDate(value.astimezone(UTC).replace(tzinfo=None), precision, label)
    return ParsedDate(value, precision, None)


_OFFSET_LABEL_RE = re.compile(r"^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$")


def _local_datetime(parsed: ParsedDate) -> datetime:
    """The value as the source wrote it (back in its own zone): the date tests check with it
    that the stored UTC value and zone label together keep the written time."""
    if parsed.tz is None:
        return parsed.value
    label = parsed.tz
    zone: tzinfo | None = None
    if label in _FIXED_ZONES or label in _REGION_ZONES:
        zone = _zone_from_name(label)
    else:
        m = _OFFSET_LABEL_RE.match(label)
        if m:
            delta = timedelta(hours=int(m[2]), minutes=int(m[3] or 0))
            zone = timezone(-delta if m[1] == "-" else delta)
    if zone is None:
        return parsed.value
    return parsed.value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _parse_iso(s: str) -> ParsedDate | None:
    partial = _ISO_PARTIAL.match(s)
    if partial:
        year, month = int(partial[1]), partial[2]
        if month is None:
            return _finish(datetime(year, 1, 1), "year", False, None)
        if not 1 <= int(month) <= 12:
            return None
        return _finish(datetime(year, int(month), 1), "month", False, None)
    if not re.match(r"^\d{4}-?\d{2}-?\d{2}(?:$|[T ]\d)", s):
        return None
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        return None
    has_time = len(s) > 10
    tz_label = "UTC" if s.endswith(("Z", "z")) else None
    return _finish(value, "day", has_time, tz_label)


def _parse_free(s: str, default_year: int | None) -> ParsedDate | None:
    """Parse a non-ISO date string with dateutil, keeping track of what it really stated."""
    tz_label: str | None = None
    zone: tzinfo | None = None
    named = _NAMED_OFFSET_RE.search(s)
    if named:
        sign, hh, mm = named.groups()
        delta = timedelta(hours=int(hh), minutes=int(mm or 0))
        zone = timezone(-delta if sign == "-" else delta)
        tz_label = named[0].replace(" ", "")
        s = s[: named.start()] + " " + s[named.end() :]
    else:
        name = _ZONE_NAME_RE.search(s)
        if name:
            tz_label = name[1]
            zone = _zone_from_name(name[1])
            s = s[: name.start()] + " " + s[name.end() :]
    # Separators that dateutil does not skip on its own.
    s = re.sub(r"[|•·]", " ", s).strip(" ,;-")
    s = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", s)
    year_written = _YEAR4.search(s) is not None or _NUMERIC_DMY.search(s) is not None
    if not year_written and default_year is None:
        return None
    try:
        a = du_parser.parse(s, default=_DEFAULT_A)
        b = du_parser.parse(s, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    has_year = a.year == b.year
    has_month = a.month == b.month
    has_day = a.day == b.day
    has_time = a.hour == b.hour
    if not has_month and not has_year:
        return None
    if has_year:
        value = a
    elif default_year is not None and has_month and has_day:
        try:
            value = a.replace(year=default_year)
        except ValueError:  # 29 February in a non-leap year
            return None
    else:
        return None
    if has_day and has_month:
        precision: DatePrecision = "day"
    elif has_month:
        precision, has_time = "month", False
        value = value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif not has_day:
        precision, has_time = "year", False
        value = value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    else:  # a day and a year without a month is not a date
        return None
    if not has_time:
        value = value.replace(hour=0, minute=0, second=0, microsecond=0)
    elif a.minute != b.minute:  # "10am": the hour was stated, the minutes are zero
        value = value.replace(minute=0, second=0, microsecond=0)
    elif a.second != b.second:
        value = value.replace(second=0, microsecond=0)
    if zone is not None and value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return _finish(value, precision, has_time, tz_label)


def _candidates(raw: str) -> list[str]:
    """The string itself, then the pieces between labels ("Published: … Updated: …")."""
    out = [raw]
    unlabelled = _LEADING_LABEL_RE.sub("", raw, count=1)
    pieces = [p.strip(" ,;|-") for p in _INNER_LABEL_RE.split(unlabelled)]
    out.extend(p for p in pieces if p and p != raw)
    if "|" in raw:
        out.extend(p.strip() for p in raw.split("|") if p.strip())
    return out


@lru_cache(maxsize=8192)
def _parse_cached(raw: str, default_year: int | None) -> ParsedDate | None:
    for candidate in _candidates(raw):
        parsed = _parse_iso(candidate) or _parse_free(candidate, default_year)
        if parsed is not None:
            return parsed
    return None


def parse_date(raw: str | None, *, default_year: int | None = None) -> ParsedDate | None:
    """Parse one date string; ``None`` when it holds no complete date (never "today")."""
    if raw is None:
        return None
    s = " ".join(str(raw).split())
    if not s or len(s) > _MAX_RAW_CHARS or _NOT_A_DATE.match(s):
        return None
    if not (re.search(r"\d", s)):
        return None
    if "年" in s or "月" in s:
        zh = _parse_zh_field(_ascii_digits(s), default_year)
        if zh is not None:
            return zh
    if _ISO_PARTIAL.match(s) is None and not (
        _HAS_MONTH_NAME.search(s) or _NUMERIC_DMY.search(s) or re.search(r"\d{4}-?\d\d-?\d\d", s)
    ):
        return None
    return _parse_cached(s, default_year)


# --- dates inside running text -------------------------------------------------------

_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_MDY = rf"(?P<month>{_MONTH})\s*{_DAY}(?!\d)(?:,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?"
_DMY = (
    rf"{_DAY.replace('day', 'day2')}\s+(?:of\s+)?(?P<month2>{_MONTH})"
    r"(?:,?\s*(?P<year2>(?:19|20)\d\d)(?!\d))?"
)
_TEXT_DATE = rf"(?:\b{_MDY}|\b{_DMY})"
_TEXT_DATE_RE = re.compile(_TEXT_DATE, re.IGNORECASE)
# "(Sept. 20, 2022)" and "PLACE, Place, December 29 (Reporter …)" / "CITY, Nov. 3 (Reuters) -"
_PAREN_DATELINE_RE = re.compile(rf"\(\s*{_TEXT_DATE}\s*\)", re.IGNORECASE)
_PLACE_DATELINE_RE = re.compile(
    rf"^[^\n!?\d]{{2,90}}?,\s*{_TEXT_DATE}\s*(?:\(|--|—|–|-|/|:|$)", re.IGNORECASE
)
_DATELINE_PARAGRAPHS = 6
_DATELINE_CHARS = 200
_STANDALONE_DATE_CHARS = 60

# Chinese dates: "2022年12月29日", "2022年12月", "12月29日" (号 is the spoken 日). Digits may
# be full-width ("２０２２年"); they are read as ASCII first (one character for one, so
# nothing else moves).
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Any written year is taken in (and out-of-range ones refused later), so that the month of
# "1850年12月29日" is never read as a "12月29日" without a year.
_ZH_DATE_RE = re.compile(
    r"(?:(?<!\d)(?P<zy>\d{1,4})\s*年\s*)?"
    r"(?<!\d)(?P<zm>1[0-2]|0?[1-9])\s*月"
    r"(?:\s*(?P<zd>3[01]|[12]\d|0?[1-9])\s*[日号])?"
)
# Lunar-calendar dates ("农历2022年12月29日") are not days of the Western calendar.
_ZH_LUNAR_RE = re.compile(r"(?:农历|農曆|阴历|陰曆|夏历|夏曆)\s*$")
_ZH_LUNAR_LOOKBACK = 4
# A Xinhua-style dateline ends its date with 电 (cable) or 讯 (report): "新华社北京12月29日电",
# "本报华盛顿12月28日讯", "中新网北京2022年12月29日电".
_ZH_DATELINE_END = re.compile(r"\s*[电讯電訊]")
# A metadata field that is just a Chinese date, perhaps labelled, bracketed, with a weekday
# and a time of day: "发布时间：2022年12月29日 星期四 10:30".
_ZH_FIELD_RE = re.compile(
    r"^[（(【\[]?\s*(?:(?:发布|發佈|更新|来源)?(?:时间|時間|日期)\s*[:：]?\s*)?"
    r"(?:(?P<zy>(?:19|20)\d\d|2100)\s*年\s*)?"
    r"(?:(?P<zm>1[0-2]|0?[1-9])\s*月(?:\s*(?P<zd>3[01]|[12]\d|0?[1-9])\s*[日号])?)?"
    r"\s*(?:[（(]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?)?"
    r"\s*(?:(?P<hh>[01]?\d|2[0-3])\s*[:：时時点點]\s*(?P<mi>[0-5]\d)"
    r"(?:\s*[:：分]\s*(?P<ss>[0-5]\d)\s*秒?)?\s*分?)?"
    r"\s*[)）】\]]?$"
)


def _ascii_digits(text: str) -> str:
    return text.translate(_FULLWIDTH_DIGITS)


def _zh_matches(text: str) -> Iterator[re.Match[str]]:
    """The Chinese dates of a text (full-width digits already read), lunar dates left out."""
    for m in _ZH_DATE_RE.finditer(text):
        before = text[max(0, m.start() - _ZH_LUNAR_LOOKBACK) : m.start()]
        if not _ZH_LUNAR_RE.search(before):
            yield m


def _zh_day(m: re.Match[str], year_hint: int | None) -> ParsedDate | None:
    """The day a Chinese match names (its own year, else the hint); None without a day."""
    if m["zd"] is None:
        return None
    year = int(m["zy"]) if m["zy"] else year_hint
    if year is None:
        return None
    try:
        value = datetime(year, int(m["zm"]), int(m["zd"]))
    except ValueError:
        return None
    return _finish(value, "day", False, None)


def _parse_zh_field(s: str, default_year: int | None) -> ParsedDate | None:
    """A date field written the Chinese way, or None when the string is anything more."""
    m = _ZH_FIELD_RE.match(s)
    if m is None or (m["zy"] is None and m["zm"] is None):
        return None
    year = int(m["zy"]) if m["zy"] else default_year
    if year is None or (m["zy"] is None and m["zd"] is None):
        return None
    month = int(m["zm"]) if m["zm"] else None
    if month is None:
        return None if m["hh"] else _finish(datetime(year, 1, 1), "year", False, None)
    if m["zd"] is None:
        return None if m["hh"] else _finish(datetime(year, month, 1), "month", False, None)
    try:
        value = datetime(year, month, int(m["zd"]))
        if m["hh"]:
            value = value.replace(hour=int(m["hh"]), minute=int(m["mi"]), second=int(m["ss"] or 0))
    except ValueError:
        return None
    return _finish(value, "day", m["hh"] is not None, None)


def _looks_like_date_line(para: str) -> bool:
    return (
        len(para) <= _STANDALONE_DATE_CHARS
        and not para[0].islower()
        and not para.endswith((".", ",", ";"))
    )


def _date_from_match(m: re.Match[str], year_hint: int | None) -> ParsedDate | None:
    month_word = m.group("month") or m.group("month2")
    day = int(m.group("day") or m.group("day2"))
    year_s = m.group("year") or m.group("year2")
    year = int(year_s) if year_s else year_hint
    if year is None:
        return None
    month = _MONTH_NUM[month_word[:3].lower()]
    try:
        value = datetime(year, month, day)
    except ValueError:
        return None
    return _finish(value, "day", False, None)


def find_date_in_text(text: str, *, year_hint: int | None = None) -> ParsedDate | None:
    """The first complete "Month Day, Year" / "Day Month Year" / "2022年12月29日" date in a
    short text."""
    for m in _TEXT_DATE_RE.finditer(text):
        found = _date_from_match(m, year_hint if not (m["year"] or m["year2"]) else None)
        if found is not None:
            return found
    # Then "2022年12月29日" (a "12月29日" takes the hint): after the English forms, so that a
    # text with both reads as it did before Chinese was known.
    for m in _zh_matches(_ascii_digits(text)):
        found = _zh_day(m, year_hint)
        if found is not None:
            return found
    return None


def find_dateline_date(text: str, *, year_hint: int | None = None) -> ParsedDate | None:
    """The date of a dateline (or a date-only line) near the start of a text.

    A dateline without a year takes ``year_hint`` (a year the document states elsewhere);
    without a hint it stays undated rather than guessing.
    """
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()][:_DATELINE_PARAGRAPHS]
    for para in paragraphs:
        if _looks_like_date_line(para):
            # No year hint here: a date line states its own year (a short line such as
            # "March 30." is more often a wrapped sentence fragment than a date line).
            alone = parse_date(para)
            if alone is not None and alone.precision == "day":
                return alone
        head = para[:_DATELINE_CHARS]
        m = _PAREN_DATELINE_RE.search(head) or _PLACE_DATELINE_RE.search(head)
        if m is not None:
            return _date_from_match(m, year_hint)
        zh = _zh_dateline(_ascii_digits(head), year_hint)
        if zh is not None:
            return zh
    return None


def _zh_dateline(head: str, year_hint: int | None) -> ParsedDate | None:
    """The date of "新华社北京12月29日电" / "本报北京2022年12月29日讯" in a paragraph's head."""
    for m in _zh_matches(head):
        if m["zd"] is not None and _ZH_DATELINE_END.match(head, m.end()):
            return _zh_day(m, year_hint)
    return None


def stated_year(*texts: str | None) -> int | None:
    """The one year (1900–2100) the texts state, or None when none or several are stated."""
    for text in texts:
        if not text:
            continue
        years = {int(y) for y in _YEAR4.findall(text)}
        if len(years) == 1:
            return years.pop()
        if years:
            return None
    return None


_FILENAME_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z])((?:19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2([0-2]\d|3[01])(?![0-9])"
)
_PATH_DATE_RE = re.compile(r"(?:^|/)((?:19|20)\d\d)/(0?[1-9]|1[0-2])/([0-3]?\d)(?:/|$)")


def date_from_filename(name: str) -> ParsedDate | None:
    """A date written into a file name (2022-12-29_x.txt, 20221229-x.md) or a y/m/d path."""
    path = name.replace("\\", "/")
    base = PurePath(path).name
    m = _FILENAME_DATE_RE.search(base)
    groups = m.group(1, 3, 4) if m else None
    if groups is None:
        p = _PATH_DATE_RE.search(path)
        groups = p.groups() if p else None
    if groups is None:
        return None
    try:
        value = datetime(int(groups[0]), int(groups[1]), int(groups[2]))
    except ValueError:
        return None
    return _finish(value, "day", False, None)


# --- a year for a "Month Day" heading that lacks one -----------------------------------

# A date in an address or asset path: "t20190910_", "/2019/09/10/", "2019-09-10", and the
# upload folders of the TRS content system many government sites run ("/W020180910/").
_PATH_YMD_RE = re.compile(
    r"(?:(?<![0-9])|(?<=[A-Z]0))((?:19|20)\d\d)([-_/.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
    r"(?![0-9])"
)
# TRS upload file names: W0/P0 + the upload day + a sequence ("W020180910808183202862.jpg").
_TRS_FILE_RE = re.compile(
    r"(?<![A-Za-z0-9])[WP]0((?:19|20)\d\d)()(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{6,}(?![0-9])"
)
_PATH_YM_RE = re.compile(r"(?<![0-9])((?:19|20)\d\d)([-_/.]?)(0[1-9]|1[0-2])(?![0-9])")
# Neighbouring dates (the page's links to the previous briefings) lie within this many days
# of the heading's date in the year they give it.
_NEIGHBOUR_DAYS = 45
_MIN_NEIGHBOURS = 2
# One dated asset could be a site-wide logo uploaded on that day of another year; several
# distinct files uploaded on the heading's day are the page's own.
_MIN_ASSETS = 2


def month_day_without_year(text: str | None) -> tuple[int, int] | None:
    """(month, day) of the first "September 10" / "10 September" / "9月10日" in a text that
    states no year with it, or None (also when the text has a complete date)."""
    if not text:
        return None
    for m in _TEXT_DATE_RE.finditer(text):
        if m["year"] or m["year2"]:
            return None
        month = _MONTH_NUM[(m["month"] or m["month2"])[:3].lower()]
        day = int(m["day"] or m["day2"])
        if 1 <= day <= 31:
            return month, day
    for zm in _zh_matches(_ascii_digits(text)):  # "12月29日…", after the English forms
        if zm["zd"] is None:
            continue
        if zm["zy"]:
            return None
        return int(zm["zm"]), int(zm["zd"])
    return None


def _one(years: set[int]) -> int | None:
    return next(iter(years)) if len(years) == 1 else None


# What an address that names another day (or several years) says: no year can be taken.
_DISAGREES = -1


def _year_from_addresses(month: int, day: int, addresses: Iterable[str]) -> int | None:
    """The year the page's own address gives (a full date with that month and day, else a
    year-month folder with that month); ``_DISAGREES`` when it names another day."""
    full: set[int] = set()
    months: set[int] = set()
    other = False
    for address in addresses:
        for m in _PATH_YMD_RE.finditer(address):
            if (int(m[3]), int(m[4])) == (month, day):
                full.add(int(m[1]))
            else:
                other = True
        for m in _PATH_YM_RE.finditer(address):
            if int(m[3]) == month:
                months.add(int(m[1]))
    if other or len(full) > 1:
        return _DISAGREES
    if full:
        return full.pop()
    return _one(months)


def _year_from_assets(month: int, day: int, assets: Iterable[str]) -> int | None:
    """The year of the files uploaded on the heading's day, when enough of them agree."""
    by_year: dict[int, set[str]] = {}
    for asset in set(assets):
        found = [*_PATH_YMD_RE.finditer(asset), *_TRS_FILE_RE.finditer(asset)]
        for m in found:
            if (int(m[3]), int(m[4])) == (month, day):
                by_year.setdefault(int(m[1]), set()).add(asset)
    if len(by_year) != 1:
        return None
    year, files = next(iter(by_year.items()))
    return year if len(files) >= _MIN_ASSETS else None


def _year_from_neighbours(month: int, day: int, neighbours: Iterable[str]) -> int | None:
    """The one year that puts the heading's date near every complete date of the page's
    links (its neighbours in a list of briefings)."""
    dates: list[datetime] = []
    for text in neighbours:
        for m in _TEXT_DATE_RE.finditer(text):
            if m["year"] or m["year2"]:
                found = _date_from_match(m, None)
                if found is not None:
                    dates.append(found.value)
        for zm in _zh_matches(_ascii_digits(text)):
            if zm["zy"] and (zh := _zh_day(zm, None)) is not None:
                dates.append(zh.value)
    if len(dates) < _MIN_NEIGHBOURS:
        return None
    fits: set[int] = set()
    for year in {d.year for d in dates} | {d.year + 1 for d in dates} | {d.year - 1 for d in dates}:
        try:
            here = datetime(year, month, day)
        except ValueError:
            continue
        if all(abs((d - here).days) <= _NEIGHBOUR_DAYS for d in dates):
            fits.add(year)
    return _one(fits)


def year_for_month_day(
    month: int,
    day: int,
    *,
    addresses: Iterable[str] = (),
    assets: Iterable[str] = (),
    neighbours: Iterable[str] = (),
) -> int | None:
    """The year of a "September 10" heading, only when the page leaves no doubt.

    Three kinds of evidence: the page's own address (URL, file name: "t20190910_…",
    "/2019-09/"), the files it embeds (several uploaded on that very day, "/W020180910/…"),
    and the complete dates of its links to neighbouring pages ("… on September 7, 2018",
    "2018年9月7日…").
    Each that speaks must name the same year; any disagreement, or no evidence, gives None
    (the article then stays undated rather than being placed in a guessed year).
    """
    answers = {
        y
        for y in (
            _year_from_addresses(month, day, addresses),
            _year_from_assets(month, day, assets),
            _year_from_neighbours(month, day, neighbours),
        )
        if y is not None
    }
    year = _one(answers)  # _DISAGREES alone is out of range below
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    return year
