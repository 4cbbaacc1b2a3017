"""Formula-safe, Excel-friendly CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from presswatch.export import (
    FORMULA_TRIGGERS,
    csv_filename,
    description_line,
    neutralise_cell,
    to_csv_bytes,
)

WHEN = datetime(2026, 11, 26, 9, 41, tzinfo=UTC)

HOSTILE = [
    '=HYPERLINK("http://evil","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
    "\u3000=1+1",
    "\u200b=1+1",
    "\ufeff@SUM(A1)",
    "\x00+1",
    "\u2028\u00a0-2",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_cell(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Russia", "", "1,204 articles", "a=b", "e-mail", "'quoted"])
def test_harmless_cells_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


def _parse(data: bytes) -> tuple[str, list[list[str]]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    first, rest = text.split("\r\n", 1)
    return first, list(csv.reader(io.StringIO(rest)))


def test_to_csv_bytes_neutralises_every_text_cell() -> None:
    df = pd.DataFrame(
        {
            "title": HOSTILE,
            "source": ["MFA"] * len(HOSTILE),
            "n": list(range(-4, len(HOSTILE) - 4)),
            "when": pd.to_datetime(["2020-01-02"] * len(HOSTILE)),
        }
    )
    first, rows = _parse(to_csv_bytes(df, description="3 articles", generated_at=WHEN))
    assert first == '"# presswatch export · 3 articles · generated 2026-11-26 09:41 UTC"'
    assert rows[0] == ["title", "source", "n", "when"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]
    assert [r[2] for r in rows[1:]] == [str(i) for i in range(-4, len(HOSTILE) - 4)]  # numbers
    assert rows[1][3] == "2020-01-02 00:00:00"
    read_back = pd.read_csv(
        io.BytesIO(to_csv_bytes(df, description="x", generated_at=WHEN)),
        skiprows=1,
        encoding="utf-8-sig",
    )
    assert len(read_back) == len(HOSTILE)


def test_description_line_cannot_split_or_inject() -> None:
    line = description_line("1,204 articles · q=\",=cmd|' /C calc'!A0\"\r\n=2\u2028x", WHEN)
    assert line.startswith("# presswatch export · 1,204 articles · ")
    assert not any(ch in line for ch in '"\r\n\t\u2028')
    local = datetime(2026, 11, 26, 10, 41, tzinfo=timezone(timedelta(hours=1)))
    assert description_line("x", local).endswith("generated 2026-11-26 09:41 UTC")


def test_first_line_is_one_cell_with_commas_and_link() -> None:
    link = 'http://host:8501/articles?country=RU&q=a,b "c"\nd'
    data = to_csv_bytes(
        pd.DataFrame({"n": [1]}),
        description="3,796 articles; 2018–2022, source MFA",
        generated_at=WHEN,
        link=link,
    )
    lines = data.decode("utf-8-sig").split("\r\n")
    first = next(csv.reader([lines[0]]))
    assert first == [
        "# presswatch export · 3,796 articles; 2018–2022, source MFA · link "
        "http://host:8501/articles?country=RU&q=a,b%20%22c%22%0Ad · generated 2026-11-26 09:41 UTC"
    ]
    assert lines[1:] == ["n", "1", ""]
    assert list(pd.read_csv(io.BytesIO(data), skiprows=1, encoding="utf-8-sig")["n"]) == [1]


def test_ids_stay_exact_as_text() -> None:
    ids = [1234567890123456789, -9223372036854775808, 7]
    df = pd.DataFrame({"article_id": ids, "n": [10**15, 3, -4], "title": ["C# news", "b", "c"]})
    data = to_csv_bytes(df, description="d", generated_at=WHEN)
    _first, rows = _parse(data)
    assert [r[0] for r in rows[1:]] == ["id:1234567890123456789", "id:-9223372036854775808", "id:7"]
    assert [r[1] for r in rows[1:]] == ["id:1000000000000000", "3", "-4"]
    back = pd.read_csv(io.BytesIO(data), skiprows=1, encoding="utf-8-sig")
    assert list(back["article_id"].str.removeprefix("id:").astype("int64")) == ids
    assert list(back["title"]) == ["C# news", "b", "c"]


_INVISIBLE = st.characters(categories=["Zs", "Zl", "Zp", "Cf", "Cc", "Co"]).filter(
    lambda ch: ch not in FORMULA_TRIGGERS
)


@given(st.text(_INVISIBLE, max_size=5), st.sampled_from(FORMULA_TRIGGERS), st.text(max_size=20))
def test_trigger_after_invisible_prefix_is_neutralised(pad: str, trigger: str, rest: str) -> None:
    value = pad + trigger + rest
    assert neutralise_cell(value) == "'" + value


@given(st.text(_INVISIBLE, max_size=5), st.characters(categories=["L", "N"]), st.text())
def test_text_without_trigger_is_unchanged(pad: str, first: str, rest: str) -> None:
    assert neutralise_cell(pad + first + rest) == pad + first + rest


def test_chunks_none_and_lists() -> None:
    chunks = [pd.DataFrame({"a": ["=x", None]}), pd.DataFrame({"a": [["RU", "IR"], float("nan")]})]
    _first, rows = _parse(to_csv_bytes(chunks, description="d", generated_at=WHEN))
    assert rows == [["a"], ["'=x"], [""], ["RU; IR"], [""]]
    _first, rows = _parse(
        to_csv_bytes(pd.DataFrame({"=h": []}), description="d", generated_at=WHEN)
    )
    assert rows == [["'=h"]]


def test_unicode_survives() -> None:
    df = pd.DataFrame({"title": ["Москва 北京 café"]})
    _first, rows = _parse(to_csv_bytes(df, description="é", generated_at=WHEN))
    assert rows[1] == ["Москва 北京 café"]


def test_csv_filename() -> None:
    name = csv_filename("articles", "1,204 articles · 2018–2022 · source MFA", WHEN)
    assert name == "presswatch-articles-1-204-articles-2018-2022-source-mfa-20261126-0941.csv"
    hostile = csv_filename("../../etc", "<script>/..\\\x00" + "x" * 500, WHEN)
    assert "/" not in hostile and "\\" not in hostile and "\x00" not in hostile
    assert hostile.startswith("presswatch-etc-") and len(hostile) <= 120
    assert csv_filename("", "北京", WHEN) == "presswatch-20261126-0941.csv"
