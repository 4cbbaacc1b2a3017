"""Capitals used as places, not as the state speaking; country names that are given names.

A capital counts as metonymy ("Beijing said"); in a dateline or in the name of an event,
document or venue held in the city it is a place and is not counted. A country name that is
the given name of a person introduced by a job or as a speaker is not counted either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presswatch.extract.detect import Detector
from presswatch.extract.gazetteer import load_gazetteer
from presswatch.settings import DATA_DIR


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.from_data()


def _found(det: Detector, text: str, title: str | None = None) -> list[tuple[str, str]]:
    return [(m.surface, m.kind) for m in det.detect(text, title)]


@pytest.mark.parametrize(
    "text",
    [
        "Xinhua News Agency, Beijing, December 29 (Reporter Li Wei) Since the spring, trade grew.",
        "Beijing, Dec. 3 (Xinhua) -- Trade between the two sides grew.",
        "Moscow, 5 March (TASS) - Officials met in the morning.",
        "The talks were short.\nTehran (AFP) \u2014 Officials met in the morning.",
        "Ankara Daily News, Ankara, May 2 - Officials met in the morning.",
        "Reports ran together. Moscow, March 5 -- Officials met in the morning.",
    ],
)
def test_a_capital_opening_a_dateline_is_a_place(det: Detector, text: str) -> None:
    assert not [m for m in det.detect(text) if m.kind == "capital"]


@pytest.mark.parametrize(
    "text",
    [
        "Delegates came to the Beijing Xiangshan Forum in October.",
        "He spoke at the Moscow International Security Conference last year.",
        "Both sides abide by the Vienna Convention on Diplomatic Relations.",
        "Leaders will attend the FOCAC Beijing Summit in September.",
        "The plane landed at Beijing Capital International Airport.",
        "Runners lined up for the Tokyo Marathon.",
        "Athletes praised the Beijing 2022 Winter Olympics.",
    ],
)
def test_a_capital_in_an_event_or_venue_name_is_a_place(det: Detector, text: str) -> None:
    assert not [m for m in det.detect(text) if m.kind == "capital"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the state acting or speaking, also beside an event name
        ("Beijing said the forum would open.", [("Beijing", "capital")]),
        (
            "Moscow hosted the Moscow International Security Conference.",
            [("Moscow", "capital")],
        ),
        # a list of capitals at the start of a line is no dateline
        (
            "Beijing, Moscow and Tehran disagree.",
            [("Beijing", "capital"), ("Moscow", "capital"), ("Tehran", "capital")],
        ),
        # a dash after a capital mid-sentence is no dateline
        ("Officials say Moscow - and only Moscow - decides.", [("Moscow", "capital")] * 2),
        # "Initiative" is left out of the event heads on purpose: the state's own proposal
        ("Delegates discussed the Beijing Initiative.", [("Beijing", "capital")]),
    ],
)
def test_the_state_speaking_still_counts(
    det: Detector, text: str, expected: list[tuple[str, str]]
) -> None:
    assert _found(det, text) == expected


def test_in_a_title_case_headline_only_an_adjacent_head_makes_a_name(det: Detector) -> None:
    assert _found(det, "", "Moscow Rejects Peace Agreement") == [("Moscow", "capital")]
    assert _found(det, "", "Beijing Forum Opens To Delegates") == []


@pytest.mark.parametrize(
    "text",
    [
        '"We can deliver faster," said Israel Marshall, product manager for the drones.',
        "Israel Marshall, a senior product manager at the firm, spoke first.",
        '"The strikes go on," said Israel Katz.',
        "The coach, said Jordan Peterson, was right.",
    ],
)
def test_a_country_name_that_is_a_persons_given_name_is_not_counted(
    det: Detector, text: str
) -> None:
    assert not [m for m in det.detect(text) if m.entity_id in ("IL", "JO")]


def test_the_given_name_rule_drops_only_that_hit(det: Detector) -> None:
    text = "Israel Marshall, product manager, said Israel would buy more."
    assert _found(det, text) == [("Israel", "country")]
    assert det.detect(text)[0].start == text.rindex("Israel")


@pytest.mark.parametrize(
    "text",
    [
        "Officials said Israel Radio, citing the army, reported the strike.",
        "The Israel Defense Forces said Israel would respond.",
        "The talks, said Israel, were over.",
    ],
)
def test_the_country_before_a_non_name_still_counts(det: Detector, text: str) -> None:
    assert any(m.entity_id == "IL" for m in det.detect(text))


@pytest.mark.corpora
def test_seed_article_counts_no_capital_metonymy(det: Detector, corpora_dir: Path) -> None:
    # The seed's three capitals are a dateline and two event names.
    raw = (corpora_dir / "seed" / "000_495447acf1da3124.txt").read_text(encoding="utf-8")
    lines = raw.splitlines()
    ms = det.detect("\n".join(lines[1:]), lines[0])
    assert [m.surface for m in ms if m.kind == "capital"] == []
    assert "RU" in {m.entity_id for m in ms if m.kind == "country"}


def _data_without_contexts(tmp_path: Path) -> Path:
    tables = ("countries", "country_aliases", "capitals", "organisations", "blockers", "us_states")
    for name in tables:
        shutil.copy(DATA_DIR / f"{name}.tsv", tmp_path / f"{name}.tsv")
    return tmp_path


def test_the_context_words_come_from_the_data_file(tmp_path: Path) -> None:
    data = _data_without_contexts(tmp_path)
    text = "Delegates came to the Beijing Xiangshan Forum."
    # without data/name_contexts.tsv the rule has no words and the capital counts again
    assert [m.kind for m in Detector.from_data(data).detect(text)] == ["capital"]
    (data / "name_contexts.tsv").write_text("context\twords\twhy\nevent_head\tForum\tx\n")
    assert Detector.from_data(data).detect(text) == []
    (data / "name_contexts.tsv").write_text("context\twords\twhy\nvenue\tForum\tx\n")
    with pytest.raises(ValueError, match="unknown context 'venue'"):
        load_gazetteer(data)
