"""The date parser: news formats, time zones, precision, and never "today"."""

from __future__ import annotations

import gzip
import itertools
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.ingest.dates import (
    _local_datetime,
    date_from_filename,
    find_date_in_text,
    find_dateline_date,
    parse_date,
    stated_year,
)
from presswatch.models import ParsedDate

# (raw, expected value, precision, tz) — values are naive UTC where a zone was given.
FORMATS = [
    ("Wed Nov 23, 2016 | 10:27am EST", datetime(2016, 11, 23, 15, 27), "day", "EST"),
    ("DEC. 14, 2016, 2:54 AM EST", datetime(2016, 12, 14, 7, 54), "day", "EST"),
    ("11/28/2016", datetime(2016, 11, 28), "day", None),
    ("28/11/2016", datetime(2016, 11, 28), "day", None),
    ("2016-11-28", datetime(2016, 11, 28), "day", None),
    ("2022-12-29T08:15:00+08:00", datetime(2022, 12, 29, 0, 15), "day", "+08:00"),
    ("2017-12-22T17:48:13.000Z", datetime(2017, 12, 22, 17, 48, 13), "day", "UTC"),
    ("2009-03-25 00:26:04-05", datetime(2009, 3, 25, 5, 26, 4), "day", "-05:00"),
    ("2018-12-27 21:11:58", datetime(2018, 12, 27, 21, 11, 58), "day", None),
    ("Tue, 29 Nov 2016 10:27:00 +0000", datetime(2016, 11, 29, 10, 27), "day", "UTC"),
    ("Tue, 29 Nov 2016 10:27:00 -0500", datetime(2016, 11, 29, 15, 27), "day", "-05:00"),
    ("15:45, 23-Mar-2022", datetime(2022, 3, 23, 15, 45), "day", None),
    ("Published: Mar 24, 2022 06:46 PM", datetime(2022, 3, 24, 18, 46), "day", None),
    (
        "Published: May 01, 2022 03:26 PM Updated: May 01, 2022 07:24 PM",
        datetime(2022, 5, 1, 15, 26),
        "day",
        None,
    ),
    ("Updated: 2022-03-07 17:49", datetime(2022, 3, 7, 17, 49), "day", None),
    ("March 2019", datetime(2019, 3, 1), "month", None),
    ("2019-03", datetime(2019, 3, 1), "month", None),
    ("2019", datetime(2019, 1, 1), "year", None),
    ("29 December 2022", datetime(2022, 12, 29), "day", None),
    ("Sept. 20, 2022", datetime(2022, 9, 20), "day", None),
    ("December 9th 2016", datetime(2016, 12, 9), "day", None),
    ("2016 Oct 10", datetime(2016, 10, 10), "day", None),
    ("7:58 AM ET, Sat January 3, 2015", datetime(2015, 1, 3, 12, 58), "day", "ET"),
    # ET follows daylight saving: 4:58 PM EDT in July is 20:58 UTC.
    ("July 4, 2016 4:58 PM ET", datetime(2016, 7, 4, 20, 58), "day", "ET"),
    ("Nov 22, 2016 4:30 PM MT", datetime(2016, 11, 22, 23, 30), "day", "MT"),
    ("December 13, 2016 6:35PM CST", datetime(2016, 12, 14, 0, 35), "day", "CST"),
    ("December 17, 2016 4:45:51 EST PM", datetime(2016, 12, 17, 21, 45, 51), "day", "EST"),
    ("APRIL 26, 2016 - 12:25AM EDT", datetime(2016, 4, 26, 4, 25), "day", "EDT"),
    ("9 Oct 2012, 7:43am BST", datetime(2012, 10, 9, 6, 43), "day", "BST"),
    ("3 March 2022 14:00 CET", datetime(2022, 3, 3, 13, 0), "day", "CET"),
    ("Mar 3, 2022 10:00 GMT+8", datetime(2022, 3, 3, 2, 0), "day", "GMT+8"),
    ("November 18, 2016 13:25 GMT", datetime(2016, 11, 18, 13, 25), "day", "GMT"),
    # A bare date in a zone is not shifted to UTC (that could change the day).
    ("7 December 2016 GMT", datetime(2016, 12, 7), "day", None),
    ("Nov. 22, 2015 MST", datetime(2015, 11, 22), "day", None),
    ("June 27, 2016 15:41:4", datetime(2016, 6, 27, 15, 41, 4), "day", None),
    ("20221229", datetime(2022, 12, 29), "day", None),
]


