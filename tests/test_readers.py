"""The dispatcher: walking inputs, the bad-input catalogue, uploads, and the real corpora."""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presswatch.ingest.pipeline import ingest_paths
from presswatch.ingest.readers import (
    SUPPORTED_SUFFIXES,
    ReadOptions,
    file_kind,
    iter_input_files,
    parse_column_map,
    read_file,
    read_upload,
)
from presswatch.models import Article, ParsedDate, Reject
from presswatch.store import open_store

STORY = (
    "Naval chiefs meet in Lisbon\n\n"
    "LISBON, March 3, 2021 - Naval chiefs from nine countries met in Lisbon on Wednesday "
    "to discuss maritime security in the Atlantic.\n\n"
    "The meeting ended with a joint statement on search and rescue cooperation.\n"
)


def _records(n: int) -> bytes:
    lines = (
        json.dumps({"title": f"Bulletin {i}", "text": f"Bulletin number {i} on port visits."})
        for i in range(n)
    )
    return ("\n".join(lines) + "\n").encode()


def _read(path: Path, **kw: object) -> list[Article | Reject]:
    return list(read_file(path, ReadOptions(**kw)))  # type: ignore[arg-type]


def _one(path: Path) -> Article | Reject:
    items = _read(path)
    assert len(items) == 1, items
    return items[0]


def _reason(path: Path) -> str:
    item = _one(path)
    assert isinstance(item, Reject), item
    return item.reason


# --- inputs and options ----------------------------------------------------------------


def test_iter_input_files_walks_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "b/a.jsonl", "b/.hidden.txt", "b/.git/config.txt", "a.csv", "c/d/e.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    missing = tmp_path / "nope.txt"
    found = list(iter_input_files([tmp_path, missing, tmp_path / "b" / ".hidden.txt"]))
    assert found[:-2] == [
        tmp_path / "a.csv",
        tmp_path / "b" / "a.jsonl",
        tmp_path / "b" / "z.txt",
        tmp_path / "c" / "d" / "e.md",
    ]
    assert found[-2] == Reject(str(missing), "not-found", "no such file or folder")
    assert found[-1] == tmp_path / "b" / ".hidden.txt"  # named explicitly: read


