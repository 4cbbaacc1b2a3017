"""The package's modules import each other one way only, and the pure write stages stand alone.

The graph is read from the source with ``ast``: every import statement counts, also one
inside a function (a lazy import closes a circle as surely as one at the top) or under
``TYPE_CHECKING``, and relative imports are resolved. Importing a module counts as
importing the packages above it (their ``__init__`` runs first), except the importer's
own packages, which Python has necessarily started already.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import presswatch

PACKAGE_ROOT = Path(presswatch.__file__).parent


def _module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package at ``root``."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """What an import statement in ``module`` names: modules, packages and, for ``from
    package import name``, each ``package.name`` (a submodule when it is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    names = [f"{target}.{alias.name}" for alias in node.names]
    return [target, *names]


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (see the module docstring)."""
    modules = _module_names(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        own = set(_ancestors(name))
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = _targets(node, name, is_package)
            if isinstance(node, ast.ImportFrom):
                package, names = targets[0], targets[1:]
                found = [n for n in names if n in modules]
                # "from package import name": the package's own code runs for a name it
                # defines; for a submodule only its package must have been imported.
                if len(found) < len(names) or package not in own:
                    found.append(package)
            else:
                found = targets
            for target in found:
                if target in modules:
                    edges.add(target)
                    edges.update(a for a in _ancestors(target) if a not in own)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, …, a], or None when the graph is acyclic."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                found = visit(nxt)
                if found:
                    return found
        on_path.discard(path.pop())
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            found = visit(start)
            if found:
                return found
    return None


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = import_graph(PACKAGE_ROOT)
    assert "presswatch.ingest.pipeline" in graph and "presswatch.store" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_store_imports_nothing_of_presswatch_but_schema_and_settings() -> None:
    graph = import_graph(PACKAGE_ROOT)
    assert graph["presswatch.store"] <= {
        "presswatch",
        "presswatch.schema",
        "presswatch.settings",
    }


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_lazy_import_inside_a_function_closes_a_cycle(tmp_path: Path) -> None:
    pkg = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "store.py": "def open():\n    from pkg.spool import start\n    start()\n",
            "spool.py": "from pkg import batch\n",
            "batch.py": "from pkg.store import open\n",
        },
    )
    cycle = find_cycle(import_graph(pkg))
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"pkg.store", "pkg.spool", "pkg.batch"}


def test_relative_imports_and_package_inits_count(tmp_path: Path) -> None:
    pkg = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "ui/__init__.py": "from ..core import helper\n",
            "ui/page.py": "from . import widgets\n",
            "ui/widgets.py": "",
            "core.py": "from pkg.ui import widgets\n",
        },
    )
    graph = import_graph(pkg)
    assert graph["pkg.ui"] == {"pkg.core"}
    assert graph["pkg.ui.page"] == {"pkg.ui.widgets"}  # its own package is not an edge
    # Importing pkg.ui.widgets runs pkg/ui/__init__.py, which imports core: a circle.
    assert graph["pkg.core"] == {"pkg.ui", "pkg.ui.widgets"}
    assert find_cycle(graph) in (
        ["pkg.core", "pkg.ui", "pkg.core"],
        ["pkg.ui", "pkg.core", "pkg.ui"],
    )


def test_an_acyclic_package_has_no_cycle(tmp_path: Path) -> None:
    pkg = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "import pkg.b\n",
            "b.py": "import json\nfrom pkg import c\n",
            "c.py": "X = 1\n",
        },
    )
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.c"}
    assert find_cycle(graph) is None


def test_the_pure_write_stages_import_without_duckdb() -> None:
    # A fresh interpreter: this test process has DuckDB loaded already.
    script = (
        "import sys\n"
        "import presswatch.ingest.rows, presswatch.ingest.analyse\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'duckdb'\n"
        "    or m in ('presswatch.store', 'presswatch.ingest.sinks', 'presswatch.ingest.write',\n"
        "             'presswatch.ingest.readers', 'presswatch.extract.detect')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT.parent)}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"
