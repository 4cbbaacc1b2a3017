"""Settings: every PRESSWATCH_* variable, its default, its unit, and a bad value named in the
message."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from presswatch import settings as settings_module
from presswatch.settings import (
    DATA_DIR,
    MB,
    MIN_MEMORY_MB,
    Settings,
    SettingsError,
    get_settings,
)


def test_defaults_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRESSWATCH_INGEST_MEMORY_MB", raising=False)
    monkeypatch.setenv("PRESSWATCH_MAX_FILE_MB", "  ")
    settings = get_settings()
    assert settings.ingest_memory_bytes == 1536 * MB
    assert settings.max_file_bytes == 200 * MB


def test_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_INGEST_MEMORY_MB", "512")
    monkeypatch.setenv("PRESSWATCH_MAX_ARCHIVE_ENTRIES", "7")
    settings = get_settings()
    assert settings.ingest_memory_bytes == 512 * MB
    assert settings.max_archive_entries == 7


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("PRESSWATCH_MAX_FILE_MB", "lots", "PRESSWATCH_MAX_FILE_MB must be a whole number"),
        ("PRESSWATCH_MAX_UPLOAD_MB", "1.5", "PRESSWATCH_MAX_UPLOAD_MB must be a whole number"),
        ("PRESSWATCH_MAX_ARCHIVE_MB", "0", "PRESSWATCH_MAX_ARCHIVE_MB must be at least 1"),
        ("PRESSWATCH_MAX_TEXT_CHARS", "-5", "PRESSWATCH_MAX_TEXT_CHARS must be at least 1"),
        (
            "PRESSWATCH_INGEST_MEMORY_MB",
            "1",
            f"PRESSWATCH_INGEST_MEMORY_MB must be at least {MIN_MEMORY_MB}",
        ),
        (
            "PRESSWATCH_DASHBOARD_MEMORY_MB",
            "8",
            f"PRESSWATCH_DASHBOARD_MEMORY_MB must be at least {MIN_MEMORY_MB}",
        ),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str, expected: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(SettingsError, match=expected) as info:
        get_settings()
    assert raw in str(info.value)


def test_memory_minimum_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_INGEST_MEMORY_MB", str(MIN_MEMORY_MB))
    assert get_settings().ingest_memory_bytes == MIN_MEMORY_MB * MB


# --- every variable ------------------------------------------------------------------------

# Each numeric PRESSWATCH_* variable: the Settings field it sets, its default in the
# variable's own unit, the unit in bytes (1 for counts) and the smallest accepted value.
NUMBERS: dict[str, tuple[str, int, int, int]] = {
    "PRESSWATCH_MAX_FILE_MB": ("max_file_bytes", 200, MB, 1),
    "PRESSWATCH_MAX_UPLOAD_MB": ("max_upload_bytes", 200, MB, 1),
    "PRESSWATCH_MAX_ARCHIVE_MB": ("max_archive_total_bytes", 2048, MB, 1),
    "PRESSWATCH_MAX_ARCHIVE_RATIO": ("max_archive_ratio", 200, 1, 1),
    "PRESSWATCH_MAX_ARCHIVE_ENTRIES": ("max_archive_entries", 100_000, 1, 1),
    "PRESSWATCH_MAX_TEXT_CHARS": ("max_text_chars", 2_000_000, 1, 1),
    "PRESSWATCH_DASHBOARD_MEMORY_MB": ("dashboard_memory_bytes", 1024, MB, MIN_MEMORY_MB),
    "PRESSWATCH_INGEST_MEMORY_MB": ("ingest_memory_bytes", 1536, MB, MIN_MEMORY_MB),
}
PATHS: dict[str, tuple[str, Path]] = {
    "PRESSWATCH_DB": ("db_path", DATA_DIR / "presswatch.duckdb"),
    "PRESSWATCH_WATCHLISTS": ("watchlist_path", DATA_DIR / "watchlists.toml"),
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No PRESSWATCH_* variable set (the developer's shell or CI may set some)."""
    for name in list(os.environ):
        if name.startswith("PRESSWATCH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_tables_here_name_every_variable_settings_reads() -> None:
    # A variable added to settings.py without a row here would go untested.
    source = Path(settings_module.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'"(PRESSWATCH_[A-Z_]+)"', source))
    assert read == set(NUMBERS) | set(PATHS)
    # ... and every field of Settings is set by one of them.
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == {row[0] for row in NUMBERS.values()} | {row[0] for row in PATHS.values()}