def test_parse_column_map() -> None:
    assert parse_column_map(["title=headline", " Text = story body "]) == {
        "title": "headline",
        "text": "story body",
    }
    for bad, message in [
        ("title", "expected FIELD=COLUMN"),
        ("=x", "expected FIELD=COLUMN"),
        ("author=by", "unknown field 'author'"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_column_map([bad])
    with pytest.raises(ValueError, match="two columns"):
        parse_column_map(["text=a", "text=b"])


def test_file_kind() -> None:
    assert file_kind("A.JSONL.GZ") == ("jsonl", True)
    assert file_kind("x.json.gz") == ("json", True)
    assert file_kind("page.htm") == ("html", False)
    assert file_kind("notes.gz") is None
    assert {".jsonl.gz", ".zip", ".parquet", ".md", ".tsv"} <= SUPPORTED_SUFFIXES


# --- the bad-input catalogue -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.md", b"  \n\n\t "),
        ("empty.jsonl", b""),
        ("blank.jsonl", b"\n\n"),
    ],
)
def test_empty_files(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    assert _reason(tmp_path / name) == "empty-file"


@pytest.mark.parametrize("name", ["photo.txt", "photo.html", "photo.jsonl", "photo.csv"])
def test_binary_file_with_text_extension(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    assert _reason(tmp_path / name) == "binary-file"


def test_invalid_utf8_is_decoded_as_cp1252(tmp_path: Path) -> None:
    text = STORY.replace("Lisbon", "Lisboa café") + "The admiral’s “remarks” – brief.\n"
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    item = _one(tmp_path / "legacy.txt")
    assert isinstance(item, Article)
    assert "Lisboa café" in item.text and "The admiral’s “remarks” – brief." in item.text


def test_wrong_declared_charset_in_html(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='iso-8859-1'><title>Talks in Zürich</title></head><body>"
        "<article><h1>Talks in Zürich</h1>"
        + "<p>The delegations met in Zürich and Malmö to discuss the naval agreement.</p>" * 6
        + "</article></body></html>"
    )
    (tmp_path / "page.html").write_bytes(page.encode("utf-8"))
    item = _one(tmp_path / "page.html")
    assert isinstance(item, Article)
    assert "Zürich and Malmö" in item.text and "Ã" not in item.text


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"),
        codecs.BOM_UTF8 + STORY.encode("utf-8"),
        STORY.encode("utf-8").replace(b" ", b" \x00", 5),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf8-bom", "nul-bytes"],
)
def test_boms_and_nul_bytes(tmp_path: Path, encoded: bytes) -> None:
    (tmp_path / "story.txt").write_bytes(encoded)
    item = _one(tmp_path / "story.txt")
    assert isinstance(item, Article)
    assert item.title == "Naval chiefs meet in Lisbon"
    assert "\x00" not in item.text and "\ufeff" not in item.text
    assert "maritime security in the Atlantic" in item.text


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path: Path) -> None:
    data = gzip.compress(_records(2000))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: int(len(data) * 0.6)])
    items = _read(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert 0 < len(articles) < 2000
    assert articles[0].title == "Bulletin 0"
    last = items[-1]
    assert isinstance(last, Reject) and last.reason == "truncated-gzip"
    assert f"{len(articles):,} articles read before that point were kept" in last.detail
    assert sum(isinstance(i, Reject) for i in items) == 1


def test_not_gzip_data_with_gz_name(tmp_path: Path) -> None:
    (tmp_path / "fake.jsonl.gz").write_bytes(_records(3))
    assert _reason(tmp_path / "fake.jsonl.gz") == "corrupt-gzip"


def test_malformed_json_line_among_good_ones(tmp_path: Path) -> None:
    good = _records(3).splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([good[0], b'{"text": "oops",', good[1], b"]", good[2]]) + b"\n")
    items = _read(path)
    assert [(type(i).__name__, i.origin_record) for i in items] == [
        ("Article", "line 1"),
        ("Reject", "line 2"),
        ("Article", "line 3"),
        ("Reject", "line 4"),
        ("Article", "line 5"),
    ]
    assert {i.reason for i in items if isinstance(i, Reject)} == {"invalid-json"}


