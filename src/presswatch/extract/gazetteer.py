"""Load the reference tables in data/ (countries, aliases, capitals, organisations, blockers,
name contexts).

The tables are plain TSV files written by the team; this module only parses and checks them
and turns them into one flat list of surface forms, each pointing at what it names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from presswatch.settings import DATA_DIR

AliasKind = Literal["country", "capital", "organisation", "block"]
AliasSignal = Literal["name", "demonym", "compound", "abbreviation", "capital", "block"]

COUNTRY_SIGNALS = frozenset({"name", "demonym", "compound", "abbreviation"})
KNOWN_FLAGS = frozenset(
    {
        "person",
        "georgia",
        "korea",
        "congo",
        "homograph",
        "jersey",
        "nocaps",
        "noplural",
        "needs_the",
        "us_town",
        "native",
        "kentucky",
    }
)

# Same-length replacements applied to both the data and the text before matching, so offsets
# found in the normalised text are offsets in the original text.
NORMALISE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


_NORMALISE_PAIRS = tuple((chr(k), v) for k, v in NORMALISE.items() if isinstance(v, str))


def normalise(text: str) -> str:
    """Apply NORMALISE (same length); str.replace per character present beats str.translate."""
    for old, new in _NORMALISE_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


@dataclass(frozen=True, slots=True)
class Country:
    """One row of countries.tsv."""

    id: str
    iso3: str
    name: str
    region: str
    subregion: str
    status: str  # state | territory | historic


@dataclass(frozen=True, slots=True)
class Organisation:
    """One row of organisations.tsv."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Alias:
    """A surface form and what it names; kind "block" names nothing and only hides shorter forms."""

    form: str
    entity_id: str
    kind: AliasKind
    signal: AliasSignal
    flags: frozenset[str] = frozenset()
    source: str = ""  # "file:line" for error messages


