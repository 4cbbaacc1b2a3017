"""Comparing slices (presswatch.compare and its dashboard part) on a small on-disk store.

Eight articles, two outlets; every expected share below is counted by hand:

====  ==========  =====  ========================
id    date        source countries
====  ==========  =====  ========================
a1    2021-02-01  Alpha  Russia, Iran
a2    2021-02-10  Alpha  Russia
a3    2021-05-03  Alpha  France
a4    2022-03-01  Alpha  Iran, Russia
b1    2021-02-15  Beta   Iran, Russia
b2    2022-03-05  Beta   France, Germany
b3    2022-03-20  Beta   Russia, France
b4    2022-06-01  Beta   (none)
====  ==========  =====  ========================
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from presswatch import charts, compare, export, queries
from presswatch.filters import Filters
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, ParsedDate
from presswatch.store import open_store

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def _art(name: str, when: str, source: str, text: str) -> Article:
    return Article(
        text=text,
        title=f"Report {name}",
        date=ParsedDate(datetime.fromisoformat(when), "day"),
        source=source,
        origin_file=f"{name}.txt",
        language="en",
    )


ARTICLES = [
    _art("a1", "2021-02-01", "Alpha", "Russia and Iran held talks on Tuesday."),
    _art("a2", "2021-02-10", "Alpha", "Russia sent a delegation to the meeting."),
    _art("a3", "2021-05-03", "Alpha", "France hosted a trade fair."),
    _art("a4", "2022-03-01", "Alpha", "Iran and Russia signed a deal."),
    _art("b1", "2021-02-15", "Beta", "Iran and Russia met again on Friday."),
    _art("b2", "2022-03-05", "Beta", "France and Germany met in the spring."),
    _art("b3", "2022-03-20", "Beta", "Russia and France talked about trade."),
    _art("b4", "2022-06-01", "Beta", "The weather was fine all week."),
]


def _build(path: Path) -> Path:
    conn = open_store(path)
    try:
        ingest_articles(conn, ARTICLES, origin="test")
    finally:
        conn.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("compare") / "compare.duckdb")


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Its own file: the dashboard keeps a read-write connection to it for the process."""
    return _build(tmp_path_factory.mktemp("compare_app") / "app.duckdb")


@pytest.fixture
def conn(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(db_path), read_only=True)
    yield c
    c.close()


ALPHA = Filters(sources=("Alpha",))
BETA = Filters(sources=("Beta",))


def _shares(df: pd.DataFrame, entity: str = "RU") -> dict[tuple[str, int], float]:
    part = df[df["entity_id"] == entity]
    return {
        (str(s), pd.Timestamp(p).year): float(v)
        for s, p, v in zip(part["series"], part["period"], part["value"], strict=True)
    }


# --------------------------------------------------------------------------- query layer


def test_mentions_share_is_normalised_within_each_slice(conn: duckdb.DuckDBPyConnection) -> None:
    slices = [compare.Slice("Alpha", ALPHA), compare.Slice("Beta", BETA)]
    df = compare.mentions_by_slice(conn, slices, ["RU", "IR"], "year", "share")
    # Alpha 2021: a1, a2 of a1-a3 mention Russia; 2022: a4 of a4. Beta 2021: b1 of b1;
    # 2022: b3 of b2-b4.
    assert _shares(df) == pytest.approx(
        {
            ("Alpha — Russia", 2021): 2 / 3,
            ("Alpha — Russia", 2022): 1.0,
            ("Beta — Russia", 2021): 1.0,
            ("Beta — Russia", 2022): 1 / 3,
        }
    )
    iran = _shares(df, "IR")
    assert iran[("Alpha — Iran", 2021)] == pytest.approx(1 / 3)
    assert iran[("Beta — Iran", 2022)] == 0.0
    beta = df[(df["slice"] == "Beta") & (df["entity_id"] == "RU")]
    assert list(beta["total_articles"]) == [1, 3] and list(beta["articles"]) == [1, 1]


