"""Bytes -> text for files of unknown origin: BOMs, UTF-16, wrong labels, legacy code pages.

The order of the checks matters and follows what the bytes can prove: a byte-order mark
is certain; valid UTF-8 with non-ASCII content is almost never an accident, so it beats a
declared label (pages labelled latin-1 that are really UTF-8 are common); detection is
the last resort. Binary content with a text extension is refused rather than decoded into
garbage that would pollute every count downstream.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer


class DecodeError(Exception):
    """Bytes that cannot become text; ``reason`` is the reject code, ``detail`` the sentence."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


# File signatures of common binary formats that end up with a wrong extension.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "an ELF executable"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x00asm", "a WebAssembly module"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 audio file"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O binary"),
)
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}

_SAMPLE_BYTES = 64 * 1024
# Control bytes that never occur in text (TAB, LF, VT, FF, CR and ESC are allowed: form
# feeds and stray escapes do occur in OCR'd and terminal-captured text).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_TABLE = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))
_MAX_CONTROL_RATIO = 0.10
_BLANK_BYTES = b"\x00 \t\r\n\x0b\x0c"

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM begins with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# A well-formed multi-byte UTF-8 sequence (RFC 3629 table, no overlongs or surrogates).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")

# Detector results we trust over the cp1252 default: scripts whose bytes would otherwise
# decode as plausible-looking Latin mojibake. For Latin-script text the detector is
# unreliable on short samples (it picks mac_iceland or cp1250 for German/English), and
# cp1252 is by far the most common legacy encoding of English-language news.
_TRUSTED_DETECTIONS = frozenset(
    {
        "big5", "big5hkscs", "cp932", "cp949", "cp950", "euc_jis_2004", "euc_jisx0213",
        "euc_jp", "euc_kr", "gb18030", "gb2312", "gbk", "hz", "iso2022_jp", "iso2022_kr",
        "johab", "shift_jis", "shift_jis_2004", "shift_jisx0213",
        "cp1251", "cp866", "iso8859_5", "koi8_r", "koi8_u", "mac_cyrillic", "kz1048",
        "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
        "cp874", "tis_620", "iso8859_11", "cp1258",
    }
)  # fmt: skip

# Labels browsers treat as windows-1252 (WHATWG Encoding Standard): the C1 range of a page
# labelled latin-1 holds curly quotes and dashes, not control characters.
_CP1252_ALIASES = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})
# Labels browsers read as a superset encoding (WHATWG): pages labelled gb2312 use GBK
# characters, Shift_JIS pages use Microsoft's extensions, and so on.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
    "iso8859_9": "cp1254", "iso8859_11": "cp874", "tis_620": "cp874", "big5": "big5hkscs",
}  # fmt: skip

_FALLBACK_HANDLER = "presswatch-cp1252-fallback"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes as cp1252 (latin-1 where undefined)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_byte_as_cp1252(b) for b in bad), exc.end


def _byte_as_cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


codecs.register_error(_FALLBACK_HANDLER, _cp1252_fallback)

#: Error handler name for streams that are mostly UTF-8 with some legacy bytes mixed in.
UTF8_WITH_CP1252_FALLBACK = _FALLBACK_HANDLER


def normalise_encoding(label: str | None) -> str | None:
    """Python codec name for a charset label ("ISO-8859-1" -> "iso8859_1"); None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def sniff_binary(data: bytes) -> str | None:
    """What binary format the bytes are, or None when they look like text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    return None


def bom_encoding(data: bytes) -> str | None:
    """The encoding named by a byte-order mark at the start of ``data``, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL pattern says so (mostly-ASCII UTF-16 text)."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0 : pairs * 2 : 2].count(0)
    odd_nul = sample[1 : pairs * 2 : 2].count(0)
    # Latin-script UTF-16 has a NUL in (nearly) every high byte and (almost) none in the
    # low bytes; binary data has NULs in both positions.
    if odd_nul >= 0.4 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.4 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def control_ratio(sample: bytes) -> float:
    """Share of bytes that never occur in text (NUL and other C0 controls)."""
    if not sample:
        return 0.0
    return sample.translate(_CONTROL_TABLE).count(0) / len(sample)


def mostly_utf8(data: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 sequences (UTF-8 with a few bad bytes)."""
    sample = data[: _SAMPLE_BYTES * 4]
    non_ascii = len(_NON_ASCII.findall(sample))
    if non_ascii == 0:
        return True
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(sample))
    return in_sequences >= 0.5 * non_ascii


