"""picker.rank: what the sidebar's find boxes add for typed names, aliases and codes.

Over the real reference tables in data/, so a new alias that steals a common query shows up
here.
"""

from __future__ import annotations

import pytest

from presswatch import picker
from presswatch.extract.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def index() -> picker.Index:
    gaz = load_gazetteer()
    names = {c.id: c.name for c in gaz.countries.values()}
    names.update({o.id: o.name for o in gaz.organisations.values()})
    ids = [*gaz.countries, *gaz.organisations]
    return picker.Index(picker.entries(ids, names, picker.gazetteer_aliases(gaz)))


def test_china_is_china_and_never_french_guiana(index: picker.Index) -> None:
    hits = index.rank("China")
    assert hits[0] == "CN"
    assert "GF" not in hits
    # Taiwan is a legitimate word match ("Republic of China"); nothing else is.
    assert hits == ["CN", "TW"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Iran", ["IR"]),  # not Ireland, Pitcairn or Switzerland
        ("Oman", ["OM"]),  # not Romania
        ("Mali", ["ML"]),  # not Somalia
        ("USA", ["US"]),
        ("NATO", ["org:NATO"]),
    ],
)
def test_exact_names_and_codes_have_no_fuzzy_company(
    index: picker.Index, query: str, expected: list[str]
) -> None:
    assert index.rank(query) == expected


def test_exact_name_comes_before_longer_names_it_begins(index: picker.Index) -> None:
    assert index.rank("Niger") == ["NE", "NG"]
    assert index.rank("Guinea")[:2] == ["GN", "GW"]  # then Equatorial and Papua New Guinea


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("US", "US"),
        ("us", "US"),
        ("U.S.", "US"),
        ("UK", "GB"),  # before Ukraine, whose name begins "Uk"
        ("gbr", "GB"),
        ("DEU", "DE"),
        ("Holland", "NL"),
        ("Burma", "MM"),
        ("Persia", "IR"),
        ("Ivory Coast", "CI"),
        ("cote d'ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("Chinese", "CN"),
        ("Korea", "KR"),  # the gazetteer's reading of plain "Korea"; North Korea follows
        ("UN", "org:UN"),
        ("North Atlantic", "org:NATO"),
        ("nato", "org:NATO"),
    ],
)
def test_aliases_codes_any_case(index: picker.Index, query: str, first: str) -> None:
    assert index.rank(query)[0] == first


def test_uk_offers_ukraine_second(index: picker.Index) -> None:
    assert index.rank("UK") == ["GB", "UA"]


def test_no_subsequence_matches(index: picker.Index) -> None:
    assert index.rank("Irld") == []  # Ireland by subsequence
    assert index.rank("Chna") == []  # China by subsequence
    assert index.rank("   ") == []


def test_tiers_exact_name_alias_prefix_word() -> None:
    entries = [
        picker.Entry("w", "Zeta Alpha"),  # a later word of the name begins the query
        picker.Entry("v", "Omega", ("Beta Alphabet",)),  # a later word of an alias
        picker.Entry("p", "Alphaville"),  # the name begins the query
        picker.Entry("q", "Kappa", ("Alphabet",)),  # an alias begins the query
        picker.Entry("a", "Gamma", ("ALPHA",)),  # an alias equals it
        picker.Entry("n", "Alpha"),  # the name equals it
        picker.Entry("x", "Ralpha"),  # contains it mid-word: no match
    ]
    assert picker.rank("alpha", entries) == ["n", "a", "p", "q", "w", "v"]
    assert picker.rank("alpha", entries, limit=2) == ["n", "a"]


def test_ties_go_by_display_name() -> None:
    entries = [picker.Entry("2", "China Daily"), picker.Entry("1", "China Blog")]
    assert picker.rank("china", entries) == ["1", "2"]


def test_sources_by_name_and_word() -> None:
    entries = picker.entries(["Alpha Wire", "Beta News", "MFA China", "China Daily"], {})
    assert picker.rank("china", entries) == ["China Daily", "MFA China"]
    assert picker.rank("wire", entries) == ["Alpha Wire"]
    assert picker.rank("ire", entries) == []


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert picker.fold("  Côte d’Ivoire ") == "cote d ivoire"
    assert picker.fold("U.S.A.") == "u s a"
    assert picker.fold("São_Tomé") == "sao tome"
