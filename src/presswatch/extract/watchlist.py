"""Watch lists: user-defined terms, phrases, wildcards and regexes grouped under a label.

The file format and pattern syntax are documented at the top of data/watchlists.toml, the
file a user edits (then `presswatch reindex` applies it to the stored articles).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The regex parser (public as sre_parse before 3.11) is used only to inspect user regexes
# for constructs that backtrack catastrophically.
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]

import ahocorasick_rs

from presswatch.settings import get_settings

# Bump when the meaning of a pattern changes, so stored term mentions get re-indexed.
SYNTAX_VERSION = 1
MAX_REGEX_CHARS = 200
MAX_PATTERN_CHARS = 500
# A regex literal run shorter than this is not used as an anchor (see _Compiled).
_MIN_ANCHOR = 3


@dataclass(frozen=True)
class WatchGroup:
    """One watch list: a label and its patterns (see data/watchlists.toml for the syntax)."""

    label: str
    patterns: tuple[str, ...]


# --- pattern compilation -------------------------------------------------------------------

_WILDCARD = r"[\w-]*"
_WORD_CHAR = re.compile(r"\w")
_REPEAT_OPS = frozenset(
    op
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if (op := getattr(_sre_constants, name, None)) is not None
)
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_GROUPREF_OPS = frozenset(
    op
    for name in ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE", "GROUPREF_LOC_IGNORE")
    if (op := getattr(_sre_constants, name, None)) is not None
)


def _plain_to_regex(pattern: str) -> str:
    """Translate a plain term/phrase with optional `*` wildcards into a regex source."""
    parts = []
    for token in re.split(r"(\s+|\*+)", pattern.strip()):
        if not token:
            continue
        if token[0] == "*":
            parts.append(_WILDCARD)
        elif token[0].isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(token))
    body = "".join(parts)
    if pattern.strip()[0] == "*":
        # A leading wildcard starts where no word character *or hyphen* precedes: it would
        # take those anyway, and starting only there keeps "a-a-a-..." texts linear.
        return rf"(?<![\w-]){body}(?!\w)"
    # Word boundary at the start written as a look-behind *after* the first character: the
    # same meaning as a leading (?<!\w), but the engine then scans for that character first,
    # which is about twice as fast.
    first = re.escape(pattern.strip()[0])
    return rf"{first}(?<!\w.){body[len(first) :]}(?!\w)"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A compiled pattern with its anchors: casefolded literals, one of which every match
    contains.

    With ``prefix`` every match *starts* with one of the anchors, so the pattern need only
    be tried where an anchor occurs. No anchors means the pattern is searched everywhere.
    """

    regex: re.Pattern[str]
    anchors: tuple[str, ...]
    prefix: bool


def _plain_anchors(pattern: str) -> tuple[tuple[str, ...], bool]:
    """A plain pattern's first literal piece (a prefix), or its longest one after a `*`."""
    pieces = re.split(r"\s+|\*+", pattern.strip())
    if pieces[0]:
        return (pieces[0].casefold(),), True
    return (max(pieces, key=len).casefold(),), False


def _regex_prefixes(items: object) -> list[str] | None:
    """Literal strings one of which starts every match of a parsed regex, or None."""
    seq = list(items)  # type: ignore[call-overload]
    i = 0
    while i < len(seq) and seq[i][0] is _sre_constants.AT:  # zero-width, such as \b
        i += 1
    if i == len(seq):
        return None
    op, arg = seq[i]
    if op is _sre_constants.LITERAL:
        run = []
        while i < len(seq) and seq[i][0] is _sre_constants.LITERAL:
            run.append(chr(seq[i][1]))
            i += 1
        return ["".join(run)]
    if op is _SUBPATTERN:
        return _regex_prefixes(arg[-1])
    if op is _BRANCH:
        prefixes: list[str] = []
        for alternative in arg[1]:
            found = _regex_prefixes(alternative)
            if found is None:
                return None
            prefixes.extend(found)
        return prefixes
    return None


def _regex_anchors(parsed: object) -> tuple[tuple[str, ...], bool]:
    """A regex's literal prefixes if every one has _MIN_ANCHOR+ characters, else its longest
    top-level literal run of that size (not a prefix), else no anchor."""
    prefixes = _regex_prefixes(parsed)
    if prefixes and all(len(prefix) >= _MIN_ANCHOR for prefix in prefixes):
        return tuple(sorted({prefix.casefold() for prefix in prefixes})), True
    best = ""
    run: list[str] = []
    for op, arg in [*parsed, (None, None)]:  # type: ignore[misc]
        if op is _sre_constants.LITERAL:
            run.append(chr(arg))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    if len(best) >= _MIN_ANCHOR:
        return (best.casefold(),), False
    return (), False


