"""Zip archives: members dispatched by name, and the limits that stop bombs and tricks."""

from __future__ import annotations

import gzip
import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from presswatch.ingest.archive import (
    ArchiveBudget,
    LimitedReader,
    LimitExceeded,
    unsafe_member_path,
)
from presswatch.ingest.readers import ReadOptions, read_file, read_upload
from presswatch.models import Article, Reject

GOOD_JSONL = (
    json.dumps({"title": "Port call", "text": "The frigate arrived in Piraeus on a port visit."})
    + "\n"
    + json.dumps({"title": "Joint drill", "text": "Two navies practised search and rescue."})
    + "\n"
).encode()
GOOD_CSV = b"headline,body\nTalks,Officials met for a second round of talks.\n"


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _read(path: Path) -> list[Article | Reject]:
    return list(read_file(path, ReadOptions()))


def _reasons(items: list[Article | Reject]) -> list[tuple[str, str]]:
    return [(i.origin_file, i.reason) for i in items if isinstance(i, Reject)]


def test_members_dispatched_by_name_with_origin(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "batch.zip",
        {"news/a.jsonl": GOOD_JSONL, "news/b.csv": GOOD_CSV, "news/": b"", "readme.pdf": b"%PDF"},
    )
    items = _read(archive)
    articles = [i for i in items if isinstance(i, Article)]
    assert [(a.origin_file, a.origin_record) for a in articles] == [
        (f"{archive}!news/a.jsonl", "line 1"),
        (f"{archive}!news/a.jsonl", "line 2"),
        (f"{archive}!news/b.csv", "row 2"),
    ]
    assert _reasons(items) == [(f"{archive}!readme.pdf", "unsupported-type")]


def test_gzipped_member_and_hidden_members(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "a.zip",
        {
            "x.jsonl.gz": gzip.compress(GOOD_JSONL),
            "__MACOSX/._x.jsonl.gz": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
        },
    )
    items = _read(archive)
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)


def test_zip_bomb_by_declared_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_ARCHIVE_RATIO", "50")
    archive = _zip(
        tmp_path / "bomb.zip", {"bomb.txt": b"A" * (8 * 1024 * 1024), "ok.jsonl": GOOD_JSONL}
    )
    items = _read(archive)
    assert _reasons(items) == [(f"{archive}!bomb.txt", "zip-bomb")]
    assert "PRESSWATCH_MAX_ARCHIVE_RATIO" in next(i.detail for i in items if isinstance(i, Reject))
    assert sum(isinstance(i, Article) for i in items) == 2


def test_zip_bomb_by_actual_decompressed_size_of_gz_member(tmp_path: Path) -> None:
    # The zip stores a small .gz that inflates 1000-fold: only counting while reading sees it.
    inflating = b'{"text": "' + b"a" * (30 * 1024 * 1024) + b'"}\n'
    archive = _zip(
        tmp_path / "gzbomb.zip",
        {"bomb.jsonl.gz": gzip.compress(inflating, 9), "ok.jsonl": GOOD_JSONL},
        method=zipfile.ZIP_STORED,
    )
    items = _read(archive)
    assert _reasons(items) == [(f"{archive}!bomb.jsonl.gz", "zip-bomb")]
    assert sum(isinstance(i, Article) for i in items) == 2


