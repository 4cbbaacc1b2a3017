"""Load a script from bench/ as a module, for tests of the benchmarks' own logic."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench_module(filename: str) -> ModuleType:
    """Import ``bench/<filename>`` under its file stem (bench/ is not a package)."""
    name = Path(filename).stem
    spec = importlib.util.spec_from_file_location(name, BENCH / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
