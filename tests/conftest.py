"""Shared fixtures: the real corpora folder (skipped where absent) and temporary stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPORA_DIR = Path(os.environ.get("PRESSWATCH_CORPORA", PROJECT_ROOT.parent / "shared" / "corpora"))


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """../shared/corpora; tests that need it skip cleanly in a user's fresh clone."""
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA_DIR}")
    return CORPORA_DIR