@pytest.mark.parametrize(("raw", "value", "precision", "tz"), FORMATS)
def test_formats(raw: str, value: datetime, precision: str, tz: str | None) -> None:
    assert parse_date(raw) == ParsedDate(value, precision, tz)  # type: ignore[arg-type]


NOT_DATES = [
    None,
    "",
    "   ",
    "N/A",
    "unknown",
    "-",
    "hello world",
    "May",
    "Monday",
    "12",
    "99",
    "12:30",
    "10:27am EST",
    "Nov 23",  # no year: never completed from today
    "23 November",
    "1850-01-01",
    "2150-06-01",
    "2016-13-45",
    "February 30, 2021",
    "32/01/2020",
    "10 people died in 2019 after the floods",
    "The figures issued on February 9, 2021 were revised later",  # a label word mid-sentence
    "Posted on March 3, 2020 by admin",
    "6-5/16 6-3/16",  # fractions, not a date
    "x" * 500,
]


@pytest.mark.parametrize("raw", NOT_DATES)
def test_nonsense_gives_none(raw: str | None) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["March 2019", "2019", "Nov 23", "12:30", "Monday", "May 5"])
def test_missing_parts_never_come_from_today(raw: str) -> None:
    today = date.today()
    parsed = parse_date(raw)
    if parsed is not None:
        assert parsed.value.date() != today
        # Missing parts are the first of the period, not today's day or month.
        assert parsed.value.day == 1
        assert parsed.value.month == 1 or parsed.precision != "year"


def test_default_year_completes_a_day_and_month() -> None:
    assert parse_date("Nov 23", default_year=2016) == ParsedDate(datetime(2016, 11, 23), "day")
    assert parse_date("Nov 23, 2015", default_year=2016) == ParsedDate(
        datetime(2015, 11, 23), "day"
    )
    assert parse_date("February 29", default_year=2021) is None


def test__local_datetime_gives_back_the_written_time() -> None:
    parsed = parse_date("Wed Nov 23, 2016 | 10:27am EST")
    assert parsed is not None
    assert _local_datetime(parsed) == datetime(2016, 11, 23, 10, 27)
    offset = parse_date("2022-12-29T23:30:00+08:00")
    assert offset is not None
    assert offset.value == datetime(2022, 12, 29, 15, 30)
    assert _local_datetime(offset) == datetime(2022, 12, 29, 23, 30)


DATELINES = [
    ("Xinhua News Agency, Beijing, December 29 (Reporter Zhang Mimi) Since 2022 …", 2022,
     date(2022, 12, 29)),
    ("PHILIPPINE SEA (Sept. 20, 2022) – Sailors aboard the carrier …", None, date(2022, 9, 20)),
    ("WASHINGTON, Nov. 3 (Reuters) - The Pentagon said on Friday …", 2023, date(2023, 11, 3)),
    ("BEIJING, Dec. 29 (Xinhua) -- China's defence ministry said …", 2022, date(2022, 12, 29)),
    ("MOSCOW, March 3, 2022 /PRNewswire/ -- A statement …", None, date(2022, 3, 3)),
    ("ARLINGTON, Va., Jan. 5, 2023 — The department announced …", None, date(2023, 1, 5)),
    ("Some headline\nPublished: Mar 24, 2022 06:46 PM\nThe text begins.", None,
     date(2022, 3, 24)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "hint", "expected"), DATELINES)
def test_datelines(text: str, hint: int | None, expected: date) -> None:
    found = find_dateline_date(text, year_hint=hint)
    assert found is not None
    assert found.value.date() == expected
    assert found.precision == "day"


def test_dateline_without_year_or_hint_stays_undated() -> None:
    text = "WASHINGTON, Nov. 3 (Reuters) - The Pentagon said on Friday that talks went on."
    assert find_dateline_date(text) is None


def test_wrapped_sentence_fragments_are_not_date_lines() -> None:
    # Hard-wrapped wire copy: "March 30." is the end of a sentence, not a date line.
    text = (
        "The company said its board voted a stock split payable\n"
        "to holders of record\n"
        "March 30.\n"
        "on April 2.\n"
    )
    assert find_dateline_date(text, year_hint=1987) is None


