"""Country names in the term views: kept whole, or left out as units.

Multi-word names ("Hong Kong", "South Korea") are indexed whole, so the word cloud shows
them as one term; "leave out country names" removes names, demonyms and compounds
("china-us", "china-us relations") with every piece of them, and only the pieces: "south"
in "the south of the country" stays. The articles were written for this test.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from presswatch import queries as Q
from presswatch.extract.terms import article_terms
from presswatch.filters import Filters
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, ParsedDate
from presswatch.store import open_store


def _art(name: str, title: str, text: str, day: int, source: str) -> Article:
    return Article(
        text=text,
        title=title,
        date=ParsedDate(datetime(2023, 5, day), "day"),
        source=source,
        origin_file=name,
        language="en",
    )


ARTICLES = [
    # "hong kong" x3 (two of them before "government"), "china-us relations" x2, "china-us" x2
    _art(
        "b1",
        "Harbour report",
        "The Hong Kong government met traders. The Hong Kong government said China-US "
        "relations matter. China-US relations improved, traders in Hong Kong said.",
        1,
        "Port",
    ),
    # "south korea" x1, "south" x1 on its own, "harbour" x2
    _art(
        "b2",
        "Shipping",
        "South Korea sent ships to the harbour. Storms hit the south of the harbour.",
        2,
        "Port",
    ),
    # no country at all: the reference for keyness
    _art("b3", "Weather", "Storms hit the harbour again. Traders waited.", 3, "Wire"),
]


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("terms") / "t.duckdb"
    c = open_store(path)
    ingest_articles(c, ARTICLES)
    yield c
    c.close()


def _freq(conn, exclude: bool, **kw: object) -> pd.Series:
    df = Q.term_frequencies(conn, Filters(), 300, exclude_countries=exclude, **kw)  # type: ignore[arg-type]
    return df.set_index("term")["n"]


def test_a_multi_word_name_is_indexed_whole_in_every_article() -> None:
    terms = article_terms(None, "Traders in Hong Kong met once.")
    assert terms["hong kong"] == 1  # one occurrence is enough: names are listed phrases


def test_a_bigram_straddling_a_name_is_no_term() -> None:
    terms = article_terms(None, "The Hong Kong government met. The Hong Kong government said.")
    assert terms["hong kong"] == 2
    assert "kong government" not in terms  # a piece of the name and the next word


def test_names_stay_whole_when_they_are_kept(conn) -> None:
    n = _freq(conn, exclude=False)
    assert n["hong kong"] == 3 and n["south korea"] == 1
    assert "hong" not in n.index and "kong" not in n.index  # not split into its words
    assert n["south"] == 1  # the word's own use, apart from the name


def test_leaving_out_country_names_drops_them_as_units(conn) -> None:
    n = _freq(conn, exclude=True)
    left = set(n.index)
    for gone in ("hong kong", "hong", "kong", "south korea", "korea", "china"):
        assert gone not in left, gone
    for compound in ("china-us", "china-us relations"):
        assert compound not in left, compound
    assert n["south"] == 1  # "south of the harbour" is no country name
    assert n["relations"] == 2 and n["harbour"] == 4 and n["traders"] == 3


def test_keyness_leaves_out_the_pieces_of_names_too(conn) -> None:
    port = Filters(sources=("Port",))
    kept = Q.term_keyness(conn, port, "rest", limit=500)["term"]
    assert "hong kong" in set(kept)
    df = Q.term_keyness(conn, port, "rest", limit=500, exclude_countries=True)
    left = set(df["term"])
    assert not {"hong", "kong", "hong kong", "china-us", "china-us relations"} & left
    assert _row(df, "south")["target_n"] == 1
    period = Q.term_keyness(
        conn, port, "period", date(2023, 5, 3), date(2023, 5, 3), 500, exclude_countries=True
    )
    assert not {"hong", "kong", "korea"} & set(period["term"])


def _row(df: pd.DataFrame, term: str) -> dict[str, object]:
    rows = df[df["term"] == term].to_dict("records")
    assert len(rows) == 1, term
    return {str(k): v for k, v in rows[0].items()}
