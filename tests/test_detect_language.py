"""Language from the script when the input does not say: Han is "zh", nothing else is guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presswatch.ingest.language import detect_language
from presswatch.ingest.readers import ReadOptions, read_file
from presswatch.models import Article

# Sentences written for these tests (not taken from any corpus).
ZH_SIMPLIFIED = "外交部发言人今天在北京主持例行记者会，回答了记者关于双边关系的提问。"
ZH_TRADITIONAL = "外交部發言人今天在北京主持例行記者會，回答了記者關於雙邊關係的提問。"
JAPANESE = "外務省の報道官は今日、東京で定例記者会見を開き、記者の質問に答えました。"
KOREAN = "외교부 대변인은 오늘 서울에서 정례 브리핑을 열었습니다."
ENGLISH = "The foreign ministry spokesperson held a regular press conference in Beijing today."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ZH_SIMPLIFIED, "zh"),
        (ZH_TRADITIONAL, "zh"),
        ("外交部例行记者会", "zh"),  # a short title
        ("外交", "zh"),  # the shortest title
        # Chinese with English acronyms and names stays Chinese.
        ("APEC领导人非正式会议在利马举行，COVID-19疫情和WTO改革是议题。", "zh"),
        ("问：据报道，Reuters称美方将派代表团访华。答：我们注意到有关报道。", "zh"),
        # English quoting a Chinese phrase stays undecided, as English text is today.
        (f"{ENGLISH} He spoke of 人类命运共同体, a community with a shared future.", None),
        (ENGLISH, None),
        ("Le porte-parole a tenu une conférence de presse à Pékin aujourd'hui.", None),
        (JAPANESE, None),  # kana: Japanese, not Chinese
        ("岸田首相の訪米", None),  # a short Japanese title with one kana
        (KOREAN, None),
        ("2022 12 29 10:30", None),  # numbers only
        ("２０２２　１２　２９", None),  # full-width numbers only
        ("中", None),  # one ideograph may be a symbol
        ("", None),
        ("？！。，", None),  # punctuation only
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_a_stray_kana_in_a_long_chinese_text_keeps_it_chinese() -> None:
    # "の" in a shop name inside Chinese prose.
    assert detect_language(ZH_SIMPLIFIED * 3 + "他们在“吉野の家”餐厅见面。") == "zh"


def test_the_start_of_a_long_text_decides() -> None:
    assert detect_language(ZH_SIMPLIFIED * 60 + ENGLISH * 500) == "zh"
    assert detect_language(ENGLISH * 30 + ZH_SIMPLIFIED * 500) is None


def _read(path: Path) -> list[Article]:
    items = list(read_file(path, ReadOptions()))
    assert all(isinstance(i, Article) for i in items), items
    return [i for i in items if isinstance(i, Article)]


def test_records_without_a_language_column_get_zh(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [{"title": "记者会", "text": ZH_SIMPLIFIED}, {"title": "Briefing", "text": ENGLISH}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    assert [a.language for a in _read(path)] == ["zh", None]


def test_a_language_the_input_gives_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [{"text": ZH_TRADITIONAL, "language": "zh-TW"}, {"text": ZH_SIMPLIFIED, "lang": "ja"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    assert [a.language for a in _read(path)] == ["zh", "ja"]


def test_text_and_html_documents_get_zh(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"记者会\n\n{ZH_SIMPLIFIED}\n", "utf-8")
    body = f"<p>{ZH_TRADITIONAL}{ZH_TRADITIONAL}</p>"
    (tmp_path / "b.html").write_text(f"<html><body><h1>記者會</h1>{body}</body></html>", "utf-8")
    (tmp_path / "c.html").write_text(f'<html lang="en"><body>{body}</body></html>', "utf-8")
    assert _read(tmp_path / "a.txt")[0].language == "zh"
    assert _read(tmp_path / "b.html")[0].language == "zh"
    assert _read(tmp_path / "c.html")[0].language == "en"  # the markup's word stands
