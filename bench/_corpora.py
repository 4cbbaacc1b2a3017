"""Locate the shared corpora for benchmarks: ../shared/corpora beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def corpora_dir() -> Path:
    """$PRESSWATCH_CORPORA if set, else ../shared/corpora relative to the repository."""
    default = REPO_ROOT.parent / "shared" / "corpora"
    return Path(os.environ.get("PRESSWATCH_CORPORA", default))


def require_corpora() -> Path:
    """corpora_dir(), or SystemExit with a clear message when it is missing."""
    root = corpora_dir()
    if not root.is_dir():
        raise SystemExit(f"shared corpora not found at {root} (set PRESSWATCH_CORPORA)")
    return root
