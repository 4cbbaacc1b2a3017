"""The pure row builders: analysed articles -> Arrow tables shaped like the store's tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from presswatch.derive import fingerprint
from presswatch.extract.terms import term_id
from presswatch.ingest.rows import (
    AnalysedArticle,
    Batch,
    analysis_reject,
    build_batch,
    merge_batches,
)
from presswatch.models import Article, Mention, ParsedDate, Reject

TRADE = "Kenya and Ghana signed a trade deal. Nairobi welcomed the trade news."
TALKS = "Peru and Chile opened border talks."


def _mention(text: str, surface: str, entity: str, kind: str, sentence: int) -> Mention:
    start = text.index(surface)
    signal = "capital" if kind == "capital" else "name"
    return Mention(entity, kind, signal, start, start + len(surface), sentence, surface)  # type: ignore[arg-type]


def _trade(date: ParsedDate | None = None) -> AnalysedArticle:
    mentions = [
        _mention(TRADE, "Kenya", "KE", "country", 1),
        _mention(TRADE, "Ghana", "GH", "country", 1),
        _mention(TRADE, "Nairobi", "KE", "capital", 2),
    ]
    article = Article(
        text=TRADE, origin_file="trade.txt", title="Trade", date=date, source="Wire", url="u"
    )
    return AnalysedArticle(article, fingerprint(TRADE), mentions, {"trade": 2, "deal": 1})


def _talks() -> AnalysedArticle:
    # Named in the text in the order Peru, Chile: the pair is still stored as (CL, PE).
    mentions = [
        _mention(TALKS, "Peru", "PE", "country", 1),
        _mention(TALKS, "Chile", "CL", "country", 1),
    ]
    article = Article(text=TALKS, origin_file="talks.txt", origin_record="line 3")
    return AnalysedArticle(article, fingerprint(TALKS), mentions, {"border": 1, "trade": 1})


def _rows(table: pa.Table, *columns: str) -> list[tuple[object, ...]]:
    return list(zip(*(table.column(c).to_pylist() for c in columns), strict=True))


def test_article_rows_have_the_store_columns_and_types() -> None:
    day = ParsedDate(datetime(2022, 5, 17, 9, 30), "day", "+03:00")
    batch = build_batch([_trade(day)], [])
    articles = batch.tables["articles"]
    assert articles.column_names == [
        "article_id",
        "text_hash",
        "url",
        "title",
        "published_at",
        "date_precision",
        "published_tz",
        "source",
        "language",
        "text",
        "word_count",
        "origin_file",
        "origin_record",
        "run_id",
        "ingested_at",
        "country_sentences",
        "country_sentences_named",
    ]
    types = {f.name: f.type for f in articles.schema}
    assert types["article_id"] == pa.int64()
    assert types["published_at"] == pa.timestamp("us")
    assert types["word_count"] == pa.int32()
    row = articles.to_pylist()[0]
    fp = fingerprint(TRADE)
    assert (row["article_id"], row["text_hash"], row["word_count"]) == (
        fp.article_id,
        fp.text_hash,
        fp.word_count,
    )
    assert (row["published_at"], row["date_precision"], row["published_tz"]) == (
        datetime(2022, 5, 17, 9, 30),
        "day",
        "+03:00",
    )
    assert row["run_id"] == 0  # filled in when the batch is written
    # Sentence 1 names two countries, sentence 2 only a capital.
    assert (row["country_sentences"], row["country_sentences_named"]) == (2, 1)
    assert batch.undated == 0 and batch.articles_seen == 1


def test_mention_and_entity_rows_count_capitals_apart() -> None:
    batch = build_batch([_trade()], [])
    mentions = batch.tables["mentions"]
    assert mentions.num_rows == 3
    assert mentions.schema.field("start_pos").type == pa.int32()
    assert _rows(mentions, "entity_id", "kind", "start_pos", "end_pos", "sentence", "field") == [
        ("KE", "country", 0, 5, 1, "text"),
        ("GH", "country", 10, 15, 1, "text"),
        ("KE", "capital", 37, 44, 2, "text"),
    ]
    entities = batch.tables["article_entities"]
    cols = ("entity_id", "kind", "n_named", "n_capital", "n_sentences", "n_sentences_named")
    assert _rows(entities, *cols) == [
        ("GH", "country", 1, 0, 1, 1),
        ("KE", "country", 1, 1, 2, 1),
    ]
    assert entities.schema.field("n_capital").type == pa.int32()


def test_pairs_are_ordered_and_scoped() -> None:
    batch = build_batch([_trade(), _talks()], [])
    pairs = batch.tables["country_pairs"]
    trade_id, talks_id = fingerprint(TRADE).article_id, fingerprint(TALKS).article_id
    assert sorted(_rows(pairs, "article_id", "scope", "a", "b", "n", "n_named")) == sorted(
        [
            (trade_id, "article", "GH", "KE", 1, 1),
            (trade_id, "sentence", "GH", "KE", 1, 1),
            (talks_id, "article", "CL", "PE", 1, 1),
            (talks_id, "sentence", "CL", "PE", 1, 1),
        ]
    )
    assert all(str(a) < str(b) for a, b in _rows(pairs, "a", "b"))


def test_term_rows_share_one_id_per_term() -> None:
    batch = build_batch([_trade(), _talks()], [])
    article_terms = batch.tables["article_terms"]
    assert article_terms.schema.field("term_id").type == pa.int64()
    assert article_terms.schema.field("n").type == pa.int32()
    trade_id, talks_id = fingerprint(TRADE).article_id, fingerprint(TALKS).article_id
    assert sorted(_rows(article_terms, "article_id", "term_id", "n")) == sorted(
        [
            (trade_id, term_id("trade"), 2),
            (trade_id, term_id("deal"), 1),
            (talks_id, term_id("border"), 1),
            (talks_id, term_id("trade"), 1),
        ]
    )
    terms = batch.tables["terms"]
    assert sorted(_rows(terms, "term", "term_id")) == sorted(
        (t, term_id(t)) for t in ("trade", "deal", "border")
    )


def test_repeats_and_known_articles_add_no_rows_but_count_as_seen() -> None:
    known = AnalysedArticle(_talks().article, fingerprint(TALKS), [], {}, known=True)
    batch = build_batch([_trade(), _trade(), known], [], articles_seen=5)
    assert batch.tables["articles"].num_rows == 1
    assert batch.tables["mentions"].num_rows == 3
    assert batch.undated == 1  # the one stored copy has no date
    assert batch.articles_seen == 5


def test_rejects_become_rows() -> None:
    reject = Reject("broken.json", "invalid-json", "line 4 is not JSON", "line 4")
    batch = build_batch([], [reject], files_read=2)
    rows = batch.tables["rejects"].to_pylist()
    assert [(r["run_id"], r["origin_file"], r["origin_record"], r["reason"]) for r in rows] == [
        (0, "broken.json", "line 4", "invalid-json")
    ]
    assert batch.rejects == [reject]
    assert batch.files_read == 2
    assert batch.tables["articles"].num_rows == 0


def test_merge_keeps_the_first_copy_of_each_article() -> None:
    first = build_batch([_trade(), _talks()], [])
    second = build_batch([_talks()], [Reject("x.txt", "empty-file", "empty")])
    merged = merge_batches([first, second], files_read=3, articles_seen=3)
    assert merged.tables["articles"].num_rows == 2
    assert merged.tables["mentions"].num_rows == 5
    assert merged.tables["rejects"].num_rows == 1
    assert (merged.undated, merged.files_read, merged.articles_seen) == (2, 3, 3)


def test_a_saved_batch_loads_the_same_rows(tmp_path: Path) -> None:
    batch = build_batch([_trade(), _talks()], [Reject("x.txt", "empty-file", "empty")])
    batch.save(tmp_path / "b")
    loaded = Batch.load(tmp_path / "b")
    assert set(loaded.tables) == set(batch.tables)
    for name, table in batch.tables.items():
        assert loaded.tables[name].equals(table), name
    assert (loaded.undated, loaded.articles_seen) == (batch.undated, batch.articles_seen)


def test_analysis_reject_names_the_file_not_the_server_path() -> None:
    article = Article(text="x", origin_file="a.txt", origin_record="row 2")
    reject = analysis_reject(article, ValueError("no model at /srv/app/models/m.bin"))
    assert (reject.origin_file, reject.origin_record, reject.reason) == (
        "a.txt",
        "row 2",
        "analysis-failed",
    )
    assert reject.detail == "analysis failed: ValueError: no model at m.bin"
