"""One frozen Settings object, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
MB = 1024 * 1024
# DuckDB needs a few megabytes just to open and migrate a file and fails with an
# out-of-memory error below that; a batch of ingest needs tens more.
MIN_MEMORY_MB = 64


class SettingsError(ValueError):
    """A PRESSWATCH_* variable has a value presswatch cannot use; the message names it."""


def _env_path(name: str, default: Path) -> Path:
    # A blank value means the default, as for numbers: Path("") would be the current folder.
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return Path(raw)


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(
            f"The setting {name} must be a whole number, but it is {raw!r}."
        ) from exc
    if value < minimum:
        raise SettingsError(f"The setting {name} must be at least {minimum}, but it is {value}.")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Paths and limits; every field can be overridden by a PRESSWATCH_* variable."""

    db_path: Path
    watchlist_path: Path
    max_file_bytes: int
    max_upload_bytes: int
    max_archive_total_bytes: int
    max_archive_ratio: int
    max_archive_entries: int
    max_text_chars: int
    # DuckDB's cache limit in the served dashboard: DuckDB would otherwise keep up to 80%
    # of the machine's memory for a large database.
    dashboard_memory_bytes: int
    # The same for bulk writers (ingest, demo, reindex), which keep the file open for a
    # whole run: without a limit DuckDB's cache grows with every batch written.
    ingest_memory_bytes: int

    @classmethod
    def from_env(cls) -> Settings:
        """Read settings from the environment, with defaults for a local install."""
        return cls(
            db_path=_env_path("PRESSWATCH_DB", DATA_DIR / "presswatch.duckdb"),
            watchlist_path=_env_path("PRESSWATCH_WATCHLISTS", DATA_DIR / "watchlists.toml"),
            max_file_bytes=_env_int("PRESSWATCH_MAX_FILE_MB", 200) * MB,
            max_upload_bytes=_env_int("PRESSWATCH_MAX_UPLOAD_MB", 200) * MB,
            max_archive_total_bytes=_env_int("PRESSWATCH_MAX_ARCHIVE_MB", 2048) * MB,
            max_archive_ratio=_env_int("PRESSWATCH_MAX_ARCHIVE_RATIO", 200),
            max_archive_entries=_env_int("PRESSWATCH_MAX_ARCHIVE_ENTRIES", 100_000),
            max_text_chars=_env_int("PRESSWATCH_MAX_TEXT_CHARS", 2_000_000),
            dashboard_memory_bytes=(
                _env_int("PRESSWATCH_DASHBOARD_MEMORY_MB", 1024, minimum=MIN_MEMORY_MB) * MB
            ),
            ingest_memory_bytes=(
                _env_int("PRESSWATCH_INGEST_MEMORY_MB", 1536, minimum=MIN_MEMORY_MB) * MB
            ),
        )


def get_settings() -> Settings:
    """The settings for this process (environment read at call time, so tests can vary it)."""
    return Settings.from_env()