def test_no_dateline_in_ordinary_sentences() -> None:
    text = (
        "The talks were held in Geneva.\n"
        "Both delegations, which met on several occasions, agreed to meet again.\n"
        "A spokesman said the next round would follow in 2024."
    )
    assert find_dateline_date(text, year_hint=2023) is None


def test_find_date_in_title() -> None:
    title = "Foreign Ministry Spokesperson's Regular Press Conference on November 29, 2018"
    found = find_date_in_text(title)
    assert found == ParsedDate(datetime(2018, 11, 29), "day")
    assert find_date_in_text("Regular Press Conference on June11, 2018") == ParsedDate(
        datetime(2018, 6, 11), "day"
    )
    assert find_date_in_text("Regular Press Conference on September 10") is None


def test_stated_year() -> None:
    assert stated_year("Cooperation in 2022", "body 1999") == 2022
    assert stated_year("No year here", "Since 2021 the army … in 2021") == 2021
    assert stated_year("From 2019 to 2022", "body 2020") is None
    assert stated_year(None, "") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-12-29_x.txt", date(2022, 12, 29)),
        ("20221229-x.md", date(2022, 12, 29)),
        ("notes/report_2021.06.14.txt", date(2021, 6, 14)),
        ("archive/2020/03/15/story.html", date(2020, 3, 15)),
        ("x-2019_07_04-y.txt", date(2019, 7, 4)),
    ],
)
def test_date_from_filename(name: str, expected: date) -> None:
    found = date_from_filename(name)
    assert found is not None and found.value.date() == expected


@pytest.mark.parametrize(
    "name",
    ["000_495447acf1da3124.txt", "article.txt", "a20221229b.txt", "2022-13-40.txt",
     "id_120221229.txt"],
)  # fmt: skip
def test_no_date_in_filename(name: str) -> None:
    assert date_from_filename(name) is None


@pytest.mark.corpora
def test_tr_news_date_raw_agreement(corpora_dir: Path) -> None:
    total = agree = 0
    with gzip.open(corpora_dir / "geoparsing_gold" / "tr_news.jsonl.gz", "rt") as fh:
        for record in map(json.loads, fh):
            if not record.get("date_raw") or not record.get("date"):
                continue
            total += 1
            parsed = parse_date(record["date_raw"])
            # The gold date is the local calendar day as printed, not the UTC day.
            if parsed and _local_datetime(parsed).date().isoformat() == record["date"]:
                agree += 1
    assert total >= 100
    rate = agree / total
    print(f"tr_news date_raw agreement: {agree}/{total} = {rate:.3f}")
    assert rate >= 0.97, f"agreement {agree}/{total}"


@pytest.mark.corpora
def test_cn_media_date_raw_agreement(corpora_dir: Path) -> None:
    path = corpora_dir / "cn_media_headlines_2022" / "cn_media_headlines_2022.jsonl.gz"
    total = agree = 0
    with gzip.open(path, "rt") as fh:
        # Every 4th record keeps the test quick; all five outlets' formats are frequent.
        for record in map(json.loads, itertools.islice(fh, 0, None, 4)):
            if not record.get("date_raw") or not record.get("datetime"):
                continue
            total += 1
            parsed = parse_date(record["date_raw"])
            expected = record["datetime"].removesuffix("Z")
            if parsed and _local_datetime(parsed).isoformat() == expected:
                agree += 1
    assert total >= 9000
    rate = agree / total
    print(f"cn_media date_raw agreement: {agree}/{total} = {rate:.4f}")
    assert rate >= 0.99, f"agreement {agree}/{total}"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_raises(raw: str) -> None:
    parsed = parse_date(raw)
    if parsed is not None:
        assert 1900 <= parsed.value.year <= 2100
        assert parsed.value.tzinfo is None
    found = find_dateline_date(raw, year_hint=2020)
    assert found is None or found.precision == "day"
    date_from_filename(raw)  # must not raise


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_iso_round_trip(value: datetime) -> None:
    value = value.replace(microsecond=0)
    assert parse_date(value.isoformat()) == ParsedDate(value, "day")
    assert parse_date(value.strftime("%B %d, %Y")) == ParsedDate(
        value.replace(hour=0, minute=0, second=0), "day"
    )