def test_mentions_per_source_is_share_of_each_outlets_output(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    one = [compare.Slice("All", Filters())]
    df = compare.mentions_by_slice(conn, one, ["RU"], "year", "share", split="source")
    assert sorted(set(df["source"])) == ["Alpha", "Beta"]
    # One slice: the lines are named by outlet alone; the same shares as the slices above.
    assert _shares(df) == pytest.approx(
        {
            ("Alpha — Russia", 2021): 2 / 3,
            ("Alpha — Russia", 2022): 1.0,
            ("Beta — Russia", 2021): 1.0,
            ("Beta — Russia", 2022): 1 / 3,
        }
    )
    # Two slices split by source: slice, outlet and entity in the line's name.
    two = [compare.Slice("2021", Filters(date_to=date(2021, 12, 31))), compare.Slice("B", BETA)]
    df2 = compare.mentions_by_slice(conn, two, ["RU"], "year", "share", split="source")
    assert set(df2["series"]) == {"2021 — Alpha — Russia", "2021 — Beta — Russia",
                                  "B — Beta — Russia"}  # fmt: skip
    # The undivided whole for comparison: 2021 has 3 of 4 articles mentioning Russia.
    whole = compare.mentions_by_slice(conn, one, ["RU"], "year", "share")
    assert _shares(whole)[("All — Russia", 2021)] == pytest.approx(3 / 4)


def test_cooccurrence_share_per_slice_over_the_same_countries(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    slices = [compare.Slice("Alpha", ALPHA), compare.Slice("Beta", BETA)]
    df = compare.cooccurrence_by_slice(conn, slices, "article", 4, "share")
    pairs = {(s, a, b): v for s, a, b, v in zip(df["slice"], df["a"], df["b"], df["value"],
                                                 strict=True)}  # fmt: skip
    # Both slices have the same four countries and so the same six pairs.
    assert len(pairs) == 12
    # Alpha: Iran & Russia in a1, a4 of 4 articles; Beta: in b1 of 4; France & Germany b2 of 4.
    assert pairs[("Alpha", "IR", "RU")] == pytest.approx(0.5)
    assert pairs[("Beta", "IR", "RU")] == pytest.approx(0.25)
    assert pairs[("Beta", "DE", "FR")] == pytest.approx(0.25)
    assert pairs[("Beta", "FR", "RU")] == pytest.approx(0.25)
    # A pair never seen in a slice is blank (below the minimum of one), not zero.
    assert pd.isna(pairs[("Alpha", "DE", "FR")])
    alpha = df[df["slice"] == "Alpha"]
    assert set(alpha["n_units"]) == {4}
    # Germany is not in Alpha at all: it is there with no units, so the matrices line up.
    de = alpha[(alpha["a"] == "DE") & (alpha["b"] == "FR")].iloc[0]
    assert (de["n_a"], de["n_b"], de["n_ab"]) == (0, 1, 0)
    raw = compare.cooccurrence_by_slice(conn, slices, "article", 4, "raw")
    assert dict(zip(raw["slice"] + raw["a"] + raw["b"], raw["value"], strict=True))[
        "BetaIRRU"
    ] == pytest.approx(1.0)


def test_cooccurrence_with_given_countries(conn: duckdb.DuckDBPyConnection) -> None:
    df = queries.cooccurrence(conn, ALPHA, "article", 2, "raw", 1, entity_ids=["RU", "DE", "IR"])
    assert sorted(zip(df["a"], df["b"], strict=True)) == [("DE", "IR"), ("DE", "RU"), ("IR", "RU")]
    row = df[(df["a"] == "IR") & (df["b"] == "RU")].iloc[0]
    assert (row["n_ab"], row["n_a"], row["n_b"]) == (2, 2, 3)
    assert df[df["a"] == "DE"]["a_name"].iloc[0] == "Germany"


# --------------------------------------------------------------------------- URL


def _known(conn: duckdb.DuckDBPyConnection) -> queries.KnownValues:
    return queries.known_values(conn)


def test_url_round_trip_and_merge(conn: duckdb.DuckDBPyConnection) -> None:
    known = _known(conn)
    spec = compare.CompareSpec(
        "Wire",
        (
            compare.SliceSpec("b", "Ministry", Filters(sources=("Beta",))),
            compare.SliceSpec(
                "c",
                "",
                Filters(
                    date_from=date(2022, 1, 1),
                    date_to=date(2022, 12, 31),
                    countries=("RU", "IR"),
                    country_match="all",
                ),
            ),
        ),
    )
    params = compare.to_params(spec)
    assert params == {
        "cmp": "2",
        "a.label": "Wire",
        "b.label": "Ministry",
        "b.source": ["Beta"],
        "c.from": "2022-01-01",
        "c.to": "2022-12-31",
        "c.country": ["IR", "RU"],
        "c.match": "all",
    }
    back, notes = compare.parse(params, known)
    assert back == spec and notes == []
    assert compare.to_params(compare.CompareSpec()) == {}

    base = Filters(sources=("Alpha",), countries=("FR",), include_capitals=False)
    a, b, c = compare.resolve(base, back, known.names)
    assert (a.label, a.filters) == ("Wire", base)
    # B replaces the source only; the country and the capitals rule stay A's.
    assert b.label == "Ministry"
    assert b.filters == Filters(sources=("Beta",), countries=("FR",), include_capitals=False)
    assert c.filters.sources == ("Alpha",) and c.filters.countries == ("IR", "RU")
    assert c.label == "C: 2022 · mentioning Iran and Russia"
    # A slice's countries bring their own any/all; without countries it keeps A's.
    both = Filters(countries=("IR", "RU"), country_match="all")
    assert compare.merge(both, Filters(countries=("FR",))).country_match == "any"
    assert compare.merge(both, Filters(sources=("Beta",))).country_match == "all"


def test_hostile_url_values_fall_back_with_notes(conn: duckdb.DuckDBPyConnection) -> None:
    known = _known(conn)
    params = {
        "cmp": "2",
        "b.source": ["Beta", "<script>alert(1)</script>", "Nope"],
        "b.from": "2021-13-45",
        "b.capitals": "0",
        "b.label": "=HYPERLINK(\x00)" + "x" * 5000,
        "c.country": ["ZZ"] * 80,
        "c.to": "99999",
        "d.source": "Alpha",  # beyond cmp=2: not a slice
    }
    spec, notes = compare.parse(params, known)
    b, c = spec.slices
    assert b.overrides == Filters(sources=("Beta",)) and b.label == ""
    assert c.overrides == Filters()
    text = "\n".join(notes)
    assert "Slice B: Ignored unknown source '<script>alert(1)</script>'" in text
    assert "Slice B: ignored 'b.capitals'" in text
    assert "Slice B: Ignored the start date '2021-13-45'" in text
    assert "Slice B: Ignored an over-long value for 'label'" in text
    assert "Slice C: Only the first 50 values of 'country' were used." in text
    assert "Slice C: Ignored the end date '99999'" in text
    assert len(spec.slices) == 2
    over, notes = compare.parse({"cmp": "99"}, known)
    assert over == compare.CompareSpec() and "Ignored cmp='99'" in notes[0]


# --------------------------------------------------------------------------- pages


@pytest.fixture
def use_db(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSWATCH_DB", str(app_db))
    return app_db


def _run(page: str, params: Mapping[str, str | list[str]]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.message for e in at.exception]
    at.query_params.update(params)
    at = at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    for df in at.dataframe:
        if all(c in df.value.columns for c in columns):
            return df.value
    raise AssertionError(f"no dataframe with columns {columns}")


def _unmd(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def test_mentions_page_compare_link(use_db: Path) -> None:
    link = {"source": "Alpha", "cmp": "1", "b.source": "Beta", "b.label": "<b>Beta</b>",
            "e": "RU", "gran": "year"}  # fmt: skip
    at = _run("mentions", link)
    table = _frame_with(at, "A: source Alpha — Russia", "<b>Beta</b> — Russia")
    assert list(table["A: source Alpha — Russia"]) == pytest.approx([2 / 3, 1.0])
    assert list(table["<b>Beta</b> — Russia"]) == pytest.approx([1.0, 1 / 3])
    slices = _frame_with(at, "slice", "articles", "filters")
    assert list(slices["articles"]) == [4, 4]
    assert at.multiselect(key="pw_mentions_b.source").value == ["Beta"]
    q = at.query_params
    assert (q["cmp"], q["b.source"], q["b.label"]) == ("1", "Beta", "<b>Beta</b>")
    assert not at.warning

    # Per source: share of each outlet's output (here: A alone, so only Alpha).
    at.number_input(key="pw_mentions_cmp").set_value(0)
    at.segmented_control(key="pw_mentions_split").set_value("source")
    at = at.run()
    assert not at.exception
    table = _frame_with(at, "Alpha — Russia")
    assert list(table["Alpha — Russia"]) == pytest.approx([2 / 3, 1.0])
    assert at.query_params["split"] == "source" and "cmp" not in at.query_params


def test_cooccurrence_page_compare_link_and_csv(use_db: Path) -> None:
    link = {"cmp": "1", "a.label": "Alpha", "source": "Alpha", "b.source": "Beta",
            "b.label": "Beta", "top": "4"}  # fmt: skip
    at = _run("cooccurrence", link)
    table = _frame_with(at, "slice", "a_name", "b_name", "share")
    got = {(s, a, b): v for s, a, b, v in zip(table["slice"], table["a_name"],
                                              table["b_name"], table["share"],
                                              strict=True)}  # fmt: skip
    assert got[("Alpha", "Iran", "Russia")] == pytest.approx(0.5)
    assert got[("Beta", "Iran", "Russia")] == pytest.approx(0.25)

    buttons = [b for b in at.get("download_button") if b.proto.label == "Download data (CSV)"]
    assert len(buttons) == 3  # the pairs, the partners and the compared table


def test_compared_csv_names_each_slice_and_is_formula_safe(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    slices = [compare.Slice("=HYPERLINK(1)", ALPHA), compare.Slice("B", BETA)]
    pairs = compare.cooccurrence_by_slice(conn, slices, "article", 4, "share")
    table = compare.with_slice_filters(pairs, slices, queries.known_values(conn).names)
    link = "http://h/cooccurrence?cmp=1&b.source=Beta"
    data = export.to_csv_bytes(table, description="d", generated_at=datetime(2026, 1, 1),
                               link=link)  # fmt: skip
    lines = data.decode("utf-8-sig").splitlines()
    assert next(csv.reader([lines[0]]))[0].startswith(f"# presswatch export · d · link {link} · ")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert {(r["slice"], r["slice_filters"]) for r in rows} == {
        ("'=HYPERLINK(1)", "source Alpha"),
        ("B", "source Beta"),
    }
    assert len(rows) == 12


def test_compare_page_hostile_link_gives_notes(use_db: Path) -> None:
    link = {"cmp": "1", "b.source": "=cmd|' /C calc'!A0", "b.from": "20x1", "e": "RU"}
    at = _run("mentions", link)
    text = "\n".join(_unmd(w.value) for w in at.warning)
    assert "Slice B: Ignored unknown source" in text and "Slice B: Ignored the start date" in text
    assert at.multiselect(key="pw_mentions_b.source").value == []


def test_compare_widgets_write_the_url_and_survive_a_page_switch(use_db: Path) -> None:
    at = _run("mentions", {"source": "Alpha", "e": "RU", "gran": "year"})
    assert not any("Compared slices" in s.value for s in at.subheader)
    at.number_input(key="pw_mentions_cmp").set_value(1)
    at = at.run()
    at.multiselect(key="pw_mentions_b.source").set_value(["Beta"])
    at.date_input(key="pw_mentions_b.from").set_value(date(2022, 1, 1))
    at = at.run()
    assert not at.exception
    q = at.query_params
    assert (q["cmp"], q["b.source"], q["b.from"]) == ("1", "Beta", "2022-01-01")
    # B: Beta in 2022 only: b3 of b2-b4 mentions Russia.
    table = _frame_with(at, "B: from 2022 · source Beta — Russia")
    assert table["B: from 2022 · source Beta — Russia"].dropna().tolist() == pytest.approx([1 / 3])
    at = at.switch_page("app_pages/overview.py").run()
    at = at.switch_page("app_pages/mentions.py").run()
    assert not at.exception
    assert at.number_input(key="pw_mentions_cmp").value == 1
    assert at.multiselect(key="pw_mentions_b.source").value == ["Beta"]
    assert at.query_params["b.source"] == "Beta"
    # The slices carry over to the other compared page, like the sidebar filters.
    at = at.switch_page("app_pages/cooccurrence.py").run()
    assert not at.exception
    assert at.multiselect(key="pw_cooccurrence_b.source").value == ["Beta"]
    assert _frame_with(at, "slice", "share")["slice"].unique().tolist() == [
        "A: source Alpha",
        "B: from 2022 · source Beta",
    ]


# --------------------------------------------------------------------------- charts


def test_compared_lines_colour_one_dimension_and_dash_the_other(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    slices = [compare.Slice("Alpha", ALPHA), compare.Slice("Beta", BETA)]
    df = compare.mentions_by_slice(conn, slices, ["RU", "IR", "FR"], "year", "share")
    fig = charts.lines_by_slice(df)
    style = {t.name: (t.line.color, t.line.dash) for t in fig.data}
    # Three entities, two slices: an entity keeps its colour, a slice its dash pattern.
    assert style["Alpha — Russia"][0] == style["Beta — Russia"][0]
    assert style["Alpha — Russia"][0] != style["Alpha — Iran"][0]
    assert {style[f"Alpha — {e}"][1] for e in ("Russia", "Iran", "France")} == {"solid"}
    assert {style[f"Beta — {e}"][1] for e in ("Russia", "Iran", "France")} == {"dash"}
    # One entity, two outlets: the outlets get the colours.
    one = compare.mentions_by_slice(conn, [compare.Slice("All", Filters())], ["RU"], "year",
                                    "share", split="source")  # fmt: skip
    colours = {t.name: t.line.color for t in charts.lines_by_slice(one).data}
    assert colours["Alpha — Russia"] != colours["Beta — Russia"]


def test_side_by_side_heatmaps_share_one_colour_scale(conn: duckdb.DuckDBPyConnection) -> None:
    slices = [compare.Slice("Alpha", ALPHA), compare.Slice("Beta", BETA)]
    pairs = compare.cooccurrence_by_slice(conn, slices, "article", 4, "share")
    figs = charts.same_colour_scale(
        [
            charts.cooccurrence_heatmap(queries.cooccurrence_matrix(pairs[pairs["slice"] == s]))
            for s in ("Alpha", "Beta")
        ]
    )
    # Alpha's largest cell is 0.5, Beta's 0.25: both scales run from 0 to 0.5.
    assert [(f.data[0].zmin, f.data[0].zmax) for f in figs] == [(0.0, 0.5), (0.0, 0.5)]


def test_offsets_lay_periods_of_different_years_over_each_other(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    y2021 = Filters(date_from=date(2021, 1, 1), date_to=date(2021, 12, 31))
    y2022 = Filters(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    slices = [compare.Slice("2021", y2021), compare.Slice("2022", y2022)]
    df = compare.with_offsets(
        compare.mentions_by_slice(conn, slices, ["RU"], "month", "share"), slices, "month"
    )
    got = {(s, o): v for s, o, v in zip(df["slice"], df["offset"], df["value"], strict=True)}
    # Counted from January: 2021 starts in February (a1, a2, b1: all mention Russia), 2022
    # in March (a4, b2, b3: two of three).
    assert min(o for s, o in got if s == "2021") == 1 and got[("2021", 1)] == 1.0
    assert min(o for s, o in got if s == "2022") == 2
    assert got[("2022", 2)] == pytest.approx(2 / 3)
    # Without a start date a slice counts from its first period.
    alpha = compare.with_offsets(
        compare.mentions_by_slice(conn, [compare.Slice("A", ALPHA)], ["RU"], "quarter"),
        [compare.Slice("A", ALPHA)],
        "quarter",
    )
    assert list(alpha["offset"]) == list(range(len(alpha)))
    # Weeks start on Monday: 2021-01-01 lies in the week of 2020-12-28, two before 2021-01-11.
    weeks = compare.with_offsets(df.assign(period=pd.Timestamp("2021-01-11")), slices, "week")
    assert set(weeks[weeks["slice"] == "2021"]["offset"]) == {2}
    fig = charts.lines_by_slice(df, offset_unit="month")
    trace = next(t for t in fig.data if t.name == "2022 — Russia")
    assert trace.x[0] == 2 and trace.text[0] == "2022-03-01"
    assert "%{text}" in trace.hovertemplate and fig.layout.xaxis.title.text.startswith("Months")


def test_mentions_page_aligned_axis_link(use_db: Path) -> None:
    link = {"from": "2021-01-01", "to": "2021-12-31", "cmp": "1", "b.from": "2022-01-01",
            "b.to": "2022-12-31", "e": "RU", "caxis": "start"}  # fmt: skip
    at = _run("mentions", link)
    table = _frame_with(at, "A: 2021 — Russia", "B: 2022 — Russia")
    assert table.index[0] == "month 1"
    assert table.loc["month 2", "B: 2022 — Russia"] == pytest.approx(2 / 3)
    assert at.segmented_control(key="pw_mentions_caxis").value == "start"