def legacy_encoding(sample: bytes) -> str:
    """Codec for bytes that are not UTF-8: a trusted detection, else "cp1252"."""
    best = charset_normalizer.from_bytes(sample[: _SAMPLE_BYTES * 4]).best()
    if best is not None:
        name = normalise_encoding(best.encoding)
        if name is not None and name in _TRUSTED_DETECTIONS:
            return name
    return "cp1252"


def _decode_legacy(data: bytes) -> str:
    name = legacy_encoding(data)
    if name != "cp1252":
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            pass
    # The fallback handler maps the five bytes cp1252 leaves undefined as latin-1.
    return data.decode("cp1252", errors=_FALLBACK_HANDLER)


def _decode_declared(data: bytes, declared: str) -> str | None:
    """Decode with a declared charset, unless the bytes prove the label wrong."""
    name = normalise_encoding(declared)
    if name is None or name in ("utf_8", "utf_8_sig"):
        return None  # unknown label or UTF-8: the general path handles it
    if name.startswith(("utf_16", "utf_32")):
        return None  # a BOM-less UTF-16 label on bytes without NUL pattern is wrong
    try:
        # Valid UTF-8 with non-ASCII bytes beats any legacy label (mislabelled pages).
        text = data.decode("utf-8")
        if not data.isascii():
            return text
    except UnicodeDecodeError:
        pass
    if name in _CP1252_ALIASES:
        return data.decode("cp1252", errors=_FALLBACK_HANDLER)
    name = _SUPERSETS.get(name, name)
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Decode the bytes of a text file; raise DecodeError("empty-file"/"binary-file", ...)."""
    if not data or data.isspace():
        raise DecodeError(
            "empty-file", "the file is empty" if not data else "the file holds only whitespace"
        )
    if not data[:_SAMPLE_BYTES].translate(None, _BLANK_BYTES) and not data.translate(
        None, _BLANK_BYTES
    ):
        # NUL padding (a pre-allocated file never written) is empty, not binary.
        raise DecodeError("empty-file", "the file holds only NUL bytes and whitespace")
    what = sniff_binary(data)
    if what is not None:
        raise DecodeError("binary-file", f"the file is {what}, not text")

    text: str | None = None
    bom = bom_encoding(data)
    sample = data[:_SAMPLE_BYTES]
    if bom is not None:
        body = data[len(codecs.BOM_UTF8) if bom == "utf-8" else (4 if "32" in bom else 2) :]
        try:
            text = body.decode(bom)
        except UnicodeDecodeError:
            if bom != "utf-8":
                raise DecodeError(
                    "invalid-encoding", f"the file starts with a {bom} byte-order mark but is not"
                ) from None
            text = body.decode("utf-8", errors=_FALLBACK_HANDLER)
    else:
        utf16 = utf16_without_bom(sample)
        if utf16 is not None:
            try:
                text = data[: len(data) - len(data) % 2].decode(utf16)
            except UnicodeDecodeError:
                text = None
        if text is None:
            if control_ratio(sample) > _MAX_CONTROL_RATIO:
                raise DecodeError(
                    "binary-file", "the file is mostly control bytes: binary data, not text"
                )
            # Stray NULs (from broken exports or padding) carry no text.
            if b"\x00" in data:
                data = data.replace(b"\x00", b"")
            if declared:
                text = _decode_declared(data, declared)
            if text is None:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    if mostly_utf8(data):
                        text = data.decode("utf-8", errors=_FALLBACK_HANDLER)
                    else:
                        text = _decode_legacy(data)

    text = text.lstrip("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.strip():
        raise DecodeError("empty-file", "the file holds only whitespace")
    return text


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)""")
_HTML_PRESCAN_BYTES = 4096


def declared_html_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (BOM, <meta charset>, XML prolog)."""
    bom = bom_encoding(data)
    if bom is not None:
        return bom
    head = data[:_HTML_PRESCAN_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii") if m else None
