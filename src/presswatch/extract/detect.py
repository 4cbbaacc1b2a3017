"""The mention detector: countries, capital metonymy, organisations and watch-list terms.

One Aho-Corasick automaton holds every surface form of the gazetteer (and the blockers).
For each field the automaton reports all hits; hits that do not sit on word boundaries are
dropped, then the leftmost-longest hits are kept, so "Papua New Guinea" hides "Guinea" and
the blocker "South China Sea" hides "China". A few context rules (all driven by flags in the
data files) then remove person names, US towns and the like, and decide ambiguous names
(Georgia, Korea, Congo) from the sentence and the article.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, cast

import ahocorasick_rs

from presswatch.extract import context as ctx
from presswatch.extract.gazetteer import Gazetteer, load_gazetteer, normalise
from presswatch.extract.sentences import sentence_number, sentence_starts
from presswatch.models import Mention, MentionKind, MentionSignal
from presswatch.settings import DATA_DIR, get_settings

if TYPE_CHECKING:
    from presswatch.extract.watchlist import WatchlistMatcher

Field = Literal["title", "text"]

# A field counts as ALL CAPS (old wire headlines) when nearly all its letters are capitals.
_CAPS_MIN_LETTERS = 8
_CAPS_RATIO = 0.9
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
# Last characters of an amount before a currency unit: a digit, "million", "thousand", "of".
_AMOUNT_LAST = frozenset("0123456789nNdDfF")
# Order of the mentions within one field (see Detector.detect).
_SPAN_ORDER = attrgetter("start", "end", "kind")


@dataclass(frozen=True, slots=True)
class _Entry:
    entity_id: str
    kind: str  # country | capital | organisation | block
    signal: str
    flags: frozenset[str]
    form: str
    # The rules that can decide about its hits, in order, in ordinary text and in a line
    # written in capitals (see Detector._RULES).
    rules: tuple[_Rule, ...] = dataclasses.field(default=(), compare=False, repr=False)
    caps_rules: tuple[_Rule, ...] = dataclasses.field(default=(), compare=False, repr=False)


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    entry: _Entry
    entity_id: str
    field: Field
    sentence: int = 0
    signal: str = ""
    caps: bool = False  # found in a line written in capitals


class Verdict(enum.Enum):
    """What the rules about one hit decide about it, and why (see Detector._verdict).

    KEEP keeps the hit. A DROP_ verdict drops this hit only. US_TOWN and PERSON drop it and
    also decide its form for the whole article (see Detector._hits).
    """

    KEEP = "kept"
    DROP_HERITAGE = "ancestry, language or culture"  # "Irish heritage", "Mexican-American"
    DROP_OTHER_SENSE = "the word in another sense"  # "Indian casinos", "LET US", lone "Sino"
    DROP_CURRENCY_OR_TICKER = "a currency or a stock ticker"  # "UK$", "<ROK>"
    DROP_LOCAL_PLACE = "a street, district, road or US state"  # "Malta Road", "Little Italy"
    DROP_NAME_OF_THING = "part of an organisation, business or ship name"  # "British Airways"
    DROP_CAPITAL_AS_PLACE = "a capital in a dateline, event or venue"  # "Paris Agreement"
    DROP_PERSON_NAME = "part of a person's name"  # "Jordan Henderson", "Monica French"
    US_TOWN = "a US town throughout the article"  # "Lebanon, Pa."
    PERSON = "a person throughout the article"  # "Kelvin Jordan", then "Jordan said"


# One rule about one hit: (detector, text, start, end, entry, in a capitalised line, title
# in Title Case) -> a verdict, or None when the rule has nothing to say.
_Rule = Callable[["Detector", str, int, int, _Entry, bool, bool], "Verdict | None"]
# (Looking up an enum member runs Python code on Python 3.11: KEEP, the verdict of almost
# every hit, is looked up once here.)
_KEEP = Verdict.KEEP


def _needs_boundary(ch: str) -> bool:
    return ch.isalnum()


# (entry index, check the start boundary, check the end boundary) of each automaton pattern.
_PatternInfo = tuple[int, bool, bool]


def _build_automaton(forms: Sequence[str]) -> tuple[ahocorasick_rs.AhoCorasick, list[_PatternInfo]]:
    """An automaton over the distinct non-empty forms (a repeated form keeps its first entry).

    ahocorasick_rs (Rust, DFA) reports all overlapping matches several times faster than
    pyahocorasick, whose trie scans every child list one by one.
    """
    first: dict[str, int] = {}
    for index, form in enumerate(forms):
        if form and form not in first:
            first[form] = index
    info = [
        (index, _needs_boundary(form[0]), _needs_boundary(form[-1]))
        for form, index in first.items()
    ]
    automaton = ahocorasick_rs.AhoCorasick(first, implementation=ahocorasick_rs.Implementation.DFA)
    return automaton, info


def _upper_same_length(text: str) -> str:
    """Upper-case without changing length (``"ß".upper()`` would add a character)."""
    upper = text.upper()
    if len(upper) == len(text):
        return upper
    return "".join(c if len(c.upper()) != 1 else c.upper() for c in text)


_DELETE_LOWER = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")
_DELETE_UPPER = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def is_all_caps(text: str) -> bool:
    """True when a text is written in capitals (e.g. 1980s wire headlines)."""
    # str.translate deletes in C: far cheaper than a Python loop over every character.
    lower = len(text) - len(text.translate(_DELETE_LOWER))
    upper = len(text) - len(text.translate(_DELETE_UPPER))
    letters = lower + upper
    return letters >= _CAPS_MIN_LETTERS and upper >= _CAPS_RATIO * letters


_ASCII_LOWER = b"abcdefghijklmnopqrstuvwxyz"


def all_caps_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line written in capitals (1980s wire headlines, shouted titles)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    size = len(text)
    while pos <= size:
        stop = text.find("\n", pos)
        if stop < 0:
            stop = size
        n = stop - pos
        # A capitalised line has at most n/10 lower-case letters (a-z, as is_all_caps counts
        # them), so cheap necessary conditions first, at C speed: a short prefix with more
        # than that (prose has them within its first fifth), then few "e" and "a" in the
        # line. bytes.translate deletes far faster than str.translate, and deleting a-z from
        # UTF-8 bytes removes exactly the ASCII lower-case letters.
        if n >= _CAPS_MIN_LETTERS:
            head = text[pos : min(stop, pos + n // 5 + 8)].encode()
            if (
                len(head) - len(head.translate(None, _ASCII_LOWER)) <= 0.1 * n
                and text.count("e", pos, stop) + text.count("a", pos, stop) <= 0.1 * n
                and is_all_caps(text[pos:stop])
            ):
                spans.append((pos, stop))
        pos = stop + 1
    return spans


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right(spans, (offset, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _is_title_case(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


# Flags whose hits are decided from context, so they are no evidence for other hits.
_CONTEXT_FLAGS = frozenset(
    {"homograph", "georgia", "korea", "congo", "jersey", "native", "kentucky"}
)


def _native_american_sense(article: str) -> bool:
    """ "Indian" means Native American: tribes or reservations and nothing about India."""
    if not any(word in article for word in ctx.NATIVE_WORDS):
        return False
    return bool(ctx.NATIVE_CUES.search(article)) and not ctx.INDIA_CUES.search(article)


def _kentucky_sense(article: str) -> bool:
    """ "UK" is the University of Kentucky: Kentucky and the university, nothing British."""
    return (
        any(word in article for word in ctx.KENTUCKY_CUES)
        and bool(ctx.UK_UNIVERSITY_CUES.search(article))
        and not ctx.BRITAIN_CUES.search(article)
    )


def _congo_republic_sense(article: str) -> bool:
    """ "Congo" is the Republic of the Congo: Brazzaville, Sassou Nguesso, Pointe-Noire."""
    return any(word in article for word in ctx.CONGO_REPUBLIC_WORDS) and bool(
        ctx.CONGO_REPUBLIC_CUES.search(article)
    )


def _window_start(start: int) -> int:
    """Where the context rules start looking back: 40 characters before a hit."""
    return start - 40 if start > 40 else 0


def _cached(cache: dict[str, object], key: str, test: Callable[[str], bool], article: str) -> bool:
    if key not in cache:
        cache[key] = test(article)
    return bool(cache[key])


def _with_rules(entry: _Entry) -> _Entry:
    """The entry with the rules that concern its hits (each hit runs only those)."""
    mine = [(rule, in_caps) for rule, concerns, in_caps in Detector._RULES if concerns(entry)]
    return dataclasses.replace(
        entry,
        rules=tuple(rule for rule, _ in mine),
        caps_rules=tuple(rule for rule, in_caps in mine if in_caps),
    )


class Detector:
    """Find country, capital, organisation and watch-list mentions in a title and a text."""

    def __init__(self, gazetteer: Gazetteer, watchlist: WatchlistMatcher | None = None) -> None:
        self.gazetteer = gazetteer
        self.watchlist = watchlist
        self._entries = [
            _with_rules(_Entry(a.entity_id, a.kind, a.signal, a.flags, a.form))
            for a in gazetteer.aliases
        ]
        self._build_automata()
        self._state_after = ctx.state_after_pattern(gazetteer.us_states)
        self._other_states = ctx.other_states_pattern(gazetteer.us_states)
        self._state_anywhere = ctx.any_state_pattern(gazetteer.us_states)
        self._forms = frozenset(e.form for e in self._entries if e.kind == "country")
        self._all_forms = frozenset(e.form for e in self._entries if e.kind != "block")
        words = gazetteer.contexts
        heads = words.get("event_head", ())
        self._event_after = ctx.event_after_pattern(heads, adjacent=False)
        self._event_adjacent = ctx.event_after_pattern(heads, adjacent=True)
        self._event_adjacent_caps = re.compile(self._event_adjacent.pattern, re.IGNORECASE)
        self._dateline_before = ctx.dateline_before_pattern(
            words.get("agency", ()), words.get("agency_head", ())
        )
        self._job_after = ctx.job_apposition_pattern(words.get("job_title", ()))
        self._homograph_words = {
            e.form: re.compile(r"(?<![A-Za-z])" + re.escape(e.form.lower()) + r"(?![A-Za-z])")
            for e in self._entries
            if "homograph" in e.flags
        }

    def _build_automata(self) -> None:
        self._auto, self._auto_info = _build_automaton([e.form for e in self._entries])
        caps_forms = [
            "" if "nocaps" in e.flags else _upper_same_length(e.form) for e in self._entries
        ]
        self._auto_caps, self._auto_caps_info = _build_automaton(caps_forms)

    # Detectors are sent to worker processes. ahocorasick_rs automata do not pickle, so they
    # are rebuilt on arrival (milliseconds).
    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        for name in ("_auto", "_auto_info", "_auto_caps", "_auto_caps_info"):
            del state[name]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._build_automata()

    @classmethod
    def from_data(cls, data_dir: Path = DATA_DIR, watchlist_path: Path | None = None) -> Detector:
        """A detector from the data files (and the watch-list file when it exists)."""
        matcher = None
        if watchlist_path is not None:
            path = watchlist_path
        elif data_dir == DATA_DIR:
            path = get_settings().watchlist_path  # PRESSWATCH_WATCHLISTS, else data/watchlists.toml
        else:
            path = data_dir / "watchlists.toml"
        if path.exists():
            from presswatch.extract.watchlist import WatchlistMatcher, load_watchlists

            matcher = WatchlistMatcher(load_watchlists(path))
        return cls(load_gazetteer(data_dir), matcher)

    # -- matching -----------------------------------------------------------------------

    def _candidates(
        self, haystack: str, caps: bool, offset: int, raw: list[tuple[int, int, int]]
    ) -> None:
        """Append (start, -end, entry index) for every automaton hit on word boundaries."""
        if caps:
            automaton, info = self._auto_caps, self._auto_caps_info
        else:
            automaton, info = self._auto, self._auto_info
        n = len(haystack)
        for pattern, start, end in automaton.find_matches_as_indexes(haystack, overlapping=True):
            index, check_start, check_end = info[pattern]
            if check_start and start > 0 and haystack[start - 1].isalnum():
                continue
            if check_end and end < n and haystack[end].isalnum():
                continue
            raw.append((start + offset, -(end + offset), index))

    def _select(
        self, text: str, caps_lines: list[tuple[int, int]]
    ) -> list[tuple[int, int, _Entry]]:
        """Leftmost-longest hits on word boundaries, blockers included.

        Lines written in capitals are matched against the upper-cased forms instead.
        """
        haystack = normalise(text)
        raw: list[tuple[int, int, int]] = []
        if caps_lines != [(0, len(text))]:
            self._candidates(haystack, False, 0, raw)
            if caps_lines:
                raw = [c for c in raw if not _inside(caps_lines, c[0])]
        for lo, hi in caps_lines:
            self._candidates(_upper_same_length(haystack[lo:hi]), True, lo, raw)
        raw.sort()
        selected: list[tuple[int, int, _Entry]] = []
        last_end = 0
        for start, neg_end, index in raw:
            if start >= last_end:
                selected.append((start, -neg_end, self._entries[index]))
                last_end = -neg_end
        return selected

    # -- rules about one hit ------------------------------------------------------------
    # Each rule looks at the words around one hit, one theme per rule, and returns a
    # Verdict, or None when it has nothing to say about the hit. _RULES says which entries
    # each rule concerns, so a hit runs only those rules. Inside a rule, cheap tests on
    # single characters come first: most hits have a plain space or punctuation around
    # them and need no regular expression at all.

    def _verdict(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict:
        """The first verdict of the entry's rules, in order; KEEP when none has one."""
        for rule in entry.caps_rules if caps else entry.rules:
            verdict = rule(self, text, start, end, entry, caps, title_case)
            if verdict is not None:
                return verdict
        return _KEEP

    def _compound_words(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A hyphen after a demonym or a prefix: ancestry, or the compound "Sino" needs."""
        signal = entry.signal
        after = text[end : end + 1]
        if after in _DASHES:
            heritage = ctx.HERITAGE_SECOND.match(text, end)
            # A prefix ("Anglo-American", "Sino-Canadian") names two states or a company
            # (Anglo American plc) unless it is the plural noun: "Anglo-Americans".
            if heritage and (
                heritage.group(0).endswith("s")
                or (signal == "demonym" and ctx.HERITAGE_AFTER.match(text, heritage.end()))
            ):
                return Verdict.DROP_HERITAGE  # "Mexican-American community", "Anglo-Americans"
        if signal == "compound":
            # "Sino" counts only as the first part of a compound: "Sino-US", "Sino-African".
            if after in _DASHES and text[end + 1 : end + 2].isalpha():
                return Verdict.KEEP
            return Verdict.DROP_OTHER_SENSE
        return None

    def _currency_or_ticker(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A country code inside a currency or a stock ticker: "US$", "<ROK>"."""
        after = text[end : end + 1]
        if after == "$":  # US$, NZ$
            return Verdict.DROP_CURRENCY_OR_TICKER
        if (
            after == " "
            # (cheap gate: an amount ends in a digit, "million"/"thousand" or "of")
            and text[start - 2 : start - 1] in _AMOUNT_LAST
            and text[start - 1 : start] == " "
            and ctx.CURRENCY_AFTER.match(text, end)
            and ctx.AMOUNT_BEFORE.search(text, _window_start(start), start)
        ):
            return Verdict.DROP_CURRENCY_OR_TICKER  # "20 billion US dollars", like US$
        if start > 0 and text[start - 1] == "<" and after == ">":
            return Verdict.DROP_CURRENCY_OR_TICKER  # <ROK> in wire copy
        return None

    def _us_town_or_street(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A country or capital name that is a US town, a street or a district."""
        after = text[end : end + 1]
        prev2 = text[start - 2 : start] if start >= 2 else ""
        if after == ",":
            state = self._state_after.match(text, end)
            if state and not ctx.LIST_CONTINUES.match(text, state.end()):
                # "Lebanon, Pa.", "Paris, Texas" (not "Guam, Alaska, Hawaii")
                return Verdict.US_TOWN
        if prev2[:1] == "," and ctx.STRONG_LOCAL_BEFORE.search(text, _window_start(start), start):
            return Verdict.US_TOWN  # "Locust St., Lebanon", "Joyce Glover, 22, Palestine"
        if after == " ":
            # (Most hits are followed by a word that can start none of these phrases.)
            local_word = text[end + 1 : end + 2] in ctx.LOCAL_AFTER_INITIALS
            if local_word and ctx.STRONG_LOCAL_AFTER.match(text, end):
                # A capital keeps its other mentions: "Beijing High School" is in Beijing.
                return Verdict.US_TOWN if entry.kind == "country" else Verdict.DROP_LOCAL_PLACE
            if "us_town" in entry.flags and ctx.TOWN_WORDS_AFTER.match(text, end):
                return Verdict.US_TOWN  # "a Palestine man", "Lebanon police"
            if local_word and ctx.WEAK_LOCAL_AFTER.match(text, end):
                return Verdict.DROP_LOCAL_PLACE  # "Malta Road", "Beijing Road"
        if (
            entry.kind == "country"
            and prev2[:1] == "f"
            and text.endswith(ctx.TOWN_NAME_ENDINGS, _window_start(start), start - 1)
            and ctx.TOWN_NAME_BEFORE.search(text, _window_start(start), start)
        ):
            return Verdict.US_TOWN  # "City of Turkey"
        if "us_town" in entry.flags and prev2 in ("f ", "n "):
            verdict = self._us_town_before(text, _window_start(start), start, end, entry)
            if verdict is not None:
                return verdict
        if (
            prev2 == "e "
            and text.endswith("Little ", _window_start(start), start)
            and ctx.NEIGHBOURHOOD_BEFORE.search(text, _window_start(start), start)
        ):
            return Verdict.DROP_LOCAL_PLACE  # "Little Italy"
        return None

    def _us_town_before(
        self, text: str, lo: int, start: int, end: int, entry: _Entry
    ) -> Verdict | None:
        """Context before a name that is also a US town: "town of Malta", "Malta Road in Malta",
        "Galen Miller of Palestine," (in a text that speaks of a county)."""
        if text[start - 2 : start] == "f ":
            if ctx.US_TOWN_NAME_BEFORE.search(text, lo, start):
                return Verdict.US_TOWN  # "the town of Malta"
            person = ctx.RESIDENT_OF_BEFORE.search(text, max(0, start - 60), start)
            if (
                person
                and ctx.RESIDENT_OF_END.match(text, end)
                and not any(
                    w.lower() in ctx.TITLES
                    or w.lower() in ctx.NOT_GIVEN_NAMES
                    or w.lower() in ctx.INSTITUTION_WORDS
                    or w in self._all_forms
                    for w in person.groups()
                )
                and not ctx.TITLE_BEFORE.search(text, max(0, person.start() - 30), person.start())
                and ctx.COUNTY_WORD.search(text)
            ):
                # Only this hit: "Fidel Castro of Cuba," may stand in a story that names
                # Florida, and must not turn the article's other "Cuba"s into a town.
                return Verdict.DROP_LOCAL_PLACE  # "Galen Miller of Palestine," (county news)
        else:
            road = ctx.ROAD_IN_BEFORE.search(text, lo, start)
            if road and road.group(1) == entry.form:
                return Verdict.US_TOWN  # "Malta Road in Malta"
        return None

    def _names_of_things(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """Part of the name of a ship, a business or an organisation."""
        after = text[end : end + 1]
        prev2 = text[start - 2 : start] if start >= 2 else ""
        signal = entry.signal
        if (
            prev2[1:] == " "
            and prev2[:1].isupper()
            and ctx.SHIP_BEFORE.search(text, _window_start(start), start)
        ):
            return Verdict.DROP_NAME_OF_THING  # "USS Tripoli"
        if (
            prev2 == "s "
            and entry.kind == "country"
            and signal == "name"
            and text[start - 3 : start - 2] in ("'", "\u2019")
            and after == " "
        ):
            owner = ctx.POSSESSOR_BEFORE.search(text, _window_start(start), start)
            if (
                owner
                and owner.group(1) not in self._all_forms
                and ctx.SMALL_BUSINESS_AFTER.match(text, end)
            ):
                return Verdict.DROP_NAME_OF_THING  # "Henry's Turkey Service"
        if signal in ("name", "demonym", "capital") and after == " ":
            org_like = text[end + 1 : end + 2].isupper() or text.startswith(("and ", "& "), end + 1)
            heads = ctx.ORGANISATION_AFTER_CAPS if caps else ctx.ORGANISATION_AFTER
            if org_like and heads.match(text, end):
                # "American Diabetes Association", "British Airways", "Whitehall Corp"
                return Verdict.DROP_NAME_OF_THING
        if entry.form == "America" and not title_case:
            org = ctx.OF_ORGANISATION.search(text, _window_start(start), start)
            if org and org.group(1).lower() not in ctx.NOT_ORGANISATION_HEADS:
                if org.group(1).lower() not in ctx.NOT_GIVEN_NAMES:
                    return Verdict.DROP_NAME_OF_THING  # "Bank of America", "Boy Scouts of America"
            if self._given_name_before(text, _window_start(start), start):
                return Verdict.DROP_NAME_OF_THING  # "Reserve America"
        return None

    def _capital_as_place(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A capital in a dateline or in the name of an event, document or venue.

        A capital stands for its state only when the state acts or speaks ("Beijing said").
        In a dateline or in the name of an event, document or venue held in the city it is
        a place. The detector has no place kind and drops capitals used as places ("Beijing
        Road", "Beijing High School"), so these hits are dropped the same way, each alone:
        "Beijing Xiangshan Forum" says nothing about the next "Beijing said".
        """
        after = text[end : end + 1]
        if after and after in ", (\u2014\u2013" and self._dateline(text, start, end):
            return Verdict.DROP_CAPITAL_AS_PLACE  # "Xinhua News Agency, Beijing, December 29"
        nxt = text[end + 1 : end + 2]
        if after == " " and (nxt.isupper() or nxt.isdigit()):
            if caps:
                event = self._event_adjacent_caps.match(text, end)
            else:
                head = self._event_adjacent if title_case else self._event_after
                event = head.match(text, end)
            if event:
                return Verdict.DROP_CAPITAL_AS_PLACE  # "Beijing Xiangshan Forum", "Paris Agreement"
        return None

    def _short_forms(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """Abbreviations and short names read otherwise: "US-24", "LET US", "Quad"."""
        if entry.signal == "abbreviation" and entry.entity_id == "US":
            if ctx.US_HIGHWAY_AFTER.match(text, end):
                return Verdict.DROP_LOCAL_PLACE  # "US-24", "U.S. Highway 82"
            if caps and ctx.CAPS_PRONOUN_BEFORE.search(text, _window_start(start), start):
                return Verdict.DROP_OTHER_SENSE  # "LET US" in a capitalised headline
        if "needs_the" in entry.flags and text[max(0, start - 4) : start].lower() != "the ":
            return Verdict.DROP_OTHER_SENSE  # "Quad" without "the"
        return None

    def _language_or_culture(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A demonym for a language, a cuisine or a heritage, not the country."""
        if entry.form in ctx.LANGUAGES and (
            ctx.LANGUAGE_AFTER.match(text, end)
            or (
                # (the cheap anchored match first: the search tries every offset)
                ctx.LANGUAGE_END.match(text, end)
                and ctx.LANGUAGE_BEFORE.search(text, _window_start(start), start)
            )
            or (
                text.endswith(ctx.SCHOOL_WORDS, _window_start(start), start - 1)
                and ctx.SCHOOL_SUBJECT_BEFORE.search(text, _window_start(start), start)
            )
        ):
            return Verdict.DROP_HERITAGE  # "speaks French", "French class"
        if text[end : end + 1] == " " and ctx.CULTURE_AFTER.match(text, end):
            return Verdict.DROP_HERITAGE  # "Irish heritage", "Italian food"
        return None

    def _native_american(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """ "Indian" for Native Americans, told by the words right around it."""
        if (
            ctx.NATIVE_AFTER.match(text, end)
            or ctx.RACE_NEIGHBOUR_BEFORE.search(text, _window_start(start), start)
            or ctx.RACE_NEIGHBOUR_AFTER.match(text, end)
        ):
            return Verdict.DROP_OTHER_SENSE  # "Indian casinos", "Negro and Indian servants"
        return None

    def _us_state(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """ "Washington" after a town and a comma is the state."""
        if start >= 2 and text[start - 2 : start] == ", ":
            town = ctx.TOWN_COMMA_BEFORE.search(text, _window_start(start), start)
            if town and town.group(1) not in self._all_forms:
                return Verdict.DROP_LOCAL_PLACE  # "Seattle, Washington"
        return None

    def _demonym_surname(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A one-word demonym that is a surname: "Monica French", "French said"."""
        if self._given_name_before(text, _window_start(start), start):
            return Verdict.DROP_PERSON_NAME  # "Monica French", "Atakapa Indians"
        if ctx.SPEECH_AFTER.match(text, end) and text[max(0, start - 4) : start] != "the ":
            return Verdict.DROP_PERSON_NAME  # "French said"
        return None

    def _country_given_name(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A one-word country name that is a given name: "said Israel Marshall, manager"."""
        if (
            text[end : end + 1] == " "
            and text[end + 1 : end + 2].isupper()
            and not title_case
            and self._given_name_of_person(text, _window_start(start), start, end)
        ):
            return Verdict.DROP_PERSON_NAME  # only this hit
        return None

    def _namesake(
        self, text: str, start: int, end: int, entry: _Entry, caps: bool, title_case: bool
    ) -> Verdict | None:
        """A name flagged "person" (Jordan, Chad, Paris) used as a person's name."""
        if title_case:  # in "Title Case" every word is capitalised
            return None
        lo = _window_start(start)
        if self._given_name_before(text, lo, start, sentence_initial=True):
            # A country name that is someone's surname is so for the whole article; a
            # capital is not ("Air Berlin" says nothing about the next "Berlin").
            return Verdict.PERSON if entry.kind == "country" else Verdict.DROP_PERSON_NAME
        # "Prime Minister of Malta Joseph Muscat": after "of" a name follows the country.
        surname = ctx.NAME_AFTER.match(text, end)
        if surname and surname.group(1).lower() not in ctx.NOT_SURNAMES:
            if text[max(0, start - 3) : start] != "of ":
                # Only this hit: "Paris Agreement" says nothing about the next "Paris".
                return Verdict.DROP_PERSON_NAME  # "Jordan Henderson", "Chad LaBumbard"
        if text[start - 5 : start] == " and " and entry.kind == "country":
            pair = ctx.SURNAME_AND_BEFORE.search(text, lo, start)
            other = pair.group(2) if pair else ""
            word_before = (pair.group(1) or "") if pair else ""
            if (
                pair
                # not the end of a longer name: "West Bank and Jordan"
                and not (word_before[:1].isupper() and word_before.lower() not in ctx.OPENERS)
                and other not in self._all_forms
                and other.lower() not in ctx.NOT_GIVEN_NAMES
                and not self._state_anywhere.fullmatch(other)
                and ctx.DEED_AFTER.match(text, end)
            ):
                return Verdict.DROP_PERSON_NAME  # "Brown and Jordan shot ...": two surnames
        return None

    # Each rule, the entries whose hits it concerns, and whether it runs in a line written in
    # capitals. There every word is capitalised, so the rules that read a capital letter as
    # the start of a name do not run. The order matters where a verdict is not a DROP:
    # _compound_words may KEEP a prefix before any other rule sees it, and US_TOWN and
    # PERSON decide the form for the whole article only when no rule before them dropped
    # the hit alone.
    _RULES: ClassVar[tuple[tuple[_Rule, Callable[[_Entry], bool], bool], ...]] = (
        (_compound_words, lambda e: e.signal in ("demonym", "compound"), True),
        (_currency_or_ticker, lambda e: True, True),
        (
            _us_town_or_street,
            lambda e: e.kind in ("country", "capital") and e.signal in ("name", "capital"),
            True,
        ),
        (_names_of_things, lambda e: True, True),
        (_capital_as_place, lambda e: e.kind == "capital", True),
        (
            _short_forms,
            lambda e: (
                (e.signal == "abbreviation" and e.entity_id == "US") or "needs_the" in e.flags
            ),
            True,
        ),
        (_language_or_culture, lambda e: e.signal == "demonym", False),
        (_native_american, lambda e: "native" in e.flags, False),
        (_us_state, lambda e: e.form == "Washington", False),
        (_demonym_surname, lambda e: e.signal == "demonym" and " " not in e.form, False),
        (
            # (names flagged "person" have the broader rule, _namesake)
            _country_given_name,
            lambda e: (
                e.kind == "country"
                and e.signal == "name"
                and " " not in e.form
                and "person" not in e.flags
            ),
            False,
        ),
        (_namesake, lambda e: "person" in e.flags, False),
    )

    def _dateline(self, text: str, start: int, end: int) -> bool:
        """A capital opening a dateline: at the start of a line or sentence (or after a
        news agency's name and a comma), then a date, an agency in parentheses or a dash."""
        if not ctx.DATELINE_AFTER.match(text, end):
            return False
        line = text.rfind("\n", 0, start) + 1
        return bool(self._dateline_before.fullmatch(text, max(line, start - 80), start))

    def _given_name_of_person(self, text: str, lo: int, start: int, end: int) -> bool:
        """A country name that is the given name of a person introduced by job or as a
        speaker: "Israel Marshall, product manager", "..., said Israel Katz." The country is
        dropped for this hit only: a later "Israel" is the state again, as articles go on
        by surname."""
        name = ctx.NAME_AFTER.match(text, end)
        if name is None:
            return False
        surname = name.group(1)
        if (
            surname.endswith(".")
            or surname.lower() in ctx.NOT_SURNAMES
            or surname in self._all_forms
            or surname.lower() in ctx.INSTITUTION_WORDS
        ):
            return False
        if self._job_after.match(text, name.end()):
            return True
        return bool(
            ctx.SPEAKER_END.match(text, name.end()) and ctx.SPEECH_BEFORE.search(text, lo, start)
        )

    @staticmethod
    def _defines_other_acronym(
        text: str, start: int, end: int, entry: _Entry, hits: list[_Hit]
    ) -> bool:
        """ "Provincial Response Company (PRC)": the acronym is defined locally, not a country."""
        if text[end : end + 1] != ")":
            return False
        if hits and hits[-1].entity_id == entry.entity_id and start - hits[-1].end <= 3:
            return False  # "People's Republic of China (PRC)"
        words = ctx.DEFINING_WORDS.search(text, max(0, start - 120), start)
        if words is None:
            return False
        initials = "".join(w[0] for w in words.group(0).split() if w[:1].isupper())
        letters = "".join(c for c in entry.form if c.isalpha())
        return initials.endswith(letters)

    def _given_name_before(
        self, text: str, lo: int, start: int, *, sentence_initial: bool = False
    ) -> bool:
        """A capitalised word, not a function or country word, right before ``start``.

        With ``sentence_initial`` a word opening a sentence also counts ("Denzel Washington
        starred"); for demonyms it does not ("Many French voters").
        """
        if start < 3 or text[start - 1] != " " or not text[start - 2].isalpha():
            return False
        before = ctx.NAME_BEFORE.search(text, lo, start)
        if before is None or before.group(1).endswith("."):
            return False
        word = before.group(1)
        if word.lower() in ctx.NOT_GIVEN_NAMES or word in self._all_forms:
            return False
        k = before.start() - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if sentence_initial:
            return True
        # At a sentence or line start a capitalised word says nothing ("Many French ...").
        return k >= 0 and text[k] not in '.!?\n"\u201c:;(\u2014-'

    def _field_hits(
        self, text: str, field: Field, local_forms: set[str], person_forms: set[str]
    ) -> tuple[list[_Hit], list[int]]:
        caps_lines = all_caps_lines(text)
        title_case = field == "title" and _is_title_case(text)
        starts = [0] if field == "title" else sentence_starts(text)
        hits: list[_Hit] = []
        for start, end, entry in self._select(text, caps_lines):
            if entry.kind == "block":
                continue
            caps = bool(caps_lines) and _inside(caps_lines, start)
            if entry.signal == "abbreviation" and text[start - 1 : start] == "(":
                if self._defines_other_acronym(text, start, end, entry, hits):
                    continue
            verdict = self._verdict(text, start, end, entry, caps, title_case)
            if verdict is not _KEEP:
                if verdict is Verdict.US_TOWN:
                    local_forms.add(entry.form)
                elif verdict is Verdict.PERSON:
                    person_forms.add(entry.form)
                continue
            sentence = 0 if field == "title" else sentence_number(starts, start)
            hits.append(
                _Hit(start, end, entry, entry.entity_id, field, sentence, entry.signal, caps)
            )
        return hits, starts

    # -- article-level decisions ----------------------------------------------------------

    def _resolve(self, hits: list[_Hit], texts: dict[Field, str]) -> list[_Hit]:
        """Decide flagged hits (Georgia, Korea, Congo, homographs, Jersey) from context."""
        if not any(h.entry.flags for h in hits):
            return hits
        article = (texts.get("title") or "") + "\n" + texts.get("text", "")
        plain_ids = {h.entity_id for h in hits if not (h.entry.flags & _CONTEXT_FLAGS)}
        # The Koreas named in each sentence, by hits not themselves flagged "korea" (taken
        # before the loop below changes any entity_id).
        koreas = {
            (h.field, h.sentence, h.entity_id)
            for h in hits
            if h.entity_id in ("KR", "KP") and "korea" not in h.entry.flags
        }
        cache: dict[str, object] = {}
        kept: list[_Hit] = []
        for h in hits:
            flags = h.entry.flags
            if not flags:
                kept.append(h)
                continue
            text = texts[h.field]
            if "homograph" in flags and not self._homograph_ok(h, text, article, plain_ids):
                continue
            if "jersey" in flags and ("New Jersey" in article or "N.J." in article):
                continue
            if "native" in flags and _cached(cache, "native", _native_american_sense, article):
                continue
            if "kentucky" in flags and _cached(cache, "kentucky", _kentucky_sense, article):
                continue
            if "georgia" in flags and not self._georgia_is_country(h, text, article, cache):
                continue
            if "korea" in flags:
                # Bare "Korea"/"Korean" is South Korea unless the sentence, or failing that
                # the article, speaks of North Korea only.
                if (h.field, h.sentence, "KR") not in koreas and (
                    (h.field, h.sentence, "KP") in koreas
                    or ("KP" in plain_ids and "KR" not in plain_ids)
                ):
                    h.entity_id = "KP"
            if "congo" in flags:
                if "CG" in plain_ids and "CD" not in plain_ids:
                    h.entity_id = "CG"
                elif "CD" not in plain_ids and _cached(
                    cache, "congo", _congo_republic_sense, article
                ):
                    h.entity_id = "CG"
            kept.append(h)
        return kept

    def _drop_lone_capitals(self, hits: list[_Hit], texts: dict[Field, str]) -> list[_Hit]:
        """Drop "Paris", "Lima", "Dublin" in US local news: a foreign capital with no foreign
        country, organisation or second foreign capital anywhere in an article that names US
        states is a US town."""
        lone = {h.entity_id for h in hits if h.entry.kind == "capital" and h.entity_id != "US"}
        if not lone or len(lone) > 1:
            return hits
        if any(h.entry.kind != "capital" and h.entity_id != "US" for h in hits):
            return hits
        article = (texts.get("title") or "") + "\n" + texts["text"]
        if not self._state_anywhere.search(article):
            return hits
        return [h for h in hits if h.entry.kind != "capital" or h.entity_id == "US"]

    def _homograph_ok(self, h: _Hit, text: str, article: str, plain_ids: set[str]) -> bool:
        """ "Turkey" opening a sentence in a story that also says "turkey" is the bird."""
        if h.entity_id in plain_ids:
            return True
        k = h.start - 1
        while k >= 0 and text[k] in " \t\"'(\u201c\u2018":
            k -= 1
        # Opening a sentence or a line, a capital letter says nothing about the word.
        at_start = h.field == "title" or k < 0 or text[k] in ".!?:\n"
        if not at_start and not h.caps:
            return True
        word = self._homograph_words.get(h.entry.form)
        return word is None or not word.search(article)

    def _georgia_is_country(
        self, h: _Hit, text: str, article: str, cache: dict[str, object]
    ) -> bool:
        """Weigh country cues (Tbilisi, Russia ...) against US-state cues (Atlanta, county ...)."""
        lo = text.rfind("\n", 0, h.start) + 1
        hi = text.find("\n", h.end)
        sentence = text[lo : hi if hi >= 0 else len(text)]
        country = len(ctx.GEORGIA_COUNTRY_CUES.findall(sentence))
        state = len(ctx.GEORGIA_STATE_CUES.findall(sentence))
        if country != state and (country == 0 or state == 0):
            return country > state
        if "article" not in cache:
            a_country = len(ctx.GEORGIA_COUNTRY_CUES.findall(article))
            a_state = len(ctx.GEORGIA_STATE_CUES.findall(article))
            # The country needs positive evidence (Tbilisi, Russia, NATO ...): without it,
            # "Georgia" in English-language news is as likely the state or a first name.
            cache["article"] = a_country > a_state and not (
                a_state == 0 and a_country == 1 and self._other_states.search(article)
            )
        return bool(cache["article"])

    # -- public API ---------------------------------------------------------------------

    def _hits(self, text: str, title: str | None) -> tuple[list[_Hit], dict[Field, str], list[int]]:
        """Hits of both fields after every rule, the fields, and the text's sentence starts."""
        texts: dict[Field, str] = {"text": text}
        local_forms: set[str] = set()
        person_forms: set[str] = set()
        hits: list[_Hit] = []
        if title:
            texts["title"] = title
            hits.extend(self._field_hits(title, "title", local_forms, person_forms)[0])
        text_hits, starts = self._field_hits(text, "text", local_forms, person_forms)
        hits.extend(text_hits)
        if local_forms:
            # One sense per discourse: once "Lebanon" is a US town, it is one throughout.
            hits = [h for h in hits if h.entry.form not in local_forms]
        if person_forms:
            # Once "Michael Jordan" has appeared, a later bare "Jordan" is him, unless the
            # words before it make it a place ("in Jordan", "to Jordan").
            hits = [
                h
                for h in hits
                if h.entry.form not in person_forms
                or ctx.PLACE_PREPOSITION_BEFORE.search(
                    texts[h.field], max(0, h.start - 20), h.start
                )
            ]
        return self._drop_lone_capitals(self._resolve(hits, texts), texts), texts, starts

    def detect(self, text: str, title: str | None = None) -> list[Mention]:
        """All mentions in ``title`` (sentence 0) and ``text`` (sentences from 1)."""
        hits, texts, starts = self._hits(text, title)
        mentions: list[Mention] = []
        for field in ("title", "text"):
            if field not in texts:
                continue
            found = self._mentions(hits, texts[field], field)
            if self.watchlist is not None:
                terms = self._terms(texts[field], field, starts)
                if terms:
                    # Entity mentions come in text order already; with terms, order by
                    # (start, end, kind). The sort is stable: equal keys keep entities first.
                    found.extend(terms)
                    found.sort(key=_SPAN_ORDER)
            mentions.extend(found)
        return mentions

    @staticmethod
    def _mentions(hits: list[_Hit], text: str, field: Field) -> list[Mention]:
        own = [h for h in hits if h.field == field]
        # Two country words joined by a hyphen ("China-Russia", "Sino-US") are a compound.
        starts = {h.start: h for h in own if h.entry.kind == "country"}
        for h in starts.values():
            nxt = starts.get(h.end + 1)
            if nxt is not None and text[h.end] in _DASHES:
                h.signal = "compound"
                nxt.signal = "compound"
        # Positional arguments: Mention is a frozen dataclass, and keywords cost a third more.
        return [
            Mention(
                h.entity_id,
                cast(MentionKind, h.entry.kind),
                cast(MentionSignal, h.signal),
                h.start,
                h.end,
                h.sentence,
                text[h.start : h.end],
                field,
            )
            for h in own
        ]

    def _terms(self, text: str, field: Field, text_starts: list[int]) -> list[Mention]:
        """Watch-list matches in one field (sentence 0 in the title)."""
        assert self.watchlist is not None
        title = field == "title"
        return [
            Mention(
                f"term:{label}",
                "term",
                "term",
                start,
                end,
                0 if title else sentence_number(text_starts, start),
                text[start:end],
                field,
            )
            for label, start, end in self.watchlist.find(text)
        ]

    def countries(
        self, text: str, title: str | None = None, *, include_capitals: bool = False
    ) -> set[str]:
        """Distinct country ids mentioned in the document (capital metonymy optional)."""
        kinds = {"country", "capital"} if include_capitals else {"country"}
        hits = self._hits(text, title)[0]
        return {h.entity_id for h in hits if h.entry.kind in kinds}


def entity_reference(
    gazetteer: Gazetteer | None = None,
) -> list[tuple[str, str, str, str | None, str | None]]:
    """(entity_id, kind, display name, iso3, region) for every country and organisation."""
    gaz = gazetteer or get_detector().gazetteer
    rows: list[tuple[str, str, str, str | None, str | None]] = [
        (c.id, "country", c.name, c.iso3, c.region) for c in gaz.countries.values()
    ]
    rows.extend((o.id, "organisation", o.name, None, None) for o in gaz.organisations.values())
    return rows


@lru_cache(maxsize=1)
def get_detector() -> Detector:
    """The process-wide detector built from the default data files."""
    return Detector.from_data()
