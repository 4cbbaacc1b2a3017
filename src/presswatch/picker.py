"""Find countries, organisations and sources by what a user types: names, aliases and codes.

The sidebar's pickers rank server-side with :func:`rank` instead of the browser widget's fuzzy
subsequence filter, which offered Ireland and Pitcairn for "Iran" and French Guiana for
"China". The order is strict tiers, so the entity the user named always comes first:

0. the display name equals the query            ("Niger" -> Niger)
1. an alias or code equals it                    ("USA" -> United States, "UK" -> United Kingdom)
2. the display name starts with it               ("Niger" -> Nigeria)
3. an alias or code starts with it               ("Brit" -> United Kingdom)
4. a later word of the display name starts with it ("Korea" -> North Korea)
5. a later word of an alias starts with it       ("China" -> Taiwan, "Republic of China")

Within a tier entries go by display name. Comparison ignores case, accents and punctuation,
so "cote d'ivoire" finds Côte d'Ivoire. Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from presswatch.extract.gazetteer import Gazetteer

# Alias signals a person types to name a country or organisation. Compounds ("Sino") and
# capitals ("Beijing") name the entity only inside running text, so the picker leaves them out.
PICKER_SIGNALS = frozenset({"name", "abbreviation", "demonym"})

# After fold() words are separated by single spaces; "_" is the one word character that is
# punctuation to a reader.
_PUNCTUATION = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Text for comparison: accents dropped, case-folded, every run of punctuation and space
    made one space ("Côte d’Ivoire" and "cote d ivoire" fold alike, "U.S." to "u s")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCTUATION.sub(" ", plain.casefold()).split())


@dataclass(frozen=True, slots=True)
class Entry:
    """One choosable thing: its id (what the URL carries), display name and other names."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Folded:
    entry: Entry
    name: str
    aliases: tuple[str, ...]
    sort_key: tuple[str, str]


def _later_word_starts_with(text: str, query: str) -> bool:
    """Whether a word after the first of folded ``text`` begins ``query``."""
    return (" " + query) in text


def _tier(f: _Folded, q: str) -> int | None:
    if f.name == q:
        return 0
    if q in f.aliases:
        return 1
    if f.name.startswith(q):
        return 2
    if any(a.startswith(q) for a in f.aliases):
        return 3
    if _later_word_starts_with(f.name, q):
        return 4
    if any(_later_word_starts_with(a, q) for a in f.aliases):
        return 5
    return None


class Index:
    """Entries folded once, to rank several queries against the same entries."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._items: list[_Folded] = []
        for e in entries:
            name = fold(e.name)
            aliases = tuple(dict.fromkeys(a for a in map(fold, e.aliases) if a and a != name))
            self._items.append(_Folded(e, name, aliases, (name, e.id)))

    def __len__(self) -> int:
        return len(self._items)

    def rank(self, query: str, limit: int | None = None) -> list[str]:
        """Ids matching ``query``, best first (see the module docstring); [] for blank text."""
        q = fold(query)
        if not q:
            return []
        scored: list[tuple[int, tuple[str, str], str]] = []
        for f in self._items:
            tier = _tier(f, q)
            if tier is not None:
                scored.append((tier, f.sort_key, f.entry.id))
        scored.sort()
        ids = [entity_id for _, _, entity_id in scored]
        return ids if limit is None else ids[:limit]


def rank(query: str, entries: Iterable[Entry], limit: int | None = None) -> list[str]:
    """Ids of ``entries`` matching ``query``, best first (see the module docstring)."""
    return Index(entries).rank(query, limit)


def gazetteer_aliases(gaz: Gazetteer) -> dict[str, tuple[str, ...]]:
    """Entity id -> the names, abbreviations, demonyms and codes a user may type for it.

    Countries also answer to their ISO alpha-2 id and alpha-3 code, organisations to the
    abbreviation in their id ("org:NATO" -> "NATO").
    """
    out: dict[str, list[str]] = {}
    for cid, country in gaz.countries.items():
        out.setdefault(cid, []).extend([cid, country.iso3])
    for oid in gaz.organisations:
        out.setdefault(oid, []).append(oid.removeprefix("org:"))
    for alias in gaz.aliases:
        if alias.kind in ("country", "organisation") and alias.signal in PICKER_SIGNALS:
            out.setdefault(alias.entity_id, []).append(alias.form)
    return {eid: tuple(dict.fromkeys(forms)) for eid, forms in out.items()}


def entries(
    ids: Sequence[str],
    names: Mapping[str, str],
    aliases: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Entry]:
    """Entries for ``ids``: display name from ``names`` (the id when absent), aliases when known."""
    table = aliases or {}
    return [Entry(i, names.get(i, i), table.get(i, ())) for i in ids]
