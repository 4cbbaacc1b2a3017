"""The reference tables in data/: they load, agree with ISO 3166 and refuse bad rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pycountry
import pytest

from presswatch.extract import entity_reference
from presswatch.extract.gazetteer import load_gazetteer
from presswatch.settings import DATA_DIR

M49_REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania", "Antarctica"}
HISTORIC = {"SU", "YU", "CS", "DD"}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(DATA_DIR)


def test_every_iso_country_is_present_with_matching_alpha3(gaz) -> None:
    for c in pycountry.countries:
        assert c.alpha_2 in gaz.countries, c.name
        assert gaz.countries[c.alpha_2].iso3 == c.alpha_3


def test_required_extra_entities(gaz) -> None:
    for cid in ("TW", "HK", "MO", "PS", "EH", "XK", *HISTORIC):
        assert cid in gaz.countries
    assert gaz.countries["XK"].name == "Kosovo"
    assert all(gaz.countries[h].status == "historic" for h in HISTORIC)


def test_regions_are_m49_names(gaz) -> None:
    assert {c.region for c in gaz.countries.values()} == M49_REGIONS
    assert gaz.countries["CN"].subregion == "Eastern Asia"
    assert gaz.countries["FR"].subregion == "Western Europe"
    assert gaz.countries["BR"].subregion == "South America"


def test_every_state_has_a_name_alias(gaz) -> None:
    named = {a.entity_id for a in gaz.aliases if a.kind == "country" and a.signal == "name"}
    states = {c.id for c in gaz.countries.values() if c.status in ("state", "historic")}
    assert states <= named, sorted(states - named)


def test_every_capital_points_at_a_country(gaz) -> None:
    capitals = [a for a in gaz.aliases if a.kind == "capital"]
    assert len(capitals) > 150
    assert all(a.entity_id in gaz.countries for a in capitals)


def test_demonym_plurals_are_generated(gaz) -> None:
    forms = {a.form: a for a in gaz.aliases}
    assert forms["Afghans"].entity_id == "AF"
    assert forms["Pakistanis"].signal == "demonym"
    assert "Chineses" not in forms
    assert "Swisss" not in forms


def test_curly_apostrophes_are_normalised_in_forms(gaz) -> None:
    assert all("\u2019" not in a.form for a in gaz.aliases)


def test_entity_reference_rows(gaz) -> None:
    rows = entity_reference(gaz)
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids))
    by_id = {r[0]: r for r in rows}
    assert by_id["CN"] == ("CN", "country", "China", "CHN", "Asia")
    assert by_id["org:NATO"][1] == "organisation"
    assert {"org:UN", "org:ASEAN", "org:SCO", "org:AU", "org:EU", "org:BRICS"} <= set(ids)


def _copy_data(tmp_path: Path) -> Path:
    for name in (
        "countries.tsv",
        "country_aliases.tsv",
        "capitals.tsv",
        "organisations.tsv",
        "blockers.tsv",
        "us_states.tsv",
    ):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_conflicting_alias_is_refused(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    with (data / "country_aliases.tsv").open("a", encoding="utf-8") as f:
        f.write("FR\tname\tGermany\n")
    with pytest.raises(ValueError, match="Germany"):
        load_gazetteer(data)


def test_unknown_country_and_flag_are_refused(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    with (data / "capitals.tsv").open("a", encoding="utf-8") as f:
        f.write("QQ\tNowhere City\n")
    with pytest.raises(ValueError, match="unknown country id QQ"):
        load_gazetteer(data)
    data = _copy_data(tmp_path)
    with (data / "country_aliases.tsv").open("a", encoding="utf-8") as f:
        f.write("FR\tname\tGaul\tsometimes\n")
    with pytest.raises(ValueError, match="unknown flag"):
        load_gazetteer(data)