def test_archive_total_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_ARCHIVE_MB", "1")
    incompressible = bytes((i * 7919 + i // 251) % 251 for i in range(700_000))
    archive = _zip(tmp_path / "big.zip", {"a.txt": incompressible, "b.txt": incompressible})
    (item,) = _read(archive)
    assert isinstance(item, Reject)
    assert (item.origin_file, item.reason) == (str(archive), "zip-bomb")
    assert "PRESSWATCH_MAX_ARCHIVE_MB" in item.detail


def test_member_over_file_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_FILE_MB", "1")
    rng = random.Random(7)
    words = "naval exercise port visit treaty envoy summit frigate drill talks".split()
    lines = (
        json.dumps({"text": f"{n} " + " ".join(rng.choices(words, k=200))}) for n in range(1000)
    )
    big = "\n".join(lines).encode()  # ~1.4 MB of varied text, ratio well under the limit
    archive = _zip(tmp_path / "m.zip", {"big.jsonl": big, "ok.jsonl": GOOD_JSONL})
    assert _reasons(_read(archive)) == [(f"{archive}!big.jsonl", "too-large")]


def test_too_many_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_ARCHIVE_ENTRIES", "3")
    archive = _zip(tmp_path / "many.zip", {f"{n}.jsonl": GOOD_JSONL for n in range(5)})
    assert _reasons(_read(archive)) == [(str(archive), "too-many-entries")]


def test_nested_archives(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("in.jsonl", GOOD_JSONL)
    archive = _zip(
        tmp_path / "outer.zip",
        {
            "inner.zip": inner.getvalue(),
            "old.tar.gz": gzip.compress(b"tar data"),
            "disguised.txt": inner.getvalue(),
            "ok.jsonl": GOOD_JSONL,
        },
    )
    items = _read(archive)
    assert _reasons(items) == [
        (f"{archive}!inner.zip", "nested-archive"),
        (f"{archive}!old.tar.gz", "nested-archive"),
        (f"{archive}!disguised.txt", "nested-archive"),
    ]
    assert sum(isinstance(i, Article) for i in items) == 2


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [
        ("../evil.txt", True),
        ("a/../../evil.txt", True),
        ("/etc/evil.txt", True),
        ("C:/evil.txt", True),
        ("..\\evil.txt", True),
        ("a/b..c/ok.txt", False),
        ("ok.txt", False),
    ],
)
def test_unsafe_member_path(name: str, unsafe: bool) -> None:
    assert (unsafe_member_path(name) is not None) is unsafe


def test_traversal_members_rejected_and_nothing_written(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = work / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("../evil.txt"), b"Escaped text that must not be read.")
        zf.writestr(zipfile.ZipInfo("/abs.txt"), b"Absolute text that must not be read.")
        zf.writestr("ok.jsonl", GOOD_JSONL)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    items = _read(archive)
    assert _reasons(items) == [
        (f"{archive}!../evil.txt", "unsafe-path"),
        (f"{archive}!/abs.txt", "unsafe-path"),
    ]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_member_rejected(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = 0o120777 << 16
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    assert _reasons(_read(archive)) == [(f"{archive}!link.txt", "unsafe-path")]


def _set_encrypted_flag(data: bytes) -> bytes:
    """Mark every member as encrypted in local and central headers (as a real tool would)."""
    out = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := out.find(signature, start)) != -1:
            out[pos + flag_offset] |= 0x01
            start = pos + 4
    return bytes(out)


def test_encrypted_member(tmp_path: Path) -> None:
    plain = _zip(tmp_path / "plain.zip", {"secret.jsonl": GOOD_JSONL})
    archive = tmp_path / "locked.zip"
    archive.write_bytes(_set_encrypted_flag(plain.read_bytes()))
    assert _reasons(_read(archive)) == [(f"{archive}!secret.jsonl", "encrypted")]


def test_unsupported_compression_method(tmp_path: Path) -> None:
    plain = bytearray(_zip(tmp_path / "p.zip", {"a.jsonl": GOOD_JSONL}).read_bytes())
    # Claim Deflate64 (method 9), which zipfile cannot decompress.
    for signature, method_offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        pos = plain.find(signature)
        plain[pos + method_offset] = 9
    archive = tmp_path / "d64.zip"
    archive.write_bytes(bytes(plain))
    assert _reasons(_read(archive)) == [(f"{archive}!a.jsonl", "unsupported-compression")]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_archive(tmp_path: Path, damage: str) -> None:
    good = _zip(tmp_path / "good.zip", {"a.jsonl": GOOD_JSONL * 50}).read_bytes()
    data = b"This is not a zip file at all." if damage == "garbage" else good[: len(good) // 2]
    archive = tmp_path / "bad.zip"
    archive.write_bytes(data)
    assert _reasons(_read(archive)) == [(str(archive), "corrupt-archive")]


def test_damaged_member_data_spares_the_others(tmp_path: Path) -> None:
    body = json.dumps({"text": "Distinct words for the compressor number one."}) + "\n"
    archive = _zip(tmp_path / "d.zip", {"a.jsonl": (body * 200).encode(), "b.jsonl": GOOD_JSONL})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("a.jsonl")
    # Local header: 30 bytes + name + extra, then the compressed data.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0xFF
    archive.write_bytes(bytes(data))
    items = _read(archive)
    assert _reasons(items)[-1] == (f"{archive}!a.jsonl", "corrupt-archive")
    assert [i.origin_file for i in items if isinstance(i, Article)][-2:] == [
        f"{archive}!b.jsonl",
        f"{archive}!b.jsonl",
    ]


def test_empty_member(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "e.zip", {"empty.txt": b"", "ok.jsonl": GOOD_JSONL})
    assert _reasons(_read(archive)) == [(f"{archive}!empty.txt", "empty-file")]


def test_limited_reader_stops_at_the_limit() -> None:
    budget = ArchiveBudget(
        max_total_bytes=10**9, max_ratio=10**9, max_entries=10, max_member_bytes=1_000_000
    )
    reader = LimitedReader(io.BytesIO(b"x" * 10_000_000), budget, compressed_size=10_000_000)
    with pytest.raises(LimitExceeded) as err:
        while reader.read(256 * 1024):
            pass
    assert err.value.reason == "too-large"
    assert reader.count == 1_000_001


def test_zip_upload(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "up.zip", {"a.jsonl": GOOD_JSONL, "../x.txt": b"escape"})
    items = list(read_upload("C:\\Users\\me\\up.zip", archive.read_bytes(), ReadOptions()))
    assert [i.origin_file for i in items] == ["up.zip!a.jsonl", "up.zip!a.jsonl", "up.zip!../x.txt"]
