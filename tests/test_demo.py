"""The synthetic demo corpus: deterministic, labelled, varied, realistic patterns, streaming."""

from __future__ import annotations

import hashlib
import re
import tracemalloc
from collections import Counter
from datetime import date, datetime
from itertools import islice
from pathlib import Path

import pytest

from presswatch.demo import DEMO_NOTICE, SOURCES, generate_articles
from presswatch.extract.terms import is_indexed_word, tokenize
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article
from presswatch.store import open_store


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    """The default demo corpus (5,000 articles), generated once for the module."""
    return list(generate_articles())


def _norm_hash(text: str) -> str:
    # Stricter than any whitespace/case normalisation the pipeline may apply.
    return hashlib.sha1(re.sub(r"[\W_]+", " ", text.lower()).strip().encode()).hexdigest()


def _share(articles: list[Article], needle: str) -> float:
    return sum(needle in a.text for a in articles) / max(len(articles), 1)


def test_same_seed_same_articles_and_other_seed_differs() -> None:
    first = list(generate_articles(200, seed=7))
    again = list(generate_articles(200, seed=7))
    other = list(generate_articles(200, seed=8))
    assert first == again
    assert sum(a.text != b.text for a, b in zip(first, other, strict=True)) > 190


def test_prefix_stable_whatever_n() -> None:
    assert list(generate_articles(40)) == list(islice(generate_articles(500), 40))


def test_count_and_validation() -> None:
    assert list(generate_articles(0)) == []
    assert sum(1 for _ in generate_articles(123)) == 123
    with pytest.raises(ValueError):
        list(generate_articles(-1))
    with pytest.raises(ValueError):
        list(generate_articles(3, length=0))


def test_default_size_and_span(corpus: list[Article]) -> None:
    assert len(corpus) == 5000
    days = [a.date.value for a in corpus if a.date is not None]
    assert len(days) == 5000
    assert min(days) >= datetime(2015, 1, 1)
    assert max(days) < datetime(2026, 1, 1)
    assert {d.year for d in days} == set(range(2015, 2026))
    assert all(a.date is not None and a.date.precision == "day" for a in corpus)


def test_custom_span() -> None:
    arts = list(generate_articles(300, start=date(2020, 3, 1), end=date(2020, 3, 31)))
    assert {(a.date.value.year, a.date.value.month) for a in arts if a.date} == {(2020, 3)}


def test_texts_are_distinct(corpus: list[Article]) -> None:
    assert len({_norm_hash(a.text) for a in corpus}) == len(corpus)
    assert len({a.url for a in corpus}) == len(corpus)


def test_clearly_labelled_as_synthetic(corpus: list[Article]) -> None:
    assert "synthetic" in DEMO_NOTICE.lower()
    assert all("demo" in s.name.lower() for s in SOURCES)
    assert all(a.origin_file.startswith("demo:") for a in corpus)
    assert all(a.url is not None and ".demo.invalid/" in a.url for a in corpus)
    assert all(a.source is not None and "demo" in a.source.lower() for a in corpus)


def test_many_sources_with_uneven_volume(corpus: list[Article]) -> None:
    counts = Counter(a.source for a in corpus)
    assert len(counts) >= 8
    top, bottom = counts.most_common()[0][1], counts.most_common()[-1][1]
    assert top > 4 * bottom


def test_length_default_and_target(corpus: list[Article]) -> None:
    sizes = [len(a.text) for a in corpus]
    assert 1000 <= sum(sizes) / len(sizes) <= 3000
    assert min(sizes) >= 600
    long = [len(a.text) for a in generate_articles(300, length=6000)]
    assert 5400 <= sum(long) / len(long) <= 6600


def test_no_sentence_repeats_within_an_article(corpus: list[Article]) -> None:
    for a in corpus:
        sentences = [s for s in re.split(r"(?<=\.)\s+", a.text) if s]
        assert len(sentences) == len(set(sentences)), a.title


def test_country_org_and_watch_list_phrases_present(corpus: list[Article]) -> None:
    blob = "\n".join(a.title + "\n" + a.text for a in corpus if a.title)
    for phrase in [
        "China", "Russia", "the United States", "Japan", "India", "Pakistan", "Ukraine",
        "Israel", "Iran", "NATO", "ASEAN", "SCO", "BRICS", "United Nations", "European Union",
        "African Union", "G20", "AUKUS", "joint exercise", "joint military exercise",
        "Peace Mission-", "Joint Sea-", "Maritime Joint-", "arms control", "peacekeeping",
        "sanctions", "community with a shared future", "South China Sea", "Korean Peninsula",
        "Beijing said", "Moscow warned", "Chinese", "Russian", "Kyiv", "the US ", "Britain",
        "the DPRK", "Türkiye", "Sino-", "China-Russia", "US-Japan", "India-Pakistan",
    ]:  # fmt: skip
        assert phrase in blob, phrase
    # Adjective compounds such as "Turkish-American drills".
    assert re.search(r"\b[A-Z][a-z]+-[A-Z][a-z]+ drills\b", blob)
    countries_seen = {
        name
        for name in ["Tonga", "Fiji", "Mali", "Chad", "Niger", "Laos", "Bolivia"]
        if name in blob
    }
    assert len(countries_seen) >= 5  # the long tail is there too