def test_csv_with_missing_text_column(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text("headline,author,date\nTalks,A. Writer,2020-01-01\n")
    item = _one(tmp_path / "meta.csv")
    assert isinstance(item, Reject) and item.reason == "missing-text-column"
    assert "'author'" in item.detail and "--map text=" in item.detail
    fixed = _read(tmp_path / "meta.csv", column_map={"text": "headline"})
    assert [type(i).__name__ for i in fixed] == ["Article"]


def test_enormous_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_FILE_MB", "1")
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: reading it would show NUL bytes, not a size
    item = _one(path)
    assert isinstance(item, Reject) and item.reason == "too-large"
    assert "PRESSWATCH_MAX_FILE_MB" in item.detail and "limit of 1 MB" in item.detail


def test_gzipped_json_document_limited_after_decompression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_FILE_MB", "1")
    document = json.dumps([{"text": "Same words again. " * 50} for _ in range(3000)])
    (tmp_path / "big.json.gz").write_bytes(gzip.compress(document.encode()))
    # The array is read item by item, so the items before the limit are kept, as for a
    # stream of JSON lines, and the reject says so.
    *kept, last = _read(tmp_path / "big.json.gz")
    assert isinstance(last, Reject) and last.reason == "too-large"
    assert 0 < len(kept) < 3000 and all(isinstance(i, Article) for i in kept)
    assert f"the {len(kept):,} articles read before that point were kept" in last.detail


def test_unsupported_type_lists_supported(tmp_path: Path) -> None:
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04")
    item = _one(tmp_path / "report.docx")
    assert isinstance(item, Reject) and item.reason == "unsupported-type"
    assert ".jsonl.gz" in item.detail and ".parquet" in item.detail


def test_not_found(tmp_path: Path) -> None:
    assert _reason(tmp_path / "gone.txt") == "not-found"


def test_html_without_article_text_is_a_reject(tmp_path: Path) -> None:
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert isinstance(_one(tmp_path / "menu.html"), Reject)


# --- happy paths per format ------------------------------------------------------------


def test_each_format_from_disk(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(_records(2))
    (tmp_path / "b.ndjson.gz").write_bytes(gzip.compress(_records(2)))
    (tmp_path / "c.json").write_text(json.dumps({"items": [{"body": "One.", "heading": "H"}]}))
    (tmp_path / "d.json.gz").write_bytes(gzip.compress(b'[{"content": "Two."}]'))
    (tmp_path / "e.csv").write_text("Title,Text,PubDate\nT,Body e.,1/5/2021\n")
    (tmp_path / "f.tsv").write_text("title\tarticle\nT\tBody f.\n")
    (tmp_path / "g.csv.gz").write_bytes(gzip.compress(b"headline,full_text\nG,Body g.\n"))
    pq.write_table(pa.table({"headline": ["P"], "text": ["Body p."]}), tmp_path / "h.parquet")
    (tmp_path / "i.txt").write_text(STORY)
    (tmp_path / "j.md").write_text("# Naval chiefs meet\n\nThe chiefs met in Lisbon on Monday.\n")
    counts = {}
    for path in iter_input_files([tmp_path]):
        assert isinstance(path, Path)
        items = _read(path)
        assert all(isinstance(i, Article) for i in items), items
        counts[path.name] = len(items)
    assert counts == {
        "a.jsonl": 2, "b.ndjson.gz": 2, "c.json": 1, "d.json.gz": 1, "e.csv": 1, "f.tsv": 1,
        "g.csv.gz": 1, "h.parquet": 1, "i.txt": 1, "j.md": 1,
    }  # fmt: skip


def test_source_option_applies_to_every_format(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b'{"text": "Body.", "source": "Theirs"}\n')
    (tmp_path / "b.txt").write_text(STORY)
    for name in ("a.jsonl", "b.txt"):
        (item,) = _read(tmp_path / name, source="Mine")
        assert isinstance(item, Article) and item.source == "Mine"


# --- uploads ---------------------------------------------------------------------------


def test_uploads_dispatch_by_name() -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"body": ["Uploaded parquet body."]}), buffer)
    cases = {
        "feed.jsonl": _records(3),
        "sheet.csv": b"headline,body\nU,Uploaded csv body.\n",
        "table.parquet": buffer.getvalue(),
        "note.txt": STORY.encode(),
    }
    for name, data in cases.items():
        items = list(read_upload(name, data, ReadOptions()))
        assert items and all(isinstance(i, Article) for i in items), (name, items)
        assert all(i.origin_file == name for i in items)


def test_upload_limits_and_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_UPLOAD_MB", "1")
    (big,) = read_upload("big.jsonl", b" " * (1024 * 1024 + 1), ReadOptions())
    assert isinstance(big, Reject) and big.reason == "too-large"
    assert "PRESSWATCH_MAX_UPLOAD_MB" in big.detail
    (odd,) = read_upload("slides.pptx", b"PK", ReadOptions())
    assert isinstance(odd, Reject) and odd.reason == "unsupported-type"
    (empty,) = read_upload("x.csv", b"", ReadOptions())
    assert isinstance(empty, Reject) and empty.reason == "empty-file"


_FUZZ_NAMES = sorted(SUPPORTED_SUFFIXES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from(_FUZZ_NAMES),
    data=st.one_of(
        st.binary(max_size=600),
        st.sampled_from([b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"PAR1", b"[{", b'{"text":']).flatmap(
            lambda head: st.binary(max_size=300).map(lambda tail: head + tail)
        ),
    ),
)
def test_any_upload_yields_and_never_raises(suffix: str, data: bytes) -> None:
    items = list(read_upload(f"fuzz{suffix}", data, ReadOptions()))
    assert items
    assert all(isinstance(i, Article | Reject) for i in items)


# --- a mixed folder --------------------------------------------------------------------


