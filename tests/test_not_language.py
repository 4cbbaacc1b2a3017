"""Random or binary bytes that decode as text are rejected; written language in any script
loads (issue 10, item 9)."""

from __future__ import annotations

import gzip
import json
import random
import zipfile
from itertools import islice
from pathlib import Path

import pytest

from presswatch.ingest.language import not_language
from presswatch.ingest.readers import ReadOptions, read_file
from presswatch.models import Article, Reject

# Our own sentences, one short news item per script family.
WRITTEN = {
    "english": "Talks resume on Monday.",
    "english-headline": "U.S. GDP +2.1% y/y in Q3; NATO's chief visits Kyiv",
    "english-markdown": (
        "# Summit ends\n\n- France and Germany signed **two** deals.\n- Next meeting: 2025-03-04.\n"
    ),
    "russian": "Министр иностранных дел России встретился с коллегой из Китая в Москве.",
    "ukrainian": "Президент Украïни зустрівся з міністрами в Києві; обговорили пʼять питань.",
    "arabic": "التقى وزير الخارجية المصري بنظيره الأردني في القاهرة يوم الإثنين لبحث الأوضاع.",
    "arabic-vowelled": "ذَهَبَ الْوَزِيرُ إِلَى الْمُؤْتَمَرِ، وَقَالَ: «السَّلَامُ مُمْكِنٌ».",
    "persian": "وزیر امور خارجه می‌گوید گفت‌وگوها ادامه خواهد داشت.",
    "hebrew": "ראש הממשלה נפגש עם שר החוץ בירושלים ביום שני.",
    "hindi": "भारत और जापान के रक्षा मंत्रियों ने सोमवार को दिल्ली में बातचीत की।",
    "chinese": "外交部发言人表示，中方愿同各方一道，推动地区和平稳定。",
    "japanese": "日本とインドの防衛相は月曜日、東京で会談し、協力の強化で一致した。",
    "thai": "รัฐมนตรีต่างประเทศไทยพบกับรัฐมนตรีญี่ปุ่นที่กรุงเทพฯ เมื่อวันจันทร์",
    "korean": "한국과 일본의 외교부 장관이 월요일 서울에서 회담을 가졌다.",
    "greek": "Ο υπουργός Εξωτερικών συναντήθηκε με τον Γάλλο ομόλογό του στην Αθήνα.",
    "vietnamese": "Bộ trưởng Ngoại giao Việt Nam đã gặp người đồng cấp Nhật Bản tại Hà Nội.",
    "table": "Company....Date......Price\nAMOCO......2/23/87...17.50\nARCO.......4/06/87...18.00\n",
}


def _noise(seed: int, size: int, alphabet: range | bytes) -> bytes:
    rng = random.Random(seed)
    pool = bytes(alphabet)
    return bytes(rng.choice(pool) for _ in range(size))


# Random bytes that pass the control-byte check: printable and high bytes only, some with
# line breaks sprinkled in as a text file would have.
NOISE = {
    "bytes 32-255": _noise(1, 40_000, range(32, 256)),
    "high bytes": _noise(2, 40_000, range(128, 256)),
    "with line breaks": _noise(3, 40_000, bytes(range(32, 256)) + b"\n" * 6),
    "printable ascii": _noise(4, 40_000, b"".join(bytes([c]) for c in range(33, 127)) + b" "),
    "short": _noise(5, 600, range(32, 256)),
}


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_written_language_in_any_script_is_language(name: str) -> None:
    assert not_language(WRITTEN[name]) is None


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_written_language_files_load(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(f"Headline\n\n{WRITTEN[name]}\n", encoding="utf-8")
    assert [type(i).__name__ for i in read_file(path, ReadOptions())] == ["Article"]


@pytest.mark.parametrize("name", sorted(NOISE))
def test_random_bytes_saved_as_text_are_rejected_with_a_reason(name: str, tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(NOISE[name])
    (item,) = read_file(path, ReadOptions())
    assert isinstance(item, Reject), item
    assert item.reason in ("not-language", "binary-file")
    if item.reason == "not-language":
        assert "form words" in item.detail


def test_random_bytes_in_an_archive_are_rejected_and_the_article_loads(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("noise.txt", NOISE["bytes 32-255"])
        zf.writestr("real.txt", "Headline\n\n" + WRITTEN["russian"])
    items = list(read_file(path, ReadOptions()))
    assert [(type(i).__name__, getattr(i, "reason", None)) for i in items] == [
        ("Reject", "not-language"),
        ("Article", None),
    ]


def test_a_real_first_page_does_not_hide_the_noise_after_it() -> None:
    text = WRITTEN["english-markdown"] * 300 + NOISE["bytes 32-255"].decode("cp1252", "replace")
    assert not_language(text) is not None


def test_replacement_characters_are_binary_data() -> None:
    text = "Word " * 50 + "\ufffd" * 100
    problem = not_language(text)
    assert problem is not None and "replacement" in problem


@pytest.mark.corpora
def test_corpus_texts_are_language(corpora_dir: Path) -> None:
    # Every tenth record of every corpus (all 144k would slow the suite; a sample of each
    # corpus's languages and styles is enough).
    failures = []
    for path in sorted(corpora_dir.glob("*/*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in islice(f, 0, None, 10):
                record = json.loads(line)
                text = record.get("text")
                if isinstance(text, str) and text.strip() and not_language(text):
                    failures.append((path.name, record.get("id"), not_language(text)))
    assert failures == []


@pytest.mark.corpora
def test_every_corpus_page_and_text_file_still_loads(corpora_dir: Path) -> None:
    paths = sorted(corpora_dir.glob("**/*.html")) + sorted(corpora_dir.glob("seed/*.txt"))
    items = [(p, i) for p in paths for i in read_file(p, ReadOptions())]
    rejected = [
        (str(p), i.detail) for p, i in items if isinstance(i, Reject) and i.reason == "not-language"
    ]
    assert rejected == []
    assert sum(isinstance(i, Article) for _, i in items) > 300
