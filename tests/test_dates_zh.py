"""Chinese dates: 2022年12月29日, 2022年12月, 12月29日 with the year from the page, Xinhua
datelines, full-width digits and the MFA titles; lunar dates and counts are left alone.

The sentences and small pages below were written for these tests; the last tests read the
real MFA pages in ../shared/corpora (skipped where absent).
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest

from presswatch.ingest.dates import (
    find_date_in_text,
    find_dateline_date,
    month_day_without_year,
    parse_date,
    year_for_month_day,
)
from presswatch.ingest.html import read_html_document
from presswatch.ingest.language import detect_language
from presswatch.ingest.text import read_text_document
from presswatch.models import Article, ParsedDate


def _day(parsed: ParsedDate | None) -> str | None:
    assert parsed is None or parsed.precision == "day", parsed
    return parsed.value.date().isoformat() if parsed else None


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2022年12月29日", "2022-12-29", "day"),
        ("2022年1月5日", "2022-01-05", "day"),
        ("2022年01月05日", "2022-01-05", "day"),
        ("2022 年 12 月 29 日", "2022-12-29", "day"),
        ("２０２２年１２月２９日", "2022-12-29", "day"),  # full-width digits
        ("2022年12月29号", "2022-12-29", "day"),
        ("2022年12月29日 星期四", "2022-12-29", "day"),
        ("（2022年12月29日）", "2022-12-29", "day"),
        ("发布时间：2022年12月29日", "2022-12-29", "day"),
        ("2022年12月", "2022-12-01", "month"),
        ("2022年", "2022-01-01", "year"),
    ],
)
def test_parse_a_chinese_date_field(raw: str, expected: str, precision: str) -> None:
    parsed = parse_date(raw)
    assert parsed is not None, raw
    assert (parsed.value.date().isoformat(), parsed.precision) == (expected, precision)


def test_a_chinese_date_field_with_a_time_of_day() -> None:
    parsed = parse_date("2022年12月29日 10:30")
    assert parsed is not None
    assert parsed.value.isoformat() == "2022-12-29T10:30:00"
    assert (parsed.precision, parsed.tz) == ("day", None)  # a time of day, no zone stated


@pytest.mark.parametrize(
    "raw",
    [
        "12月",  # a month alone
        "12月29日",  # no year, none given
        "2022年来",  # "since 2022", a span, not a date field
        "2022年12月32日",  # no such day
        "2022年2月30日",
        "2022年13月1日",
        "1850年12月29日",  # out of range
        "农历2022年12月29日",  # lunar calendar
        "2022年12月29日外交部发言人主持例行记者会",  # a title, not a date field
        "电话：13912345678",
    ],
)
def test_not_a_chinese_date_field(raw: str) -> None:
    assert parse_date(raw) is None


def test_a_field_without_a_year_takes_the_default_year() -> None:
    assert _day(parse_date("12月29日", default_year=2022)) == "2022-12-29"


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("2016年11月15日外交部发言人耿爽主持例行记者会", None, "2016-11-15"),
        ("2020年7月3日外交部发言人赵立坚主持例行记者会", None, "2020-07-03"),
        ("外交部发言人表示，双方将于2023年3月1日举行会谈。", None, "2023-03-01"),
        ("外交部發言人表示，雙方將於2023年3月1日舉行會談。", None, "2023-03-01"),  # Traditional
        ("２０２２年１２月２９日外交部发言人", None, "2022-12-29"),
        ("12月29日外交部发言人主持例行记者会", 2022, "2022-12-29"),
        ("12月29日外交部发言人主持例行记者会", None, None),  # no year: undated
        ("据报道，美方于12月28日宣布制裁。", None, None),
        ("截至12月，已有50国加入。", 2022, None),  # a month is not a day
        ("2000年来首次举行此类会谈。", None, None),  # a count of years
        ("农历十二月初八是腊八节。", 2022, None),  # Chinese numerals, lunar
        ("农历12月8日是腊八节。", 2022, None),  # lunar with Arabic digits
        ("请拨打13912345678或010-12345678咨询。", 2022, None),  # phone numbers
        ("编号2022122900156的文件", 2022, None),  # digits of a serial number
        ("2022年12月32日", None, None),
        # English first, as before: a text with both reads the English date.
        ("Talks on December 30, 2022 (2022年12月29日)", None, "2022-12-30"),
    ],
)
def test_find_a_chinese_date_in_text(text: str, hint: int | None, expected: str | None) -> None:
    assert _day(find_date_in_text(text, year_hint=hint)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月29日外交部发言人主持例行记者会", (12, 29)),
        ("１２月２９日外交部发言人", (12, 29)),
        ("外交部发言人9月10日答记者问", (9, 10)),
        ("2022年12月29日外交部发言人主持例行记者会", None),  # the year is stated
        ("12月外交部发言人", None),
        ("农历12月29日", None),
        ("Press Conference on September 10", (9, 10)),  # the English form, unchanged
    ],
)
def test_month_day_without_year(text: str, expected: tuple[int, int] | None) -> None:
    assert month_day_without_year(text) == expected


def test_year_of_a_chinese_heading_from_the_address_and_neighbours() -> None:
    assert year_for_month_day(12, 29, addresses=["/web/fyrbt/202212/t20221229_10.shtml"]) == 2022
    neighbours = ["2022年12月28日外交部发言人汪文斌主持例行记者会", "2022年12月27日外交部发言人"]
    assert year_for_month_day(12, 29, neighbours=neighbours) == 2022
    # Neighbours a year apart leave the year in doubt.
    apart = ["2021年12月28日外交部发言人", "2022年12月27日外交部发言人"]
    assert year_for_month_day(12, 29, neighbours=apart) is None


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("新华社北京12月29日电（记者张三）外交部发言人29日表示……", 2022, "2022-12-29"),
        ("新华社北京12月29日电（记者张三）外交部发言人29日表示……", None, None),
        ("中新网北京2022年12月29日电 外交部发言人表示……", None, "2022-12-29"),
        ("本报华盛顿12月28日讯 美国国务院28日宣布……", 2022, "2022-12-28"),
        ("新華社北京12月29日電 外交部發言人表示……", 2022, "2022-12-29"),  # Traditional
        ("标题\n新华社北京１２月２９日电 外交部发言人表示……", 2022, "2022-12-29"),
        ("2022年12月29日\n外交部发言人表示，双方将保持沟通。", None, "2022-12-29"),
        # A date in a sentence is no dateline.
        ("外交部发言人表示，双方于12月29日举行会谈。", 2022, None),
    ],
)
def test_chinese_dateline(text: str, hint: int | None, expected: str | None) -> None:
    assert _day(find_dateline_date(text, year_hint=hint)) == expected


PROSE_ZH = (
    "<p>问：据报道，双方将于下周举行新一轮磋商。中方对此有何评论？</p>"
    "<p>答：中方一贯主张通过对话协商解决分歧，希望双方相向而行，为地区和平稳定作出贡献。</p>"
)


def _page(title: str, extra: str = "") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='content'>{PROSE_ZH}</div>{extra}</body></html>"
    )


def _html_date(html: str, url: str | None = None, origin: str = "page.html") -> str | None:
    art = read_html_document(html, origin, url=url)
    assert isinstance(art, Article), art
    return art.date.value.date().isoformat() if art.date else None


def test_html_date_from_a_chinese_title() -> None:
    assert _html_date(_page("2016年11月15日外交部发言人耿爽主持例行记者会")) == "2016-11-15"


def test_html_title_without_year_takes_it_from_the_page() -> None:
    title = "12月29日外交部发言人主持例行记者会"
    assert _html_date(_page(title)) is None  # no evidence: undated
    url = "https://www.example.gov.cn/web/fyrbt/202212/t20221229_10.shtml"
    assert _html_date(_page(title), url=url) == "2022-12-29"
    assert _html_date(_page(title), origin="t20221229_10.html") == "2022-12-29"
    links = (
        "<ul><li><a href='./t1.shtml'>2022年12月28日外交部发言人主持例行记者会</a></li>"
        "<li><a href='./t2.shtml'>2022年12月27日外交部发言人主持例行记者会</a></li></ul>"
    )
    assert _html_date(_page(title, links)) == "2022-12-29"


def test_text_document_dated_by_its_xinhua_dateline() -> None:
    text = (
        "外交部就2022年中美关系答问\n\n"
        "新华社北京12月29日电（记者张三）外交部发言人29日在例行记者会上回答了有关提问。\n"
    )
    art = read_text_document(text, "note.txt")
    assert isinstance(art, Article), art
    assert _day(art.date) == "2022-12-29"  # the year the title states


_TITLE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")


@pytest.mark.corpora
def test_mfa_zh_titles(corpora_dir: Path) -> None:
    """Every title that opens with its date gives that date. The corpus' own ``date`` came
    from trafilatura, which on many of these pages took the date of the last related link
    (an earlier briefing): it is never after the title's date and at most weeks before."""
    path = corpora_dir / "mfa_pressconf_zh" / "mfa_pressconf_zh.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    dated = 0
    for rec in records:
        found = find_date_in_text(rec["title"])
        m = _TITLE_DATE.match(rec["title"])
        if m is None:
            assert found is None, rec["title"]
            continue
        dated += 1
        assert found is not None and found.precision == "day", rec["title"]
        assert found.value.date() == date(int(m[1]), int(m[2]), int(m[3])), rec["title"]
        days = (found.value.date() - date.fromisoformat(rec["date"])).days
        assert 0 <= days <= 45, (rec["title"], rec["date"])
    assert (len(records), dated) == (1000, 838)


@pytest.mark.corpora
def test_mfa_zh_html_pages(corpora_dir: Path) -> None:
    """Each raw page through the real reader: its date is the day the page itself prints
    beside the heading (News_Body_Time), and so is the date its title gives; the pages name
    no language, and their text's script says zh."""
    folder = corpora_dir / "mfa_pressconf_zh" / "html"
    manifest = dict(
        line.split("\t") for line in (folder / "manifest.tsv").read_text("utf-8").splitlines()
    )
    titled = 0
    for name, url in sorted(manifest.items()):
        html = (folder / name).read_text("utf-8")
        printed = re.search(r'id="News_Body_Time">(\d{4}-\d\d-\d\d)<', html)
        assert printed is not None, name
        art = read_html_document(html, name, url=url)
        assert isinstance(art, Article), (name, art)
        assert _day(art.date) == printed[1], name
        assert art.title is not None, name
        assert (art.language, detect_language(art.text)) == (None, "zh"), name
        if _TITLE_DATE.match(art.title):
            titled += 1
            assert _day(find_date_in_text(art.title)) == printed[1], name
    assert (len(manifest), titled) == (200, 167)