def test_sentences_start_capitalised(corpus: list[Article]) -> None:
    for a in corpus[:2000]:
        assert a.title and a.title[0].isupper(), a.title
        assert not re.search(r"(?:^|\. |\n)(?:the|a|an) ", a.text), a.text[:200]
        assert " a American" not in a.text and " a Indian" not in a.text


def test_popularity_is_long_tailed(corpus: list[Article]) -> None:
    assert _share(corpus, "China") > 0.25
    assert _share(corpus, "the United States") > 0.25
    assert _share(corpus, "Tonga") < 0.03


def test_regional_clusters_co_occur(corpus: list[Article]) -> None:
    def has(a: Article, name: str) -> bool:
        return re.search(rf"\b{name}\b", a.text) is not None

    def both(x: str, y: str) -> float:
        return sum(has(a, x) and has(a, y) for a in corpus) / len(corpus)

    def lift(x: str, y: str) -> float:
        px = sum(has(a, x) for a in corpus) / len(corpus)
        py = sum(has(a, y) for a in corpus) / len(corpus)
        return both(x, y) / (px * py)

    assert lift("India", "Pakistan") > 1.5
    assert lift("Israel", "Iran") > 3
    assert lift("Russia", "Ukraine") > 1.3
    assert lift("Japan", "United States") > 1.2
    # China-Russia is among the three most frequent pairs of the big five.
    big = ["United States", "China", "Russia", "Japan", "India"]
    pairs = sorted(((both(x, y), (x, y)) for i, x in enumerate(big) for y in big[i + 1 :]))
    assert ("China", "Russia") in [p for _, p in pairs[-3:]]


def test_time_trends(corpus: list[Article]) -> None:
    def share(needle: str, years: range) -> float:
        sel = [a for a in corpus if a.date and a.date.value.year in years]
        return _share(sel, needle)

    assert share("Ukraine", range(2022, 2026)) > 2 * share("Ukraine", range(2015, 2022))
    assert share("Ukraine", range(2015, 2022)) > 0  # the conflict predates 2022
    early_aukus = [
        a for a in corpus if a.date and a.date.value < datetime(2021, 9, 1) and "AUKUS" in a.text
    ]
    assert early_aukus == []
    assert share("AUKUS", range(2022, 2026)) > 0.01
    # BRICS summits cluster in the summit month (2023: August).
    aug = [a for a in corpus if a.date and (a.date.value.year, a.date.value.month) == (2023, 8)]
    feb = [a for a in corpus if a.date and (a.date.value.year, a.date.value.month) == (2023, 2)]
    assert _share(aug, "BRICS") > _share(feb, "BRICS")


def test_term_vocabulary_stays_bounded() -> None:
    # Per-article unique tokens (serials, ids) would grow the term index with the corpus.
    vocab: set[str] = set()
    sizes = []
    for k, a in enumerate(generate_articles(8000), start=1):
        vocab.update(t for t in tokenize(a.text) if is_indexed_word(t) and not t.isdigit())
        if k in (2000, 8000):
            sizes.append(len(vocab))
    # Country-pair compounds and exercise names still add a few (bounded) new words.
    assert sizes[1] - sizes[0] < 0.2 * 6000


def test_streams_in_constant_memory() -> None:
    gen = generate_articles(3000)
    assert iter(gen) is gen
    tracemalloc.start()
    try:
        for _ in gen:
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # a materialised list of 3,000 articles is > 6 MB


def test_end_to_end_ingest_of_300_demo_articles(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "demo.duckdb")
    try:
        summary = ingest_articles(
            conn, generate_articles(300), origin="demo", inputs="demo corpus, 300 articles"
        )
        assert summary.articles_seen == 300
        assert summary.articles_added == 300
        assert summary.duplicates == 0 and summary.rejects == [] and summary.undated == 0

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

        assert one("SELECT count(*) FROM articles") == 300
        assert one("SELECT count(DISTINCT source) FROM articles") >= 8
        assert one("SELECT count(*) FROM articles WHERE origin_file NOT LIKE 'demo:%'") == 0
        n_mentions = one("SELECT count(*) FROM mentions")
        assert n_mentions > 300 * 5
        # Every mention is counted once in the per-article entity table, and vice versa.
        assert one("SELECT sum(n_named + n_capital) FROM article_entities") == n_mentions
        assert (
            one(
                "SELECT count(*) FROM (SELECT DISTINCT article_id FROM mentions) m "
                "WHERE article_id NOT IN (SELECT article_id FROM articles)"
            )
            == 0
        )
        # Nearly every demo article names at least one country, and pairs exist.
        with_country = one(
            "SELECT count(DISTINCT article_id) FROM article_entities WHERE kind = 'country'"
        )
        assert with_country >= 295
        assert one("SELECT count(*) FROM country_pairs WHERE scope = 'article'") > 300

        again = ingest_articles(conn, generate_articles(300), origin="demo")
        assert again.articles_added == 0
        assert again.duplicates == 300
        assert one("SELECT count(*) FROM articles") == 300
    finally:
        conn.close()