def _regex_problem(items: object, inside_repeat: bool, inside_group_repeat: bool) -> str | None:
    """Walk a parsed regex and name the first construct that risks catastrophic backtracking."""
    for op, arg in items:  # type: ignore[attr-defined]
        if op in _GROUPREF_OPS:
            return "backreferences are not allowed"
        if op in _REPEAT_OPS:
            _min, max_count, sub = arg
            repeats = max_count > 1
            if repeats and inside_repeat:
                return "nested repeats such as (a+)+ are not allowed"
            problem = _regex_problem(sub, inside_repeat or repeats, repeats)
            if problem:
                return problem
        elif op is _BRANCH:
            if inside_group_repeat:
                return "a repeated group with alternatives such as (a|ab)* is not allowed"
            for branch in arg[1]:
                problem = _regex_problem(branch, inside_repeat, inside_group_repeat)
                if problem:
                    return problem
        elif op is _SUBPATTERN:
            problem = _regex_problem(arg[-1], inside_repeat, inside_group_repeat)
            if problem:
                return problem
        elif isinstance(arg, _sre_parse.SubPattern):
            problem = _regex_problem(arg, inside_repeat, inside_group_repeat)
            if problem:
                return problem
        elif isinstance(arg, tuple):
            for part in arg:
                if isinstance(part, _sre_parse.SubPattern):
                    problem = _regex_problem(part, inside_repeat, inside_group_repeat)
                    if problem:
                        return problem
    return None


def _leftmost_longest(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """From all (start, end) matches, keep the leftmost-longest non-overlapping ones."""
    chosen: list[tuple[int, int]] = []
    last_end = 0
    for start, end in sorted(candidates, key=lambda span: (span[0], -span[1])):
        if start >= last_end:
            chosen.append((start, end))
            last_end = end
    return chosen


def _all_starts(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The regex's match at every position where it matches (overlapping starts included)."""
    spans = []
    pos = 0
    while (found := regex.search(text, pos)) is not None:
        if found.end() > found.start():
            spans.append(found.span())
        pos = found.start() + 1
    return spans


def _compile(pattern: str) -> _Compiled:
    """Compile one pattern with its anchor; ValueError says why it is not acceptable."""
    if not pattern.strip():
        raise ValueError("empty pattern")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise ValueError(f"pattern longer than {MAX_PATTERN_CHARS} characters")
    if pattern.startswith("re:"):
        source = pattern[3:]
        if len(source) > MAX_REGEX_CHARS:
            raise ValueError(f"regex longer than {MAX_REGEX_CHARS} characters")
        try:
            parsed = _sre_parse.parse(source, re.IGNORECASE)
            compiled = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"invalid regex: {exc}") from exc
        problem = _regex_problem(parsed, False, False)
        if problem:
            raise ValueError(f"unsafe regex: {problem}")
        if parsed.getwidth()[0] == 0:
            raise ValueError("regex can match empty text")
        return _Compiled(compiled, *_regex_anchors(parsed))
    if not _WORD_CHAR.search(pattern.replace("*", "")):
        raise ValueError("a plain pattern needs at least one letter or digit")
    return _Compiled(re.compile(_plain_to_regex(pattern), re.IGNORECASE), *_plain_anchors(pattern))


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile one watch-list pattern (plain, wildcard or `re:`); ValueError says why not."""
    return _compile(pattern).regex


# --- file I/O -------------------------------------------------------------------------------

_TOP_KEYS = {"group"}
_GROUP_KEYS = {"label", "patterns"}


def _validate(raw: object, where: str) -> list[WatchGroup]:
    """Turn parsed TOML into WatchGroups, raising ValueError that names the problem."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table at the top level")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown top-level key(s) {unknown}; only [[group]] tables")
    tables = raw.get("group", [])
    if not isinstance(tables, list):
        raise ValueError(f"{where}: 'group' must be written as [[group]] tables")
    groups: list[WatchGroup] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        at = f"{where}: group {number}"
        if not isinstance(table, dict):
            raise ValueError(f"{at}: expected a [[group]] table")
        unknown = sorted(set(table) - _GROUP_KEYS)
        if unknown:
            raise ValueError(f"{at}: unknown key(s) {unknown}; allowed: label, patterns")
        label = table.get("label")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{at}: 'label' must be a non-empty string")
        at = f"{where}: group {label!r}"
        if label in seen:
            raise ValueError(f"{at}: duplicate label")
        seen.add(label)
        patterns = table.get("patterns")
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ValueError(f"{at}: 'patterns' must be a list of strings")
        if not patterns:
            raise ValueError(f"{at}: empty group (no patterns)")
        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except ValueError as exc:
                raise ValueError(f"{at}: pattern {pattern!r}: {exc}") from exc
        groups.append(WatchGroup(label=label, patterns=tuple(patterns)))
    return groups


