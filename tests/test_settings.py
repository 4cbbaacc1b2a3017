"""Settings: each PRESSWATCH_* number is checked, and a bad one is named in the message."""

from __future__ import annotations

import pytest

from presswatch.settings import MB, MIN_MEMORY_MB, SettingsError, get_settings


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
