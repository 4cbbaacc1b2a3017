"""Is a decoded text written language at all, or bytes that happened to decode?

Random or binary bytes saved as ``.txt`` decode without error (cp1252 gives every byte a
character), and without this check they are stored as a garbled "article" whose tokens
pollute every count downstream. The test is script-aware and needs no dictionary: in
writing of any script most characters are letters, and they form words. In scripts
written with spaces a word is a short run of letters of one script with a plausible
case pattern; in scripts written without spaces (Chinese, Japanese, Thai, …) each letter
counts on its own. Random bytes fail both ways at once: a third of their characters are
symbols, and spaces are so rare that there are no short runs at all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Samples of this many characters from the start, middle and end: enough for a stable
# share, and a file that is garbage only after a genuine first page is caught as well.
_WINDOW = 4_000
# Below this share of characters in words a text is not language. Prose in every corpus
# (English, Chinese, Arabic names in English text) is above 0.7, Reuters' tables of
# figures ("Sep  ---  ---  15985") reach 0.52; seeded random bytes score 0.01 to 0.06,
# random printable ASCII with spaces 0.22.
MIN_WORD_SHARE = 0.4
# Characters that never occur in written text: controls (but TAB, LF, VT, FF, CR, ESC),
# private use, surrogates, non-characters and U+FFFD (what a decoder writes for bytes
# it could not read).
MAX_BAD_SHARE = 0.05
_BAD = re.compile(
    "[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef"
    "\ufffd-\uffff\U000f0000-\U0010ffff]"
)
# Longer than this, a run of letters between spaces is no word (tables of figures joined
# by dots, "AMOCO.......2/23/87........17.50", stay below it).
_MAX_WORD_CHARS = 64
# Brackets and quotes separate words as spaces do: "MANAGEMENT<WMX>", "(CORRECTED)-BANK".
_BRACKETS = re.compile(r"[<>()\[\]{}\"«»“”„|]+")
# Inside a word: apostrophes, hyphens, the dots of "U.S." and "3.5", the colon of
# "10:30", the slash of "y/y", the middle dot of Catalan, and zero-width (non-)joiners
# that Persian and Indic writing needs inside words.
_JOINERS = frozenset("'’´`ʼ-‐.·:/,\u200c\u200d")
# Scripts written without spaces between words: every letter counts as a word of its own.
_UNSPACED = frozenset(
    {
        "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HALFWIDTH", "IDEOGRAPHIC",
        "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "YI", "BOPOMOFO", "JAVANESE",
        "BALINESE",
    }
)  # fmt: skip


@lru_cache(maxsize=65_536)
def _char_class(ch: str) -> tuple[str, str]:
    """(kind, script) of one character: kind is letter, mark, digit or other."""
    category = unicodedata.category(ch)
    if category[0] == "L":
        if ord(ch) < 0x250:
            return "letter", "LATIN"  # includes ª, º and µ, which name no script
        name = unicodedata.name(ch, "")
        script = name.split(" ", 1)[0]
        if script in ("MODIFIER", "FULLWIDTH") and " LETTER " in name:
            script = name.split(" ")[1]  # MODIFIER LETTER APOSTROPHE, FULLWIDTH LATIN …
        return "letter", script
    if category[0] == "M":
        return "mark", ""
    if category == "Nd":
        return "digit", ""
    return "other", ""


@lru_cache(maxsize=65_536)
def _word_chars(token: str) -> int:
    """How many characters of one whitespace-separated token belong to words."""
    if _BRACKETS.search(token):
        return sum(_word_chars(part) for part in _BRACKETS.split(token) if part)
    return _unbracketed_word_chars(token)


def _unbracketed_word_chars(token: str) -> int:
    classes = [_char_class(ch) for ch in token]
    start, end = 0, len(token)
    while start < end and classes[start][0] not in ("letter", "digit"):
        start += 1
    while end > start and classes[end - 1][0] not in ("letter", "digit", "mark"):
        end -= 1
    if start == end:
        return 0
    core = classes[start:end]
    unspaced = sum(1 for kind, script in core if kind == "letter" and script in _UNSPACED)
    if unspaced:
        # Chinese or Japanese runs: count their letters and whatever else is word-like.
        return unspaced + sum(1 for kind, script in core if kind in ("digit", "mark"))
    if end - start > _MAX_WORD_CHARS:
        return 0
    scripts = set()
    for (kind, script), ch in zip(core, token[start:end], strict=True):
        if kind == "letter":
            scripts.add(script)
        elif kind not in ("mark", "digit") and ch not in _JOINERS:
            return 0
    if len(scripts) > 1 or not _plausible_case(token[start:end]):
        return 0
    return end - start


def _plausible_case(word: str) -> bool:
    """At most one lower-to-upper change ("McDonald", "iPhone"), not "xQkRz"-style noise."""
    changes = 0
    previous_lower = False
    for ch in word:
        if ch.isupper():
            if previous_lower:
                changes += 1
            previous_lower = False
        elif ch.islower():
            previous_lower = True
        else:
            previous_lower = False
    return changes <= 1


def _sample(text: str) -> str:
    if len(text) <= 3 * _WINDOW:
        return text
    middle = len(text) // 2 - _WINDOW // 2
    # Cut at whitespace so that no window starts or ends inside a word.
    pieces = (text[:_WINDOW], text[middle : middle + _WINDOW], text[-_WINDOW:])
    return "\n".join(p.rsplit(None, 1)[0] if p.strip() else p for p in pieces)


def not_language(text: str) -> str | None:
    """Why ``text`` is not written language (a sentence for a Reject), or None when it is."""
    sample = _sample(text)
    tokens = sample.split()
    visible = sum(map(len, tokens))
    if visible == 0:
        return None  # empty texts are rejected as such elsewhere
    bad = len(_BAD.findall(sample))
    if bad / visible > MAX_BAD_SHARE:
        return (
            f"{bad / visible:.0%} of its characters are control, private-use or replacement "
            "characters: binary data, not text"
        )
    share = sum(_word_chars(t) for t in tokens) / visible
    if share < MIN_WORD_SHARE:
        return (
            f"the text is not written language: only {share:.0%} of its characters form "
            f"words (text in any script has well over {MIN_WORD_SHARE:.0%}); it looks like "
            "binary or random data"
        )
    return None


# --- which language an article is written in, when its input does not say ---------------

# Han ideographs: the unified block, extension A, the compatibility block (Traditional and
# Simplified alike live here) and the supplementary-plane extensions.
# Counted by runs, which is several times faster than one match per character.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# Kana (with the halfwidth forms), but not the katakana middle dot and the prolonged sound
# mark: Chinese texts use "・" in foreign names too.
_KANA = re.compile("[\u3040-\u309f\u30a0-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_LETTER = re.compile(r"[^\W\d_]+")
# The start of a text decides: its language does not change further on, and a bound keeps
# the cost per article flat.
_DETECT_CHARS = 2_000
# Han must be this share of the letters: Chinese text with English names and acronyms
# ("APEC", "COVID-19") stays far above it, English text quoting a Chinese phrase far below.
# A parallel English–Chinese text (a Han character carries as much as three or four Latin
# letters) sits at about a quarter and is left undecided.
MIN_HAN_SHARE = 0.4
# Japanese writes its grammar in kana: a tenth of the Han-and-kana characters in any
# Japanese sentence, none in Chinese (but a stray "の" in a brand name).
MAX_KANA_SHARE = 0.05
# Two ideographs make the shortest Chinese title ("外交"); one alone may be a symbol.
_MIN_HAN = 2


def _count(runs: re.Pattern[str], text: str) -> int:
    return sum(map(len, runs.findall(text)))


def detect_language(text: str) -> str | None:
    """The code "zh" for text written in Han script (Simplified or Traditional), else None.

    Only what the script settles is decided: Han without kana is Chinese. Latin-script text
    stays None, as it always has (telling English from French needs a language model, and
    the input or the page markup says it where it matters); Japanese, Korean and other
    scripts stay None as well, because nothing downstream treats them apart and a code
    would promise an analysis that is not there.
    """
    sample = text[:_DETECT_CHARS]
    if sample.isascii():
        return None
    han = _count(_HAN, sample)
    if han < _MIN_HAN:
        return None
    kana = _count(_KANA, sample)
    if kana / (han + kana) >= MAX_KANA_SHARE:
        return None
    letters = _count(_LETTER, sample)
    return "zh" if han / letters >= MIN_HAN_SHARE else None