def load_watchlists(path: Path | None = None) -> list[WatchGroup]:
    """Read and validate a watch-list file (default data/watchlists.toml)."""
    path = get_settings().watchlist_path if path is None else Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    return _validate(raw, str(path))


# --- matching -------------------------------------------------------------------------------


class WatchlistMatcher:
    """Find watch-list matches, each group's leftmost-longest and non-overlapping.

    Speed comes from not running regexes over the whole text: one Aho-Corasick pass over
    the casefolded text finds every occurrence of every pattern's anchors (see _Compiled);
    a pattern whose anchors are absent is skipped, and one anchored at its start is tried
    only at those offsets. Patterns without a usable anchor (a leading `*`, a regex without a
    literal run of 3+ characters) are searched in full.
    """

    def __init__(self, groups: Sequence[WatchGroup]) -> None:
        self._groups = tuple(groups)
        labels = [group.label for group in self._groups]
        if len(set(labels)) != len(labels):
            raise ValueError(f"duplicate group labels in {labels}")
        # Every distinct pattern as (group index, compiled), indexed by its anchors.
        self._items: list[tuple[int, _Compiled]] = []
        self._by_anchor: dict[str, list[int]] = {}
        self._unanchored: list[int] = []
        for group_index, group in enumerate(self._groups):
            for pattern in dict.fromkeys(group.patterns):  # drop duplicates, keep order
                try:
                    item = _compile(pattern)
                except ValueError as exc:
                    raise ValueError(f"group {group.label!r}: pattern {pattern!r}: {exc}") from exc
                index = len(self._items)
                self._items.append((group_index, item))
                for anchor in item.anchors:
                    self._by_anchor.setdefault(anchor, []).append(index)
                if not item.anchors:
                    self._unanchored.append(index)
        self._anchors = list(self._by_anchor)
        self._automaton = self._build_automaton()

    def _build_automaton(self) -> ahocorasick_rs.AhoCorasick | None:
        # ahocorasick_rs's DFA reports all overlapping matches several times faster than
        # pyahocorasick on prose.
        if not self._anchors:
            return None
        return ahocorasick_rs.AhoCorasick(
            self._anchors, implementation=ahocorasick_rs.Implementation.DFA
        )

    # Matchers travel to worker processes inside a Detector; the automaton does not pickle,
    # so it is rebuilt on arrival.
    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        del state["_automaton"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._automaton = self._build_automaton()

    @property
    def groups(self) -> tuple[WatchGroup, ...]:
        """The groups this matcher was built from."""
        return self._groups

    def _anchor_hits(self, text: str) -> tuple[dict[str, list[int]], bool]:
        """Start offsets of each anchor in the casefolded text, and whether those offsets
        are valid in the original (casefolding kept every character one character)."""
        hits: dict[str, list[int]] = {}
        if self._automaton is None:
            return hits, True
        # For ASCII text casefold() is lower(), which is cheaper.
        folded = text.lower() if text.isascii() else text.casefold()
        anchors = self._anchors
        for pattern, start, _end in self._automaton.find_matches_as_indexes(
            folded, overlapping=True
        ):
            hits.setdefault(anchors[pattern], []).append(start)
        return hits, len(folded) == len(text)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All matches as (group label, start, end), sorted by start, end and label."""
        if not text or not self._groups:
            return []
        hits, aligned = self._anchor_hits(text)
        active = set(self._unanchored)
        for anchor in hits:
            active.update(self._by_anchor[anchor])
        candidates: dict[int, list[tuple[int, int]]] = {}
        for index in sorted(active):
            group_index, item = self._items[index]
            spans = candidates.setdefault(group_index, [])
            if not (item.prefix and aligned):
                spans.extend(_all_starts(item.regex, text))
                continue
            match = item.regex.match
            for anchor in item.anchors:
                for start in hits.get(anchor, ()):
                    found = match(text, start)
                    if found is not None and found.end() > start:
                        spans.append((start, found.end()))
        results = [
            (self._groups[group_index].label, start, end)
            for group_index, spans in candidates.items()
            for start, end in _leftmost_longest(spans)
        ]
        results.sort(key=lambda item: (item[1], item[2], item[0]))
        return results

    def fingerprint(self) -> str:
        """Stable hash of what the groups match; unchanged by group or pattern order."""
        canonical = {
            "syntax": SYNTAX_VERSION,
            "groups": sorted([g.label, sorted(set(g.patterns))] for g in self._groups),
        }
        blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