def test_mixed_folder_loads_every_good_file(tmp_path: Path) -> None:
    (tmp_path / "01_good.jsonl").write_bytes(_records(4))
    (tmp_path / "02_empty.txt").write_bytes(b"")
    (tmp_path / "03_binary.txt").write_bytes(b"%PDF-1.5\n" + bytes(range(256)))
    (tmp_path / "04_good.txt").write_text(STORY)
    (tmp_path / "05_meta.csv").write_text("headline\nOnly a headline\n")
    cut = gzip.compress(_records(3000))
    (tmp_path / "06_cut.jsonl.gz").write_bytes(cut[: len(cut) // 2])
    with zipfile.ZipFile(tmp_path / "07_batch.zip", "w") as zf:
        zf.writestr("../escape.txt", "escaped")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        zf.writestr("good.csv", "headline,body\nZ,Zipped body.\n")
    (tmp_path / "08_slides.pptx").write_bytes(b"PK")
    rejects: list[tuple[str, str]] = []
    articles: dict[str, int] = {}
    for entry in iter_input_files([tmp_path, tmp_path / "missing.jsonl"]):
        items: list[Article | Reject] = [entry] if isinstance(entry, Reject) else _read(entry)
        for item in items:
            name = item.origin_file.removeprefix(f"{tmp_path}/")
            if isinstance(item, Reject):
                rejects.append((name, item.reason))
            else:
                articles[name] = articles.get(name, 0) + 1
    assert rejects == [
        ("02_empty.txt", "empty-file"),
        ("03_binary.txt", "binary-file"),
        ("05_meta.csv", "missing-text-column"),
        ("06_cut.jsonl.gz", "truncated-gzip"),
        ("07_batch.zip!../escape.txt", "unsafe-path"),
        ("07_batch.zip!inner.zip", "nested-archive"),
        ("08_slides.pptx", "unsupported-type"),
        ("missing.jsonl", "not-found"),
    ]
    assert articles["01_good.jsonl"] == 4
    assert articles["04_good.txt"] == 1
    assert 0 < articles["06_cut.jsonl.gz"] < 3000
    assert articles["07_batch.zip!good.csv"] == 1


# --- the real corpora ------------------------------------------------------------------

# file, records to read (None = all), expected articles, dated articles, expected rejects
_CORPORA = [
    ("mfa_pressconf_en/mfa_pressconf_en.jsonl.gz", None, 500, 500, 0),
    ("dod_dvids_news/dod_dvids_news.jsonl.gz", None, 705, 64, 0),
    ("re3d/re3d.jsonl.gz", None, 98, 0, 0),
    ("geoparsing_gold/tr_news.jsonl.gz", None, 118, 106, 0),
    ("geoparsing_gold/lgl.jsonl.gz", None, 588, 588, 0),
    ("geoparsing_gold/geowebnews.jsonl.gz", None, 200, 43, 0),
    ("geoparsing_gold/geovirus.jsonl.gz", None, 229, 0, 0),
    # One record has neither title nor body upstream; 1,798 "BRIEF"s are headline-only.
    ("reuters21578/reuters21578.jsonl.gz", None, 21_577, 21_577, 1),
    ("un_general_debate/un_general_debate.jsonl.gz", 3000, 3000, 3000, 0),
    ("cn_media_headlines_2022/cn_media_headlines_2022.jsonl.gz", None, 37_813, 37_813, 0),
]


@pytest.mark.corpora
@pytest.mark.parametrize(
    ("rel", "limit", "n_articles", "n_dated", "n_rejects"),
    _CORPORA,
    ids=[c[0].split("/")[-1] for c in _CORPORA],
)
def test_real_corpus_loads_with_no_options(
    corpora_dir: Path, rel: str, limit: int | None, n_articles: int, n_dated: int, n_rejects: int
) -> None:
    items = list(itertools.islice(read_file(corpora_dir / rel, ReadOptions()), limit))
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(articles) == n_articles
    assert sum(a.date is not None for a in articles) == n_dated
    assert len(rejects) == n_rejects
    assert all(r.reason == "empty-text" for r in rejects)
    assert all(a.text.strip() and a.source for a in articles)


@pytest.mark.corpora
def test_real_corpus_field_values(corpora_dir: Path) -> None:
    def first(rel: str) -> Article:
        item = next(iter(read_file(corpora_dir / rel, ReadOptions())))
        assert isinstance(item, Article)
        return item

    mfa = first("mfa_pressconf_en/mfa_pressconf_en.jsonl.gz")
    assert mfa.title == (
        "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 11, 2018"
    )
    assert mfa.date == ParsedDate(datetime(2018, 5, 11), "day")
    assert mfa.language == "en" and mfa.url and mfa.url.startswith("https://www.fmprc.gov.cn/")
    assert mfa.origin_record == "line 1 (id mfa_en_t1558711)"

    reuters = first("reuters21578/reuters21578.jsonl.gz")
    assert reuters.title == "BAHIA COCOA REVIEW"
    # "datetime" (to the second) is preferred over the plain "date".
    assert reuters.date == ParsedDate(datetime(1987, 2, 26, 15, 1, 1), "day")

    ungd = first("un_general_debate/un_general_debate.jsonl.gz")
    assert ungd.date == ParsedDate(datetime(1946, 1, 1), "year")  # date_precision respected
    assert ungd.title == "UN General Debate, session 1 (1946): statement by Argentina"

    headlines = first("cn_media_headlines_2022/cn_media_headlines_2022.jsonl.gz")
    assert headlines.source == "BBC News"
    assert headlines.date == ParsedDate(datetime(2017, 12, 22, 17, 48, 13), "day", "UTC")


@pytest.mark.corpora
def test_real_seed_text_and_mfa_page_dispatch(corpora_dir: Path) -> None:
    seed = _one(corpora_dir / "seed" / "000_495447acf1da3124.txt")
    assert isinstance(seed, Article) and seed.source == "Teller Report"
    page = _one(corpora_dir / "mfa_pressconf_en" / "html" / "mfa_en_t1558711.html")
    assert isinstance(page, Article)
    assert page.title and "Regular Press Conference on May 11, 2018" in page.title


@pytest.mark.corpora
def test_real_corpus_inside_a_zip(corpora_dir: Path, tmp_path: Path) -> None:
    mfa = corpora_dir / "mfa_pressconf_en"
    pages = sorted((mfa / "html").glob("mfa_en_t*.html"))[:2]
    archive = tmp_path / "mfa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(mfa / "mfa_pressconf_en.jsonl.gz", "data/mfa.jsonl.gz")
        for page in pages:
            zf.write(page, f"pages/{page.name}")
    items = _read(archive)
    assert all(isinstance(i, Article) for i in items)
    assert len(items) == 500 + len(pages)
    assert items[-1].origin_file == f"{archive}!pages/{pages[-1].name}"


def test_folder_symlinks_that_leave_the_folder_are_rejected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret text that must stay outside.")
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "real.txt").write_text("A real article about Chile.")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "escape_dir").symlink_to(outside, target_is_directory=True)
    (root / "inside.txt").symlink_to(root / "sub" / "real.txt")
    (root / "relative.txt").symlink_to(Path("sub") / "real.txt")
    (root / "loop").symlink_to(root, target_is_directory=True)  # would walk forever
    (root / "sub" / "up").symlink_to(Path(".."), target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    found = list(iter_input_files([root]))
    files = [f for f in found if isinstance(f, Path)]
    rejects = {
        Path(r.origin_file).name: (r.reason, r.detail) for r in found if isinstance(r, Reject)
    }
    assert files == [root / "inside.txt", root / "relative.txt", root / "sub" / "real.txt"]
    leaves = ("unsafe-path", "the symbolic link leaves the folder")
    assert rejects == {
        "passwd.txt": leaves,
        "escape.txt": leaves,
        "escape_dir": leaves,
        "dangling.txt": ("not-found", "the symbolic link points to nothing"),
    }
    # The folder named through a link of its own is walked by the same rule.
    alias = tmp_path / "alias"
    alias.symlink_to(root, target_is_directory=True)
    assert [f for f in iter_input_files([alias]) if isinstance(f, Path)] == [
        alias / "inside.txt",
        alias / "relative.txt",
        alias / "sub" / "real.txt",
    ]


def test_ingest_of_a_folder_does_not_store_a_linked_system_file(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("Peru and Chile signed a fisheries agreement.")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    conn = open_store(tmp_path / "s.duckdb")
    summary = ingest_paths(conn, [root], ReadOptions(), workers=1)
    assert summary.articles_added == 1
    assert [(Path(r.origin_file).name, r.reason) for r in summary.rejects] == [
        ("passwd.txt", "unsafe-path")
    ]
    assert conn.execute("SELECT origin_file FROM articles").fetchall() == [(str(root / "a.txt"),)]
