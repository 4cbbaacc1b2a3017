"""ui/data.py's cache: the one cache of query results, the queries' shared parts included."""

from __future__ import annotations

from pathlib import Path

import duckdb

from presswatch import queries
from presswatch.store import bump_data_version, open_store
from presswatch.ui import data


def test_shared_parts_are_kept_per_database_file_and_data_version(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "c.duckdb")
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert data._shared_part(conn, "probe", "k", compute) == 1
    assert data._shared_part(conn, "probe", "k", compute) == 1  # kept
    assert data._shared_part(conn, "probe", "other", compute) == 2  # another key
    bump_data_version(conn)
    assert data._shared_part(conn, "probe", "k", compute) == 3  # new data: computed again
    conn.close()


def test_an_in_memory_database_is_not_cached() -> None:
    conn = duckdb.connect(":memory:")
    calls: list[int] = []
    for _ in range(2):
        data._shared_part(conn, "probe", "k", lambda: calls.append(1))
    assert len(calls) == 2
    conn.close()


def test_the_dashboard_routes_the_queries_shared_parts_into_its_cache(tmp_path: Path) -> None:
    # Importing ui.data installs its cache; the queries package keeps none of its own.
    conn = open_store(tmp_path / "d.duckdb")
    seen: list[str] = []
    original = queries._sql._cache_hook[0]
    assert original is data._shared_part

    def spy(c: queries.Conn, name: str, key: str, compute: object) -> object:
        seen.append(name)
        return original(c, name, key, compute)  # type: ignore[arg-type]

    queries.use_cache(spy)
    try:
        queries.term_frequencies(conn, queries.Filters(), exclude_countries=True)
        queries.cooccurrence_nodes(conn, queries.Filters())
    finally:
        queries.use_cache(original)
    assert seen == ["country_surfaces", "entity_units"]
    conn.close()
