"""Filters <-> URL params <-> SQL, the URL reader's fallbacks and the one-line description."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.filters import FILTER_KEYS, Filters, KnownValues, ParamReader, describe

KNOWN = KnownValues(
    sources=frozenset({"MFA", "Xinhua", "Wire, Inc."}),
    countries=frozenset({"RU", "IR", "CN", "US"}),
    organisations=frozenset({"org:NATO", "org:UN"}),
    groups=frozenset({"term:Joint exercises"}),
    languages=frozenset({"en", "zh"}),
    date_min=date(2015, 1, 1),
    date_max=date(2024, 12, 31),
    names={"RU": "Russia", "IR": "Iran", "CN": "China", "org:NATO": "NATO"},
)


def read(params):
    return Filters.from_query_params(params, known=KNOWN)


def test_full_round_trip() -> None:
    f = Filters(
        date_from=date(2018, 1, 1),
        date_to=date(2022, 12, 31),
        sources=("Xinhua", "MFA"),
        countries=("RU", "IR"),
        country_match="all",
        organisations=("org:NATO",),
        groups=("term:Joint exercises",),
        text='"joint exercise" OR drill*',
        languages=("en",),
        include_capitals=False,
    )
    params = f.to_query_params()
    assert set(params) <= set(FILTER_KEYS)
    assert params["country"] == ["IR", "RU"]  # canonical order
    back, notes = read(params)
    assert back == f and notes == []
    assert Filters().to_query_params() == {}
    assert read({})[0] == Filters()


def test_canonical_equality_for_cache_keys() -> None:
    assert Filters(countries=("RU", "IR", "RU")) == Filters(countries=("IR", "RU"))
    assert hash(Filters(sources=("b", "a"))) == hash(Filters(sources=("a", "b")))


@pytest.mark.parametrize(
    ("params", "expected", "note"),
    [
        ({"from": "2022-02-30"}, Filters(), "start date"),
        ({"from": "yesterday"}, Filters(), "start date"),
        ({"to": "99999-01-01"}, Filters(), "end date"),
        ({"from": "1200"}, Filters(), "start date"),
        ({"country": ["RU", "XX"]}, Filters(countries=("RU",)), "unknown country code 'XX'"),
        ({"source": "Removed Source"}, Filters(), "unknown source"),
        ({"match": "most"}, Filters(), "match="),
        ({"capitals": "maybe"}, Filters(), "capitals="),
        ({"org": "NATO"}, Filters(), "unknown organisation"),
        ({"lang": "fr"}, Filters(), "unknown language"),
        ({"q": "the"}, Filters(), "Text query"),
        ({"q": "x\x00y"}, Filters(), "NUL"),
        ({"country": "RU' OR 1=1 --"}, Filters(), "unknown country code"),
    ],
)
def test_bad_values_fall_back_with_a_note(params, expected, note) -> None:
    f, notes = read(params)
    assert f == expected
    assert any(note in n for n in notes), notes


def test_lenient_but_correct_reading() -> None:
    f, notes = read({"country": ["ru", "IR"], "from": "2018", "to": "2022-02"})
    assert f.countries == ("IR", "RU")
    assert f.date_from == date(2018, 1, 1) and f.date_to == date(2022, 2, 28)
    assert notes == []
    swapped, notes = read({"from": "2022-01-01", "to": "2020-01-01"})
    assert (swapped.date_from, swapped.date_to) == (date(2020, 1, 1), date(2022, 1, 1))
    assert "swapped" in notes[0]
    many, notes = read({"country": ["RU"] * 500})
    assert many.countries == ("RU",) and any("first 50" in n for n in notes)
    huge, notes = read({"q": "iran " * 1000})
    assert len(huge.text) <= 500 and notes


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*FILTER_KEYS, "page", "zzz"]),
        st.one_of(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=5)),
        max_size=8,
    )
)
def test_any_params_give_valid_filters(params) -> None:
    f, notes = read(params)
    assert isinstance(f, Filters) and isinstance(notes, list)
    again, notes2 = read(f.to_query_params())
    assert again == f
    # a kept-but-imperfect text query keeps its note (e.g. "russia)"); nothing else repeats
    assert all(n.startswith("Text query:") for n in notes2)
    sql, values = f.to_sql()
    assert sql.count("?") == len(values)


def test_to_sql_runs_and_binds_everything() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE articles (article_id BIGINT, published_at TIMESTAMP, source VARCHAR, "
        "language VARCHAR, title VARCHAR, text VARCHAR, date_precision VARCHAR DEFAULT 'day')"
    )
    con.execute(
        "CREATE TABLE article_entities (article_id BIGINT, entity_id VARCHAR, kind VARCHAR, "
        "n_named INTEGER, n_capital INTEGER)"
    )
    con.execute("CREATE TABLE article_terms (article_id BIGINT, term_id BIGINT, n INTEGER)")
    con.execute("CREATE TABLE terms (term_id BIGINT, term VARCHAR)")
    con.execute(
        "INSERT INTO articles (article_id, published_at, source, language, title, text) "
        "VALUES (1, '2020-05-01', 'x'' OR 1=1', 'en', 't', 'Iran talks'),"
        "(2, '2020-05-02', 'MFA', 'en', 't', 'b'), (3, NULL, 'MFA', 'en', 't', 'c')"
    )
    con.execute(
        "INSERT INTO article_entities VALUES (1, 'RU', 'country', 0, 1), (2, 'RU', 'country', 1, 0),"
        "(2, 'IR', 'country', 1, 0)"
    )

    def ids(f: Filters) -> list[int]:
        where, params = f.to_sql("a")
        assert "x' OR" not in where and "2020" not in where
        rows = con.execute(f"SELECT a.article_id FROM articles a WHERE {where} ORDER BY 1", params)  # noqa: S608
        return [r[0] for r in rows.fetchall()]

    assert ids(Filters()) == [1, 2, 3]
    assert ids(Filters(sources=("x' OR 1=1",))) == [1]
    assert ids(Filters(date_from=date(2020, 5, 2))) == [2]
    assert ids(Filters(date_to=date(2020, 5, 1))) == [1]  # inclusive, undated excluded
    assert ids(Filters(countries=("RU",))) == [1, 2]
    assert ids(Filters(countries=("RU",), include_capitals=False)) == [2]
    assert ids(Filters(countries=("RU", "IR"), country_match="all")) == [2]
    assert ids(Filters(countries=("RU", "IR"), country_match="all", include_capitals=False)) == [2]
    assert ids(Filters(languages=("zh",))) == []
    with pytest.raises(ValueError):
        Filters().to_sql("a; DROP TABLE x")


def test_describe() -> None:
    f = Filters(
        date_from=date(2018, 1, 1),
        date_to=date(2022, 12, 31),
        sources=("MFA",),
        countries=("RU", "IR"),
        country_match="all",
    )
    assert describe(f, 1204, KNOWN.names) == (
        "1,204 articles · 2018–2022 · source MFA · mentioning Iran and Russia"
    )
    assert describe(Filters(), 1, {}) == "1 article · all articles"
    any_of = describe(Filters(countries=("RU", "CN"), date_from=date(2020, 3, 1)), 5, KNOWN.names)
    assert any_of == "5 articles · from 2020-03-01 · mentioning China or Russia"
    org = describe(Filters(organisations=("org:NATO",), groups=("term:Joint exercises",)), None, {})
    assert org == "mentioning NATO · watch list Joint exercises"
    text = describe(Filters(text="iran", include_capitals=False), 2, {})
    assert text == "2 articles · matching “iran” · capital cities not counted"


def test_param_reader_for_page_options() -> None:
    r = ParamReader(
        {"top": "500", "g": "Month", "m": "weird", "rolling": "3", "x": "1e309", "on": "yes"}
    )
    assert r.get_int("top", 15, lo=2, hi=50) == 15
    assert r.get_choice("g", ("day", "month"), "day") == "month"
    assert r.get_choice("m", ("raw", "pmi"), "raw") == "raw"
    assert r.get_int("rolling", 1, lo=1, hi=12) == 3
    assert r.get_float("x", 0.5, lo=0, hi=1) == 0.5
    assert r.get_bool("on", False) is True
    assert r.get_int("missing", 7, lo=0, hi=9) == 7
    assert len(r.notes) == 3
    assert ParamReader({"e": ["RU", "ZZ"]}).get_choices("e", {"RU"}) == ["RU"]


def test_reads_repeated_keys_from_a_streamlit_like_mapping() -> None:
    class QueryParams(dict):
        """Like st.query_params: .get() gives the last value, .get_all() every value."""

        def __init__(self, pairs: list[tuple[str, str]]) -> None:
            super().__init__()
            self.pairs = pairs
            for k, v in pairs:
                self[k] = v

        def get_all(self, key: str) -> list[str]:
            return [v for k, v in self.pairs if k == key]

    f, notes = read(QueryParams([("country", "RU"), ("country", "IR"), ("match", "all")]))
    assert f.countries == ("IR", "RU") and f.country_match == "all" and notes == []