@dataclass(frozen=True)
class Gazetteer:
    """Everything the detector needs from data/."""

    countries: dict[str, Country]
    organisations: dict[str, Organisation]
    aliases: tuple[Alias, ...]
    us_states: tuple[str, ...] = field(default=())
    # name_contexts.tsv: context -> words (event heads, news agencies, job titles).
    contexts: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a TSV file (comments and the header skipped), with 1-based line numbers."""
    with path.open(encoding="utf-8", newline="") as handle:
        header_seen = False
        for lineno, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield lineno, [cell.strip() for cell in row]


def _forms(cell: str) -> list[str]:
    return [f.strip() for f in cell.split("|") if f.strip()]


def _flags(cells: list[str], index: int, where: str) -> frozenset[str]:
    raw = cells[index] if len(cells) > index else ""
    flags = frozenset(f.strip() for f in raw.split(",") if f.strip())
    unknown = flags - KNOWN_FLAGS
    if unknown:
        raise ValueError(f"{where}: unknown flag(s) {sorted(unknown)}")
    return flags


def _plural(form: str, flags: frozenset[str]) -> str | None:
    """Regular English plural of a demonym ("Afghan" -> "Afghans"), or None."""
    if "noplural" in flags or form.endswith(("s", "sh", "ch", "ese", "z", "man", "men")):
        return None
    if not form[-1].isalpha():
        return None
    return form + "s"


def load_countries(path: Path) -> dict[str, Country]:
    """countries.tsv -> {id: Country}."""
    countries: dict[str, Country] = {}
    for lineno, cells in _rows(path):
        if len(cells) < 6:
            raise ValueError(f"{path.name}:{lineno}: expected 6 columns, got {len(cells)}")
        cid, iso3, name, region, subregion, status = cells[:6]
        if cid in countries:
            raise ValueError(f"{path.name}:{lineno}: duplicate id {cid}")
        countries[cid] = Country(cid, iso3, name, region, subregion, status)
    return countries


def _country_aliases(path: Path, countries: dict[str, Country]) -> list[Alias]:
    aliases: list[Alias] = []
    for lineno, cells in _rows(path):
        where = f"{path.name}:{lineno}"
        if len(cells) < 3:
            raise ValueError(f"{where}: expected id, signal, forms")
        cid, signal = cells[0], cells[1]
        if cid not in countries:
            raise ValueError(f"{where}: unknown country id {cid}")
        if signal not in COUNTRY_SIGNALS:
            raise ValueError(f"{where}: unknown signal {signal}")
        flags = _flags(cells, 3, where)
        for form in _forms(cells[2]):
            aliases.append(Alias(form, cid, "country", signal, flags, where))  # type: ignore[arg-type]
            if signal == "demonym":
                plural = _plural(form, flags)
                if plural:
                    aliases.append(Alias(plural, cid, "country", "demonym", flags, where))
    return aliases


def _capitals(path: Path, countries: dict[str, Country]) -> list[Alias]:
    aliases: list[Alias] = []
    for lineno, cells in _rows(path):
        where = f"{path.name}:{lineno}"
        if cells[0] not in countries:
            raise ValueError(f"{where}: unknown country id {cells[0]}")
        flags = _flags(cells, 2, where)
        for form in _forms(cells[1]):
            aliases.append(Alias(form, cells[0], "capital", "capital", flags, where))
    return aliases


def _organisations(path: Path) -> tuple[dict[str, Organisation], list[Alias]]:
    orgs: dict[str, Organisation] = {}
    aliases: list[Alias] = []
    for lineno, cells in _rows(path):
        where = f"{path.name}:{lineno}"
        oid, display = cells[0], cells[1]
        if not oid.startswith("org:") or oid in orgs:
            raise ValueError(f"{where}: bad or duplicate organisation id {oid}")
        orgs[oid] = Organisation(oid, display)
        flags = _flags(cells, 4, where)
        for form in _forms(cells[2]):
            aliases.append(Alias(form, oid, "organisation", "name", flags, where))
        for form in _forms(cells[3] if len(cells) > 3 else ""):
            aliases.append(Alias(form, oid, "organisation", "abbreviation", flags, where))
    return orgs, aliases


def _blockers(path: Path) -> list[Alias]:
    return [
        Alias(cells[0], "", "block", "block", frozenset(), f"{path.name}:{lineno}")
        for lineno, cells in _rows(path)
    ]


def _us_states(path: Path) -> tuple[str, ...]:
    if not path.exists():
        return ()
    return tuple(form for _, cells in _rows(path) for form in _forms(cells[1]))


CONTEXTS = frozenset({"event_head", "agency_head", "agency", "job_title"})


def _contexts(path: Path) -> dict[str, tuple[str, ...]]:
    """name_contexts.tsv -> {context: words}; a missing file gives no context words."""
    out: dict[str, list[str]] = {}
    if not path.exists():
        return {}
    for lineno, cells in _rows(path):
        if cells[0] not in CONTEXTS or len(cells) < 2:
            raise ValueError(f"{path.name}:{lineno}: unknown context {cells[0]!r} or no words")
        out.setdefault(cells[0], []).extend(_forms(cells[1]))
    return {k: tuple(v) for k, v in out.items()}


def _dedupe(aliases: list[Alias]) -> tuple[Alias, ...]:
    """Normalise forms; drop exact repeats; refuse one form naming two different things."""
    seen: dict[str, Alias] = {}
    out: list[Alias] = []
    for alias in aliases:
        form = alias.form.translate(NORMALISE)
        if form != alias.form:
            alias = Alias(
                form, alias.entity_id, alias.kind, alias.signal, alias.flags, alias.source
            )
        prior = seen.get(form)
        if prior is None:
            seen[form] = alias
            out.append(alias)
        elif (prior.entity_id, prior.kind) != (alias.entity_id, alias.kind):
            raise ValueError(
                f"{alias.source}: {form!r} already names {prior.entity_id or 'a blocker'} "
                f"({prior.source})"
            )
    return tuple(out)


def load_entities(
    data_dir: Path = DATA_DIR,
) -> tuple[dict[str, Country], dict[str, Organisation]]:
    """The countries and organisations the reference tables name, without the aliases and
    checks of ``load_gazetteer`` (for the store's entity table: no matcher is built)."""
    organisations, _ = _organisations(data_dir / "organisations.tsv")
    return load_countries(data_dir / "countries.tsv"), organisations


def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Read and check every reference table in ``data_dir``."""
    countries = load_countries(data_dir / "countries.tsv")
    orgs, org_aliases = _organisations(data_dir / "organisations.tsv")
    aliases = (
        _country_aliases(data_dir / "country_aliases.tsv", countries)
        + _capitals(data_dir / "capitals.tsv", countries)
        + org_aliases
        + _blockers(data_dir / "blockers.tsv")
    )
    return Gazetteer(
        countries,
        orgs,
        _dedupe(aliases),
        _us_states(data_dir / "us_states.tsv"),
        _contexts(data_dir / "name_contexts.tsv"),
    )