def test_every_default(clean_env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    for name, (field, default, unit, _minimum) in NUMBERS.items():
        assert getattr(settings, field) == default * unit, name
    for name, (field, path) in PATHS.items():
        assert getattr(settings, field) == path, name
    # The defaults live in the project's data folder, wherever the process was started.
    assert settings.db_path.is_absolute() and settings.db_path.parent.name == "data"
    assert settings.watchlist_path.is_file()  # the shipped watch lists


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_each_number_is_read_in_its_unit(clean_env: pytest.MonkeyPatch, name: str) -> None:
    field, _default, unit, minimum = NUMBERS[name]
    value = minimum + 3
    clean_env.setenv(name, str(value))
    settings = get_settings()
    assert getattr(settings, field) == value * unit
    # Only this field moved.
    for other, (other_field, other_default, other_unit, _m) in NUMBERS.items():
        if other != name:
            assert getattr(settings, other_field) == other_default * other_unit, other


def test_megabytes_are_binary(clean_env: pytest.MonkeyPatch) -> None:
    # 1 MB here is 1024 * 1024 bytes, as DuckDB's "MiB" memory limit the stores set.
    assert MB == 1_048_576
    clean_env.setenv("PRESSWATCH_MAX_FILE_MB", "3")
    clean_env.setenv("PRESSWATCH_INGEST_MEMORY_MB", "100")
    settings = get_settings()
    assert settings.max_file_bytes == 3_145_728
    assert settings.ingest_memory_bytes == 104_857_600


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_an_empty_number_means_the_default(
    clean_env: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    field, default, unit, _minimum = NUMBERS[name]
    clean_env.setenv(name, raw)
    assert getattr(get_settings(), field) == default * unit


def test_spaces_around_a_number_are_ignored(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("PRESSWATCH_MAX_ARCHIVE_RATIO", " 50 \n")
    assert get_settings().max_archive_ratio == 50


# A size with its unit, a fraction, a separator or a word is not a whole number of the
# variable's unit: each is an error naming the variable, never a silent default.
NOT_NUMBERS = ["200MB", "200 MB", "1.5", "1e3", "2,000", "0x10", "lots", "∞", "None"]


@pytest.mark.parametrize("raw", NOT_NUMBERS)
@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_a_value_that_is_not_a_whole_number_is_an_error(
    clean_env: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    clean_env.setenv(name, raw)
    with pytest.raises(SettingsError) as info:
        get_settings()
    assert str(info.value) == f"The setting {name} must be a whole number, but it is {raw!r}."
    assert isinstance(info.value.__cause__, ValueError)  # int()'s own complaint kept


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_a_value_below_the_minimum_is_an_error_and_the_minimum_is_accepted(
    clean_env: pytest.MonkeyPatch, name: str
) -> None:
    field, _default, unit, minimum = NUMBERS[name]
    for low in (minimum - 1, 0, -1):
        clean_env.setenv(name, str(low))
        with pytest.raises(SettingsError) as info:
            get_settings()
        assert str(info.value) == (
            f"The setting {name} must be at least {minimum}, but it is {low}."
        )
    clean_env.setenv(name, str(minimum))
    assert getattr(get_settings(), field) == minimum * unit


def test_the_first_bad_variable_is_named_even_when_others_are_fine(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("PRESSWATCH_MAX_FILE_MB", "10")
    clean_env.setenv("PRESSWATCH_INGEST_MEMORY_MB", "lots")
    with pytest.raises(SettingsError, match="PRESSWATCH_INGEST_MEMORY_MB"):
        get_settings()


@pytest.mark.parametrize("name", sorted(PATHS))
def test_paths_are_taken_as_given(clean_env: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    field, _default = PATHS[name]
    clean_env.setenv(name, str(tmp_path / "elsewhere" / "file with spaces"))
    assert getattr(get_settings(), field) == tmp_path / "elsewhere" / "file with spaces"
    # A relative path stays relative: it is resolved where the process runs, like --db.
    clean_env.setenv(name, "rel/x.duckdb")
    assert getattr(get_settings(), field) == Path("rel/x.duckdb")


@pytest.mark.parametrize("name", sorted(PATHS))
@pytest.mark.parametrize("blank", ["", "  "])
def test_an_empty_path_means_the_default(
    clean_env: pytest.MonkeyPatch, name: str, blank: str
) -> None:
    # PRESSWATCH_DB="" must not become Path("."), the current folder.
    field, default = PATHS[name]
    clean_env.setenv(name, blank)
    assert getattr(get_settings(), field) == default


def test_settings_are_read_at_each_call_and_frozen(clean_env: pytest.MonkeyPatch) -> None:
    first = get_settings()
    clean_env.setenv("PRESSWATCH_MAX_ARCHIVE_ENTRIES", "9")
    assert get_settings().max_archive_entries == 9
    assert first.max_archive_entries == 100_000  # an object already read does not change
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.max_archive_entries = 1  # type: ignore[misc]
    assert get_settings() == Settings.from_env()
