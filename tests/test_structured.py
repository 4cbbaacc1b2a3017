"""Record readers: field names, dates, JSON lines, JSON documents, CSV/TSV and Parquet."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from presswatch.ingest.structured import (
    RecordOptions,
    pick_date,
    read_csv,
    read_json,
    read_jsonl,
    read_parquet,
    resolve_fields,
    to_parsed_date,
)
from presswatch.models import Article, ParsedDate, Reject

OPTS = RecordOptions()


def _jsonl(*records: Any) -> io.BytesIO:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def _split(items: list[Article | Reject]) -> tuple[list[Article], list[Reject]]:
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, Reject)],
    )


# --- field resolution ------------------------------------------------------------------


def test_resolve_fields_finds_common_names_case_insensitively() -> None:
    fields = resolve_fields(["Headline", "Body", "pubDate", "Outlet", "Link", "Lang", "Doc-ID"], {})
    assert (fields.title, fields.text, fields.source, fields.url, fields.language) == (
        "Headline",
        "Body",
        "Outlet",
        "Link",
        "Lang",
    )
    assert fields.dates == ("pubDate",)
    assert fields.id == "Doc-ID"


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("heading", "title"),
        ("content", "text"),
        ("article", "text"),
        ("full_text", "text"),
        ("published_at", "date"),
        ("publication_date", "date"),
        ("timestamp", "date"),
        ("sitename", "source"),
        ("publisher", "source"),
        ("site", "source"),
        ("href", "url"),
        ("language", "language"),
    ],
)
def test_each_column_name_variant(column: str, field: str) -> None:
    fields = resolve_fields([column, "other"], {})
    found = fields.dates[0] if field == "date" else getattr(fields, field)
    assert found == column


def test_column_map_overrides_and_reports_missing_columns() -> None:
    fields = resolve_fields(["text", "summary", "when"], {"text": "Summary", "date": "when"})
    assert fields.text == "summary"
    assert fields.dates == ("when",)
    assert resolve_fields(["a"], {"text": "body"}).missing_mapped == ("text=body",)


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-01", ParsedDate(datetime(2021, 6, 1), "day")),
        (1_480_000_000, ParsedDate(datetime(2016, 11, 24, 15, 6, 40), "day", "UTC")),
        (1_480_000_000_000, ParsedDate(datetime(2016, 11, 24, 15, 6, 40), "day", "UTC")),
        ("1480000000", ParsedDate(datetime(2016, 11, 24, 15, 6, 40), "day", "UTC")),
        (2016, ParsedDate(datetime(2016, 1, 1), "year")),
        (date(2019, 12, 27), ParsedDate(datetime(2019, 12, 27), "day")),
        (
            datetime(2022, 3, 7, 17, 49, tzinfo=timezone(timedelta(hours=8))),
            ParsedDate(datetime(2022, 3, 7, 9, 49), "day", "+08:00"),
        ),
        (
            datetime(2022, 3, 7, 9, 49, tzinfo=UTC),
            ParsedDate(datetime(2022, 3, 7, 9, 49), "day", "UTC"),
        ),
        (20210601, ParsedDate(datetime(2021, 6, 1), "day")),
        ("20210601123000", ParsedDate(datetime(2021, 6, 1, 12, 30), "day")),
        (True, None),
        (None, None),
        ("", None),
        ("not a date at all", None),
        (float("nan"), None),
        (99_999_999_999_999_999_999, None),
    ],
)
def test_to_parsed_date(value: Any, expected: ParsedDate | None) -> None:
    assert to_parsed_date(value) == expected


def test_pick_date_prefers_the_most_precise_field() -> None:
    record = {"date": "1987-02-26", "datetime": "1987-02-26T15:01:01"}
    fields = resolve_fields(record.keys(), {})
    assert pick_date(record, fields) == ParsedDate(datetime(1987, 2, 26, 15, 1, 1), "day")


def test_pick_date_falls_back_when_the_precise_field_is_null() -> None:
    record = {"date": "1987-03-02", "datetime": None}
    fields = resolve_fields(record.keys(), {})
    assert pick_date(record, fields) == ParsedDate(datetime(1987, 3, 2), "day")


def test_pick_date_honours_date_precision() -> None:
    record = {"date": "1970-01-01", "date_precision": "year"}
    fields = resolve_fields(record.keys(), {})
    assert pick_date(record, fields) == ParsedDate(datetime(1970, 1, 1), "year")


def test_pick_date_uses_date_raw_only_as_a_fallback() -> None:
    record = {"date": None, "date_raw": "2016-12-14"}
    fields = resolve_fields(record.keys(), {})
    assert pick_date(record, fields) == ParsedDate(datetime(2016, 12, 14), "day")


# --- JSON lines ------------------------------------------------------------------------


def test_jsonl_malformed_line_among_good_ones() -> None:
    stream = _jsonl(
        {"title": "Talks open", "text": "Delegations met in Vienna.", "date": "2020-01-05"},
        '{"title": "Broken", "text": "unterminated',
        {"title": "Talks close", "text": "A communique was issued."},
    )
    articles, rejects = _split(list(read_jsonl(stream, "f.jsonl", OPTS)))
    assert [a.title for a in articles] == ["Talks open", "Talks close"]
    assert [a.origin_record for a in articles] == ["line 1", "line 3"]
    assert articles[0].date == ParsedDate(datetime(2020, 1, 5), "day")
    assert [(r.reason, r.origin_record) for r in rejects] == [("invalid-json", "line 2")]


def test_jsonl_records_with_problems() -> None:
    stream = _jsonl(
        {"text": "   ", "title": None},
        [1, 2],
        {"title": "Headline only, no body", "text": ""},
        {"headline": "Ships arrive", "body": ["First paragraph.", "Second paragraph."]},
        "",
        {
            "text": "Note on the exercise.",
            "source": {"id": "x", "name": "Navy News"},
            "lang": "EN-gb",
        },
    )
    items = list(read_jsonl(stream, "f.jsonl", OPTS))
    assert [(type(i).__name__, i.origin_record) for i in items] == [
        ("Reject", "line 1"),
        ("Reject", "line 2"),
        ("Article", "line 3"),
        ("Article", "line 4"),
        ("Article", "line 6"),
    ]
    assert [i.reason for i in items if isinstance(i, Reject)] == ["empty-text", "invalid-record"]
    articles, _ = _split(items)
    assert articles[0].text == "Headline only, no body"
    assert articles[1].text == "First paragraph.\nSecond paragraph."
    assert (articles[2].source, articles[2].language) == ("Navy News", "en")


def test_jsonl_nan_fields_are_missing() -> None:
    stream = io.BytesIO(b'{"title": NaN, "text": "Body.", "url": NaN}\n')
    (article,) = read_jsonl(stream, "f.jsonl", OPTS)
    assert isinstance(article, Article) and (article.title, article.url) == (None, None)


def test_jsonl_source_option_overrides_and_id_is_kept() -> None:
    stream = _jsonl({"id": "a-1", "text": "Body.", "source": "Wire"})
    (article,) = read_jsonl(stream, "f.jsonl", RecordOptions(source="My Feed"))
    assert isinstance(article, Article)
    assert article.source == "My Feed"
    assert article.origin_record == "line 1 (id a-1)"


def test_jsonl_without_any_text_field_gives_one_reject() -> None:
    stream = _jsonl(*({"headline": f"H {n}", "summary": "s"} for n in range(250)))
    items = list(read_jsonl(stream, "f.jsonl", OPTS))
    assert len(items) == 1
    assert isinstance(items[0], Reject)
    assert items[0].reason == "missing-text-column"
    assert "'summary'" in items[0].detail and "--map text=" in items[0].detail


def test_jsonl_records_without_text_before_good_ones_are_rejected_each() -> None:
    stream = _jsonl({"title": "Stub"}, {"title": "Full", "text": "Body text."})
    items = list(read_jsonl(stream, "f.jsonl", OPTS))
    assert [type(i).__name__ for i in items] == ["Reject", "Article"]
    assert isinstance(items[0], Reject) and items[0].reason == "empty-text"


def test_jsonl_limits() -> None:
    stream = _jsonl({"text": "x" * 50}, {"text": "short"}, {"text": "y" * 5000})
    options = RecordOptions(max_text_chars=40, max_record_bytes=1000)
    items = list(read_jsonl(stream, "f.jsonl", options))
    assert [(type(i).__name__, getattr(i, "reason", None)) for i in items] == [
        ("Reject", "text-too-long"),
        ("Article", None),
        ("Reject", "record-too-large"),
    ]


def test_jsonl_utf16_with_bom_and_invalid_utf8_line() -> None:
    text = json.dumps({"text": "Réunion à Genève."}, ensure_ascii=False) + "\n"
    (article,) = read_jsonl(io.BytesIO(text.encode("utf-16")), "f.jsonl", OPTS)
    assert isinstance(article, Article) and article.text == "Réunion à Genève."
    latin = '{"text": "Caf\xe9 talks"}\n'.encode("latin-1")
    (article,) = read_jsonl(io.BytesIO(latin), "f.jsonl", OPTS)
    assert isinstance(article, Article) and article.text == "Café talks"
    russian = "Министерство обороны провело совместные учения с соседними странами."
    legacy = (json.dumps({"text": russian}, ensure_ascii=False) + "\n").encode("cp1251") * 3
    articles = list(read_jsonl(io.BytesIO(legacy), "f.jsonl", OPTS))
    assert [a.text for a in articles if isinstance(a, Article)] == [russian] * 3


# --- JSON documents --------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        [{"title": "One", "text": "First."}, {"title": "Two", "text": "Second."}],
        {"articles": [{"title": "One", "text": "First."}, {"title": "Two", "text": "Second."}]},
        {
            "meta": {"n": 2},
            "Items": [{"title": "One", "text": "First."}, {"title": "Two", "text": "Second."}],
        },
        {
            "status": "ok",
            "payload": [{"title": "One", "text": "First."}, {"title": "Two", "text": "Second."}],
        },
    ],
    ids=["array", "articles-key", "items-key", "single-list"],
)
def test_json_document_shapes(document: Any) -> None:
    items = list(read_json(json.dumps(document).encode(), "f.json", OPTS))
    assert [(i.title, i.origin_record) for i in items if isinstance(i, Article)] == [
        ("One", "record 1"),
        ("Two", "record 2"),
    ]


def test_json_single_object_is_one_article() -> None:
    (item,) = read_json(b'{"headline": "Alone", "content": "Only text."}', "f.json", OPTS)
    assert isinstance(item, Article) and item.title == "Alone"


def test_json_lines_saved_as_json() -> None:
    data = b'{"text": "First."}\n{"text": "Second."}\n'
    assert len([i for i in read_json(data, "f.json", OPTS) if isinstance(i, Article)]) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'[{"text": "a"}, {"text": ]', "invalid-json"),
        (b'"just a string"', "unrecognised-json"),
        (b"   ", "empty-file"),
    ],
)
def test_json_bad_documents(data: bytes, reason: str) -> None:
    (item,) = read_json(data, "f.json", OPTS)
    assert isinstance(item, Reject) and item.reason == reason


def test_json_invalid_gives_line_and_column() -> None:
    (item,) = read_json(b'[\n{"text": "a"},\n{"text": }\n]', "f.json", OPTS)
    assert isinstance(item, Reject) and "line 3" in item.detail


# --- CSV / TSV -------------------------------------------------------------------------


def _csv(text: str, encoding: str = "utf-8", **kw: Any) -> list[Article | Reject]:
    return list(read_csv(io.BytesIO(text.encode(encoding)), "f.csv", OPTS, **kw))


def test_csv_happy_path_with_quoted_multiline_cells() -> None:
    items = _csv(
        "Headline,Body,Published,Outlet,Link\n"
        'Talks open,"Delegations met.\nThey agreed, broadly.",2021-06-01,Wire,https://e.org/1\n'
        "Talks close,A communique was issued.,2021-06-02,Wire,https://e.org/2\n"
    )
    articles, rejects = _split(items)
    assert not rejects
    assert articles[0].text == "Delegations met.\nThey agreed, broadly."
    assert articles[0].date == ParsedDate(datetime(2021, 6, 1), "day")
    assert (articles[1].source, articles[1].url, articles[1].origin_record) == (
        "Wire",
        "https://e.org/2",
        "row 3",
    )


def test_csv_missing_text_column_is_one_reject_naming_columns() -> None:
    (item,) = _csv("headline,summary,date\nA,b,2020-01-01\nC,d,2020-01-02\n")
    assert isinstance(item, Reject)
    assert item.reason == "missing-text-column"
    assert "'summary'" in item.detail and "--map text=" in item.detail


def test_csv_column_map() -> None:
    opts = RecordOptions(column_map={"text": "summary", "date": "when"})
    data = b"headline,summary,when\nA,The summary text.,2020-01-05\n"
    (item,) = read_csv(io.BytesIO(data), "f.csv", opts)
    assert isinstance(item, Article)
    assert (item.title, item.text, item.date) == (
        "A",
        "The summary text.",
        ParsedDate(datetime(2020, 1, 5), "day"),
    )
    (bad,) = read_csv(io.BytesIO(data), "f.csv", RecordOptions(column_map={"text": "nope"}))
    assert isinstance(bad, Reject) and bad.reason == "missing-mapped-column"


def test_csv_semicolons_bom_cp1252_and_empty_rows() -> None:
    text = "\ufefftitle;text;url\nCafé;Réunion à Genève.;\n;;\n;  ;https://e.org/x\n"
    for encoding in ("utf-8", "cp1252"):
        data = text.encode(encoding) if encoding == "utf-8" else text[1:].encode(encoding)
        items = list(read_csv(io.BytesIO(data), "f.csv", OPTS))
        articles, rejects = _split(items)
        assert [(a.title, a.text) for a in articles] == [("Café", "Réunion à Genève.")]
        assert [(r.reason, r.origin_record) for r in rejects] == [("empty-text", "row 4")]


def test_csv_cell_bigger_than_csv_default_limit() -> None:
    body = "word " * 60_000  # 300 KB, over the csv module's 128 KiB default
    (item,) = _csv(f'title,text\nLong,"{body}"\n')
    assert isinstance(item, Article) and len(item.text) == len(body.strip())


def test_tsv() -> None:
    items = list(
        read_csv(
            io.BytesIO(b"title\tcontent\nA, with comma\tText one.\n"), "f.tsv", OPTS, delimiter="\t"
        )
    )
    assert [(i.title, i.text) for i in items if isinstance(i, Article)] == [
        ("A, with comma", "Text one.")
    ]


# --- Parquet ---------------------------------------------------------------------------


def _parquet(table: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=3)
    buffer.seek(0)
    return buffer


def test_parquet_typed_dates_and_batches() -> None:
    n = 5000
    table = pa.table(
        {
            "Headline": [f"Item {i}" if i % 1000 else None for i in range(n)],
            "body": [f"Text of item {i}." if i % 1000 else "" for i in range(n)],
            "published_at": pa.array(
                [datetime(2021, 1, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(n)],
                type=pa.timestamp("us", tz="UTC"),
            ),
            "date": pa.array([date(2000, 1, 1)] * n, type=pa.date32()),
            "extra": list(range(n)),
        }
    )
    items = list(read_parquet(_parquet(table), "f.parquet", OPTS))
    articles, rejects = _split(items)
    assert len(articles) == n - 5
    assert [r.origin_record for r in rejects][:2] == ["row 1", "row 1001"]
    assert articles[0].date == ParsedDate(datetime(2021, 1, 2, 12), "day", "UTC")
    assert articles[0].title == "Item 1"


def test_parquet_date_column_and_missing_text() -> None:
    table = pa.table({"text": ["Body."], "day": pa.array([date(2019, 5, 4)], type=pa.date32())})
    (item,) = read_parquet(_parquet(table), "f.parquet", RecordOptions(column_map={"date": "day"}))
    assert isinstance(item, Article) and item.date == ParsedDate(datetime(2019, 5, 4), "day")
    (bad,) = read_parquet(_parquet(pa.table({"summary": ["x"]})), "f.parquet", OPTS)
    assert isinstance(bad, Reject) and bad.reason == "missing-text-column"


def test_parquet_garbage() -> None:
    (bad,) = read_parquet(io.BytesIO(b"PAR1 this is not parquet"), "f.parquet", OPTS)
    assert isinstance(bad, Reject) and bad.reason == "invalid-parquet"


def test_a_deeply_nested_line_is_one_reject_and_the_rest_loads() -> None:
    stream = io.BytesIO(
        b'{"text": "first"}\n' + b"[" * 200_000 + b'\n{"text": "after the bad line"}\n'
    )
    articles, rejects = _split(list(read_jsonl(stream, "f.jsonl", OPTS)))
    assert [a.text for a in articles] == ["first", "after the bad line"]
    assert [(r.reason, r.origin_record) for r in rejects] == [("invalid-json", "line 2")]
    assert "nested too deeply" in rejects[0].detail


def test_a_deeply_nested_json_document_is_a_reject() -> None:
    (reject,) = read_json(b"[" * 200_000, "f.json", OPTS)
    assert isinstance(reject, Reject)
    assert (reject.reason, reject.detail) == (
        "invalid-json",
        "the JSON is nested too deeply to read",
    )


def test_lone_surrogates_become_replacement_characters() -> None:
    line = b'{"title": "A \\ud800", "text": "B \\udc00 C", "source": "\\udfffWire"}\n'
    (article,) = read_jsonl(io.BytesIO(line), "f.jsonl", OPTS)
    assert isinstance(article, Article)
    assert (article.title, article.text, article.source) == ("A \ufffd", "B \ufffd C", "\ufffdWire")
    # A proper pair is one character and is kept as it is.
    (paired,) = read_jsonl(io.BytesIO(b'{"text": "x \\ud83d\\ude00"}\n'), "f.jsonl", OPTS)
    assert isinstance(paired, Article)
    assert paired.text == "x \U0001f600"


def test_a_record_whose_value_breaks_conversion_is_one_reject() -> None:
    # A 401-digit integer date overflows the epoch conversion; the next line still loads.
    huge = "1" + "0" * 400
    stream = io.BytesIO(
        f'{{"text": "before"}}\n{{"text": "odd", "date": {huge}}}\n{{"text": "after"}}\n'.encode()
    )
    articles, rejects = _split(list(read_jsonl(stream, "f.jsonl", OPTS)))
    assert [a.text for a in articles] == ["before", "after"]
    assert [(r.reason, r.origin_record) for r in rejects] == [("invalid-record", "line 2")]
    assert rejects[0].detail.startswith("the record cannot be read: OverflowError: ")
