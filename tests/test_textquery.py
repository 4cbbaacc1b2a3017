"""Text query parser: grammar, garbage handling and SQL compilation (values bound)."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.extract.terms import term_id
from presswatch.textquery import (
    And,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    like_escape,
    parse,
    phrase_regex,
    to_sql,
    to_text,
    word_regex,
)


def node(q: str):
    return parse(q).node


def test_words_and_implicit_and() -> None:
    assert node("russia") == Word("russia")
    assert node("Russia China") == And((Word("russia"), Word("china")))
    assert node("russia AND china") == node("russia china")
    assert node("China's") == Word("china")  # same tokeniser as the index


def test_or_binds_looser_than_and() -> None:
    assert node("a1 b1 OR c1") == Or((And((Word("a1"), Word("b1"))), Word("c1")))
    assert node("a1 (b1 OR c1)") == And((Word("a1"), Or((Word("b1"), Word("c1")))))
    assert node("x1 or y1") == Or((Word("x1"), Word("y1")))  # operators in any case


def test_not_and_minus() -> None:
    assert node("russia -iran") == And((Word("russia"), Not(Word("iran"))))
    assert node("russia NOT iran") == node("russia -iran")
    assert node('-"joint exercise" navy') == And((Not(Phrase(("joint", "exercise"))), Word("navy")))
    assert node("NOT NOT iran") == Word("iran")
    assert "only NOT" in " ".join(parse("-iran").notes)


def test_phrases_and_wildcards() -> None:
    assert node('"Community with a shared future"') == Phrase(
        ("community", "with", "a", "shared", "future")
    )
    assert node("exerc*") == Prefix("exerc")
    assert node('"joint exer*"') == Phrase(("joint", "exer*"))
    assert node("anti-China") == Word("anti-china")


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ('"unclosed', "unclosed quote"),
        ("(russia OR iran", "unclosed '('"),
        ("russia)", "unmatched ')'"),
        ("russia OR", "OR without"),
        ("AND russia", "AND without"),
        ("russia NOT", "NOT without"),
        ("x*", "wildcard needs"),
        ("the", "too common"),
        ('""', "empty quoted"),
        ("%%%", "no letters"),
    ],
)
def test_garbage_gives_notes_not_exceptions(query: str, fragment: str) -> None:
    parsed = parse(query)
    assert any(fragment in n for n in parsed.notes), parsed.notes


def test_nothing_usable_means_no_filter() -> None:
    for q in ("", "   ", "the and of", "((((", "*", "-", "NOT", '"'):
        parsed = parse(q)
        assert parsed.node is None
    assert parse("the").notes[-1].startswith("The text query has no searchable words")


def test_limits() -> None:
    long = parse("iran " * 200)
    assert any("cut to" in n for n in long.notes)
    many = parse(" ".join(f"w{i}x" for i in range(40)))
    assert isinstance(many.node, And) and len(many.node.children) == 20
    deep = parse("(" * 2000 + "iran" + ")" * 2000)
    assert deep.node in (Word("iran"), None)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parse_never_raises_and_round_trips(q: str) -> None:
    parsed = parse(q)
    if parsed.node is not None:
        again = parse(to_text(parsed.node))
        assert again.node == parsed.node
        sql, params = to_sql(parsed.node)
        assert sql.count("?") == len(params)


def test_sql_binds_every_value() -> None:
    hostile = "x'); DROP TABLE articles; -- y%_"
    sql, params = to_sql(Or((Word("iran"), Prefix("ab%_'"), Phrase(("o'neil", hostile)))))
    assert "DROP" not in sql and "o'neil" not in sql and "ab%" not in sql
    assert term_id("iran") in params
    assert like_escape("ab%_'") + "%" in params
    with pytest.raises(ValueError):
        to_sql(Word("iran"), alias="a; DROP")


def test_like_escape() -> None:
    assert like_escape("50%_a\\b") == "50\\%\\_a\\\\b"
    con = duckdb.connect()
    rows = con.execute(
        "SELECT s FROM (VALUES ('50%x'), ('50ax')) t(s) WHERE s LIKE ? ESCAPE '\\'",
        [like_escape("50%") + "%"],
    ).fetchall()
    assert rows == [("50%x",)]


@pytest.mark.parametrize(
    ("tokens", "text", "hit"),
    [
        (("joint", "exercise"), "a Joint\n  Exercise began", True),
        (("joint", "exercise"), "jointexercise", False),
        (("joint", "exercise"), "joint exercises", False),
        (("joint", "exer*"), "joint exercises", True),
        (("china", "navy"), "China's navy", True),
        (("o'neil", "said"), "O’Neil said", True),
        (("a.b", "c"), "axb c", False),  # the dot is literal
        (("москва", "пекин"), "Москва, Пекин", True),
    ],
)
def test_phrase_regex_in_python_and_duckdb(tokens, text, hit) -> None:
    pattern = phrase_regex(tokens)
    assert bool(re.search(pattern, text)) is hit
    con = duckdb.connect()
    assert con.execute("SELECT regexp_matches(?, ?)", [text, pattern]).fetchall()[0][0] is hit


def test_word_regex_for_highlighting() -> None:
    pattern = word_regex(node('"joint exercise" OR drill* -navy iran'))
    assert pattern is not None
    rx = re.compile(pattern)
    found = [m.group(0) for m in rx.finditer("Iran: drills and a joint exercise; navy.")]
    assert found == ["Iran", "drills", "joint exercise"]
    assert word_regex(None) is None


# --- query hits against the stored texts (real pipeline) -----------------------------------

# Plain words, none a stopword or a listed phrase; "o'neil" keeps its apostrophe inside.
_VOCAB = ("russia", "china", "civil", "military", "militia", "states", "o'neil", "navy")
# What may join two words: spaces, punctuation, a hyphen (a compound), possessives, quotes.
_SEPS = (" ", "-", ", ", ". ", "'s ", "s' ", " '", "' ", '"', "\n", " -- ", "'s-")
_START = r"(?<![^\W_])(?<![^\W_]')"  # no letter (or letter + apostrophe) just before
_END = r"(?![^\W_]|'(?!s\b)[^\W_])"  # no letter after, nor an apostrophe going on in the word


def _casing(word: str, flips: list[bool]) -> str:
    return "".join(
        c.upper() if f else c for c, f in zip(word, flips + [False] * len(word), strict=False)
    )


@st.composite
def _texts(draw: st.DrawFn) -> list[str]:
    texts = []
    for _ in range(draw(st.integers(1, 6))):
        n = draw(st.integers(1, 8))
        words = [
            _casing(draw(st.sampled_from(_VOCAB)), draw(st.lists(st.booleans(), max_size=9)))
            for _ in range(n)
        ]
        seps = [draw(st.sampled_from(_SEPS)) for _ in range(n - 1)]
        texts.append("".join(w + s for w, s in zip(words, [*seps, ""], strict=True)))
    return texts


def _reference(query: str) -> re.Pattern[str]:
    """The meaning of a query, written against the text: a hyphen ends a word."""
    if query.endswith("*"):
        return re.compile(_START + re.escape(query[:-1]), re.I)
    if query.startswith('"'):
        a, b = query.strip('"').split(" ")
        return re.compile(_START + re.escape(a) + _END + r"(?:'s)?\W+" + re.escape(b) + _END, re.I)
    return re.compile(_START + re.escape(query) + _END, re.I)


_QUERIES = st.one_of(
    st.sampled_from(_VOCAB),
    st.sampled_from(("mil", "milit", "civ", "rus", "o'n", "stat")).map(lambda p: p + "*"),
    st.tuples(st.sampled_from(_VOCAB), st.sampled_from(_VOCAB)).map(lambda t: f'"{t[0]} {t[1]}"'),
)


@settings(max_examples=60, deadline=None)
@given(texts=_texts(), query=_QUERIES)
def test_query_hits_equal_a_reference_regex_over_the_texts(texts: list[str], query: str) -> None:
    import tempfile
    from pathlib import Path

    from presswatch.filters import Filters
    from presswatch.ingest.pipeline import ingest_articles
    from presswatch.models import Article
    from presswatch.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        conn = open_store(Path(tmp) / "t.duckdb")
        try:
            arts = [
                Article(text=t, title=None, source="s", origin_file=f"f{i}", language="en")
                for i, t in enumerate(texts)
            ]
            ingest_articles(conn, arts, workers=1)
            where, params = Filters(text=query).to_sql("a")
            rows = conn.execute(
                f"SELECT a.text FROM articles a WHERE {where}",  # noqa: S608
                params,
            ).fetchall()
            stored = [r[0] for r in conn.execute("SELECT text FROM articles").fetchall()]
        finally:
            conn.close()
    rx = _reference(query)
    assert sorted(r[0] for r in rows) == sorted(t for t in stored if rx.search(t))
