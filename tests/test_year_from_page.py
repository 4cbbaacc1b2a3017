"""A heading "… Press Conference on September 10" takes its year from the page only when
the page's address, its files and its neighbouring dates leave no doubt; otherwise the
article stays undated (never "this year").

The small pages below were written for this test; the last tests read the real MFA pages
in ../shared/corpora (skipped where absent).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from presswatch.ingest.dates import month_day_without_year, year_for_month_day
from presswatch.ingest.html import read_html_document
from presswatch.models import Article

PROSE = (
    "<p>The spokesperson answered questions from journalists about the visit of the "
    "foreign minister and the talks held earlier in the week.</p>"
    "<p>Asked about the trade negotiations, she said both sides had agreed to keep in "
    "close contact and to meet again at an early date.</p>"
)


def _page(title: str, extra: str = "") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='content'>{PROSE}</div>{extra}</body></html>"
    )


def _date(html: str, origin: str = "page.html", url: str | None = None) -> str | None:
    art = read_html_document(html, origin, url=url)
    assert isinstance(art, Article), art
    return art.date.value.date().isoformat() if art.date else None


TITLE = "Foreign Ministry Spokesperson's Regular Press Conference on September 10"
NEIGHBOURS = (
    "<ul><li><a href='./t1.shtml'>Regular Press Conference on September 7, 2018</a></li>"
    "<li><a href='./t2.shtml'>Regular Press Conference on September 6, 2018</a></li>"
    "<li><a href='./t3.shtml'>Regular Press Conference on August 31, 2018</a></li></ul>"
)
OWN_IMAGES = "<img src='./W020180910808183202862.jpg'><img src='./W020180910808183192814.jpg'>"


def test_title_without_year_is_undated_without_evidence() -> None:
    assert _date(_page(TITLE)) is None


def test_year_from_the_url() -> None:
    url = "https://www.example.gov/web/fyrbt/201909/t20190910_7654321.shtml"
    assert _date(_page(TITLE), url=url) == "2019-09-10"
    # a year-month folder with the heading's month is enough too
    assert _date(_page(TITLE), url="https://example.gov/news/2019-09/briefing.html") == "2019-09-10"


def test_year_from_the_file_name() -> None:
    assert _date(_page(TITLE), origin="crawl/t20190910_55.html") == "2019-09-10"


def test_an_address_naming_another_day_gives_no_year() -> None:
    url = "https://www.example.gov/web/fyrbt/201909/t20190911_7654321.shtml"
    assert _date(_page(TITLE), url=url) is None


def test_year_from_neighbouring_dates() -> None:
    assert _date(_page(TITLE, NEIGHBOURS)) == "2018-09-10"
    assert _date(_page("Press Conference on 10 September", NEIGHBOURS)) == "2018-09-10"


def test_neighbours_that_disagree_or_are_too_few_give_no_year() -> None:
    far = NEIGHBOURS.replace("August 31, 2018", "March 3, 2015")
    assert _date(_page(TITLE, far)) is None
    one = "<a href='./t1.shtml'>Regular Press Conference on September 7, 2018</a>"
    assert _date(_page(TITLE, one)) is None


def test_year_from_files_uploaded_that_day() -> None:
    assert _date(_page(TITLE, OWN_IMAGES)) == "2018-09-10"
    # one file (a site logo uploaded on 1 September 2018) says nothing about the page
    logo = "<img src='https://example.gov/images/P020180901587211901157.png'>"
    assert _date(_page("Press Conference on September 1", logo)) is None


def test_evidence_that_disagrees_gives_no_year() -> None:
    later = NEIGHBOURS.replace("2018", "2019")
    assert _date(_page(TITLE, OWN_IMAGES + later)) is None
    url = "https://www.example.gov/web/fyrbt/201909/t20190910_7654321.shtml"
    assert _date(_page(TITLE, OWN_IMAGES), url=url) is None


def test_a_title_with_its_year_keeps_it() -> None:
    later = NEIGHBOURS.replace("2018", "2019")
    assert _date(_page(TITLE + ", 2017", later)) == "2017-09-10"


def test_month_day_without_year_and_impossible_days() -> None:
    assert month_day_without_year(TITLE) == (9, 10)
    assert month_day_without_year("Press Conference on November 29, 2018") is None
    assert month_day_without_year("Remarks on US Remarks on Venezuela") is None
    # 29 February in a year that has none is no date
    assert year_for_month_day(2, 29, addresses=["/2019-02/x.html"]) is None
    assert year_for_month_day(2, 29, addresses=["/2020-02/x.html"]) == 2020


# --------------------------------------------------------------------------- real pages

MISSING_YEAR = {  # the transcripts whose title has no year; the corpus README's dates
    "mfa_en_t1593756": "2018-09-10",
    "mfa_en_t1594900": "2018-09-13",
    "mfa_en_t1595908": "2018-09-17",
    "mfa_en_t1597236": "2018-09-20",
    "mfa_en_t1599177": "2018-09-26",
}


@pytest.mark.corpora
def test_mfa_transcripts_without_a_year_in_the_title(corpora_dir: Path) -> None:
    folder = corpora_dir / "mfa_pressconf_en"
    records = {}
    with gzip.open(folder / "mfa_pressconf_en.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            records[r["id"]] = r
    for doc_id, expected in MISSING_YEAR.items():
        html = (folder / "html" / f"{doc_id}.html").read_text(encoding="utf-8")
        art = read_html_document(html, f"{doc_id}.html")
        assert isinstance(art, Article)
        assert art.title and month_day_without_year(art.title), art.title
        assert art.date is not None, doc_id
        assert (art.date.value, art.date.precision) == (
            datetime.fromisoformat(expected),
            "day",
        )
        assert records[doc_id]["date"] == expected
    # A "Remarks" page with no date in its title stays undated (the corpus only estimates it).
    html = (folder / "html" / "mfa_en_t1687014.html").read_text(encoding="utf-8")
    remarks = read_html_document(html, "mfa_en_t1687014.html")
    assert isinstance(remarks, Article) and remarks.date is None
