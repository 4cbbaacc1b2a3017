"""The plain-text/Markdown reader: titles, sources, dates, furniture, rejects."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.ingest.furniture import is_cut_marker, is_furniture, strip_furniture
from presswatch.ingest.text import TitleLine, read_text_document, split_title_line
from presswatch.models import Article, ParsedDate, Reject

BODY = (
    "The two navies finished a week of exercises at sea on Friday, the ministry said.\n"
    "Officers from both sides described the drills as routine and long planned.\n"
)


def read(text: str, name: str = "story.txt", source: str | None = None) -> Article:
    result = read_text_document(text, name, source=source)
    assert isinstance(result, Article), result
    return result


# --- title lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title", "site"),
    [
        ("Home » Navies end joint drill at sea – Harbour Gazette", "Navies end joint drill at sea",
         "Harbour Gazette"),
        ("Home > News > World > Navies end joint drill at sea", "Navies end joint drill at sea",
         None),
        ("Navies end joint drill at sea | Harbour Gazette", "Navies end joint drill at sea",
         "Harbour Gazette"),
        ("Navies end their joint drill at sea - Harbour Gazette",
         "Navies end their joint drill at sea", "Harbour Gazette"),
        ("Navies end joint drill | gazette.example", "Navies end joint drill", "gazette.example"),
        ("# Navies end joint drill at sea", "Navies end joint drill at sea", None),
        # A dash inside a short headline is part of the headline.
        ("Biden - Putin Summit", "Biden - Putin Summit", None),
        # A lower-case tail is a headline clause, not a site name.
        ("Ceasefire holds for a third day - talks resume in the capital",
         "Ceasefire holds for a third day - talks resume in the capital", None),
    ],
)  # fmt: skip
def test_split_title_line(line: str, title: str, site: str | None) -> None:
    assert split_title_line(line) == TitleLine(title, site)


def test_known_source_suffix_is_always_stripped() -> None:
    parsed = split_title_line("Drill ends - daily news", source="Daily News")
    assert parsed.title == "Drill ends"
    assert parsed.site == "daily news"


def test_breadcrumb_title_and_repeat() -> None:
    text = (
        "Home » Navies end joint drill at sea – Harbour Gazette\n\n"
        "Navies end joint drill at sea – Harbour Gazette\n\n" + BODY
    )
    art = read(text)
    assert art.title == "Navies end joint drill at sea"
    assert art.source == "Harbour Gazette"
    assert art.text == BODY.strip()


def test_given_source_wins_over_site_suffix() -> None:
    art = read("Navies end joint drill at sea | Harbour Gazette\n" + BODY, source="My Feed")
    assert art.source == "My Feed"
    assert art.title == "Navies end joint drill at sea"


def test_markdown_heading_is_title() -> None:
    art = read("# Navies end joint drill\n\n" + BODY, name="notes.md")
    assert art.title == "Navies end joint drill"
    assert art.text.startswith("The two navies")


def test_front_matter_wins() -> None:
    text = (
        "---\n"
        'title: "Navies end joint drill"\n'
        "date: 2021-06-14\n"
        "source: Harbour Gazette\n"
        "url: https://gazette.example/drill\n"
        "lang: en\n"
        "---\n"
        "# Navies end joint drill\n\n"
        "WASHINGTON, Nov. 3, 2020 (Reuters) - " + BODY
    )
    art = read(text, name="2019-01-01_drill.md")
    assert art.title == "Navies end joint drill"
    assert art.date == ParsedDate(datetime(2021, 6, 14), "day")
    assert art.source == "Harbour Gazette"
    assert art.url == "https://gazette.example/drill"
    assert art.language == "en"
    assert art.text.startswith("WASHINGTON, Nov. 3")


def test_front_matter_without_title_uses_first_line() -> None:
    art = read("---\ndate: March 2019\n---\nNavies end joint drill\n" + BODY)
    assert art.title == "Navies end joint drill"
    assert art.date == ParsedDate(datetime(2019, 3, 1), "month")


# --- dates ------------------------------------------------------------------------------


def test_dateline_completed_by_year_in_title() -> None:
    text = (
        "Ministry reviews its work of 2022\n"
        "Xinhua News Agency, Beijing, December 29 (Reporter Li Ming) The ministry said …\n" + BODY
    )
    art = read(text)
    assert art.date == ParsedDate(datetime(2022, 12, 29), "day")


def test_dateline_with_year() -> None:
    art = read("Carrier in the Pacific\nPHILIPPINE SEA (Sept. 20, 2022) – Sailors …\n" + BODY)
    assert art.date is not None and art.date.value.date() == date(2022, 9, 20)


def test_dateline_without_any_year_stays_undated() -> None:
    art = read("Talks go on\nWASHINGTON, Nov. 3 (Reuters) - Officials met again.\n" + BODY)
    assert art.date is None


def test_date_from_file_name_when_text_has_none() -> None:
    art = read("Talks go on\n" + BODY, name="inbox/2021-06-14_talks.txt")
    assert art.date == ParsedDate(datetime(2021, 6, 14), "day")


def test_no_date_anywhere_is_none() -> None:
    assert read("Talks go on\n" + BODY, name="talks.txt").date is None


# --- furniture -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "by admin",
        "By John Smith",
        "Posted by Editor",
        "See also  Speed skating: team wins relay gold - Sports - Example Network",
        "Read also: Ten things to know",
        "Read more",
        "Share this:",
        "Facebook Twitter WhatsApp Email",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        "This website uses cookies to improve your experience. We'll assume you're ok with "
        "this, but you can opt-out if you wish. Accept Read More",
        "Privacy & Cookies Policy",
        "Your email address will not be published. Required fields are marked *",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Post Comment",
        "Tags: navy, drill, Baltic",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "By 2030 the navy plans to double the number of its frigates.",
        "by the end of the year the fleet will be ready",
        "See the full list of exercises below, the ministry said in a statement on Monday.",
        "Officials said cookies were served to visiting sailors at the reception.",
        "Readers may also like to know that the ship was built in 1998.",
        "Twitter and Facebook were blocked during the protests, residents said.",
        "share on the exchange rose five percent after the report",
        "the plan was drawn up by Baker.",
        "Comments from the minister were broadcast on Monday evening.",
    ],
)
def test_body_sentences_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)
    assert not is_cut_marker(line)


def test_trailing_block_is_cut() -> None:
    paragraphs = ["First paragraph.", "See also X", "Second paragraph.", "You may also like",
                  "Some other story", "Leave a Comment", "Great article!"]  # fmt: skip
    assert strip_furniture(paragraphs) == ["First paragraph.", "Second paragraph."]


def test_furniture_removed_from_copied_page() -> None:
    text = (
        "Home » Navies end joint drill at sea – Harbour Gazette\n\n"
        "by admin\n\n" + BODY + "\nSee also  Ferry line opens – Harbour Gazette\n\n"
        "The ministry will publish a report next month.\n\n"
        "Share this:\nFacebook Twitter\n\nYou may also like\n\nFerry line opens\n\n"
        "Leave a Comment\n\nThis site uses Akismet to reduce spam. Learn how your comment "
        "data is processed.\n\nPrivacy & Cookies Policy\n"
    )
    art = read(text)
    assert art.text.split("\n") == [
        *BODY.strip().split("\n"),
        "The ministry will publish a report next month.",
    ]


# --- rejects and layout -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t  \n", "\ufeff\n"])
def test_empty_text_is_rejected(text: str) -> None:
    result = read_text_document(text, "empty.txt")
    assert isinstance(result, Reject)
    assert result.reason == "empty-text"
    assert result.origin_file == "empty.txt"


def test_furniture_only_is_rejected() -> None:
    result = read_text_document("Navies end drill\nby admin\nLeave a Comment\nPost Comment\n", "f")
    assert isinstance(result, Reject)
    assert result.reason == "no-article-text"


def test_one_line_file_is_its_own_text() -> None:
    art = read("Navies end joint drill at sea on Friday\n")
    assert art.title == art.text == "Navies end joint drill at sea on Friday"


def test_blank_line_runs_and_crlf_collapse() -> None:
    art = read("Title line here\r\n\r\n\r\nFirst  paragraph.\r\n\r\n\r\n\r\nSecond.\r\n")
    assert art.text == "First paragraph.\nSecond."


# --- the seed document (acceptance) ---------------------------------------------------


@pytest.mark.corpora
def test_seed_document(corpora_dir: Path) -> None:
    path = corpora_dir / "seed" / "000_495447acf1da3124.txt"
    art = read(path.read_text(encoding="utf-8"), name=str(path))
    assert art.title == (
        "For the sake of peace, go to the world: the Ministry of National Defense reviews "
        "the work of international military cooperation in 2022"
    )
    assert art.source == "Teller Report"
    assert art.date == ParsedDate(datetime(2022, 12, 29), "day")
    assert art.text.startswith(("Original title:", "Xinhua News Agency"))
    assert art.text.endswith("promoting common development.")
    assert "Tan Kefei said" in art.text
    lowered = art.text.lower()
    for furniture in ("by admin", "see also", "you may also like", "leave a comment",
                      "akismet", "cookies", "teller report"):  # fmt: skip
        assert furniture not in lowered, furniture
    assert "\n\n" not in art.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400))
def test_any_text_gives_article_or_reject(text: str) -> None:
    result = read_text_document(text, "x.txt")
    assert isinstance(result, Article | Reject)
    if isinstance(result, Article):
        assert result.text.strip() == result.text
        assert "\n\n" not in result.text
