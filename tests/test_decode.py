"""Bytes -> text: BOMs, UTF-16, wrong labels, legacy code pages, NULs, binary and empty input."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.ingest.decode import (
    DecodeError,
    declared_html_charset,
    decode_text,
    normalise_encoding,
    sniff_binary,
    utf16_without_bom,
)

SENTENCE = "The naval delegation visited Zürich and Kraków — “a useful exchange”, said the envoy."


def test_plain_utf8() -> None:
    assert decode_text(SENTENCE.encode("utf-8")) == SENTENCE


def test_utf8_bom_is_removed() -> None:
    assert decode_text(codecs.BOM_UTF8 + SENTENCE.encode("utf-8")) == SENTENCE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode_text(bom + SENTENCE.encode(codec)) == SENTENCE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_detected_by_nul_pattern(codec: str) -> None:
    data = SENTENCE.encode(codec)
    assert utf16_without_bom(data) == codec
    assert decode_text(data) == SENTENCE


def test_utf32_with_bom_not_mistaken_for_utf16() -> None:
    data = codecs.BOM_UTF32_LE + SENTENCE.encode("utf-32-le")
    assert decode_text(data) == SENTENCE


def test_wrong_declared_charset_valid_utf8_wins() -> None:
    # Declared latin-1, but the bytes are UTF-8: decoding as latin-1 would give mojibake.
    assert decode_text(SENTENCE.encode("utf-8"), declared="iso-8859-1") == SENTENCE


def test_declared_latin1_is_read_as_windows_1252() -> None:
    text = "The minister’s “defence review” – published today."
    assert decode_text(text.encode("cp1252"), declared="ISO-8859-1") == text


def test_declared_legacy_charset_is_used_when_bytes_fit() -> None:
    text = "Министерство обороны провело учения на полигоне."
    assert decode_text(text.encode("cp1251"), declared="windows-1251") == text


def test_declared_gb2312_reads_gbk_characters() -> None:
    text = "国防部新闻发言人就有关问题答记者问，镕"  # 镕 is in GBK, not in GB2312
    assert decode_text(text.encode("gbk"), declared="gb2312") == text


def test_unknown_declared_label_is_ignored() -> None:
    assert decode_text(SENTENCE.encode("utf-8"), declared="no-such-charset") == SENTENCE


def test_invalid_utf8_falls_back_to_cp1252() -> None:
    text = "Le café de la gare était fermé – “à bientôt”, dit le général."
    assert decode_text(text.encode("cp1252")) == text


def test_mostly_utf8_with_a_stray_legacy_byte_keeps_both() -> None:
    data = "Dialogue in Zürich, Kraków and Malmö.".encode() + b" Price: 5\x80."
    assert decode_text(data) == "Dialogue in Zürich, Kraków and Malmö. Price: 5€."


def test_cyrillic_legacy_encoding_is_detected() -> None:
    text = (
        "Министерство обороны России сообщило о проведении совместных учений "
        "с армией соседней страны в рамках договора о сотрудничестве."
    )
    assert decode_text(text.encode("cp1251")) == text


def test_nul_bytes_are_stripped() -> None:
    data = b"Talks resumed\x00 in Geneva\x00\x00 on Monday.\n"
    assert decode_text(data) == "Talks resumed in Geneva on Monday.\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 40,
        b"PK\x03\x04" + b"\x14\x00" * 20,
        bytes(range(0, 32)) * 50,
    ],
    ids=["png", "pdf", "elf", "zip", "control-bytes"],
)
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_text(data)
    assert err.value.reason == "binary-file"


def test_sniff_binary_names_the_format() -> None:
    assert sniff_binary(b"%PDF-1.4 ...") == "a PDF document"
    assert sniff_binary(b"Plain words") is None


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n", codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le"), b"\x00\x00\n"],
    ids=["zero-bytes", "whitespace", "utf16-whitespace", "nul-only"],
)
def test_empty_content(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_text(data)
    assert err.value.reason == "empty-file"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (b'<html><head><meta charset="windows-1252"><title>x</title>', "windows-1252"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            "ISO-8859-1",
        ),
        (b'<?xml version="1.0" encoding="utf-8"?><html>', "utf-8"),
        (codecs.BOM_UTF8 + b"<html>", "utf-8"),
        (b"<html><head><title>none</title></head>", None),
    ],
)
def test_declared_html_charset(html: bytes, expected: str | None) -> None:
    assert declared_html_charset(html) == expected


def test_normalise_encoding() -> None:
    assert normalise_encoding("ISO-8859-1") == "iso8859_1"
    assert normalise_encoding("UTF8") == "utf_8"
    assert normalise_encoding("bogus") is None
    assert normalise_encoding(None) is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        text = decode_text(data)
    except DecodeError as err:
        assert err.reason in {"empty-file", "binary-file", "invalid-encoding"}
    else:
        assert text.strip()
        assert "\x00" not in text
