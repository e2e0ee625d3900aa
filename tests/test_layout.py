"""The layout the Development section of README.md describes: small modules, packages that
import each other in one direction, and a running archive that loads no development tooling."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "archive"
MAX_LINES = 510
"""About 500 lines: a module longer than that holds more than one concept."""


def _modules() -> list[Path]:
    # a migration is one change of the schema, whatever its length
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def _unit(module: str) -> str:
    """The unit a module belongs to: its subpackage (``archive.graphql``), or itself for a
    module at the top of the package (``archive.db``)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _imports(path: Path) -> set[str]:
    """The archive modules ``path`` imports, at the top or inside functions."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    here = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.rsplit(".", node.level - (relative.name == "__init__"))[0]
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return {m for m in found if m.startswith("archive.")}


def _name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
        ".__init__"
    )


def _graph(unit: bool) -> dict[str, set[str]]:
    """Which modules (or, with ``unit``, which units) import which."""
    known = {_name(p) for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        source = _name(path)
        for target in _imports(path) & known:
            if unit and _unit(target) != _unit(source):
                graph[_unit(source)].add(_unit(target))
            elif not unit and target != source:
                graph[source].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph``, as the path that closes it, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_module_holds_more_than_about_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_packages_import_each_other_in_one_direction() -> None:
    graph = _graph(unit=True)
    assert "archive.extract" in graph["archive.importer"]  # the graph sees the imports
    assert _cycle(graph) is None, _cycle(graph)


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph(unit=False)
    assert "archive.graphql.lists" in graph["archive.graphql.types"]  # inside functions too
    assert _cycle(graph) is None, _cycle(graph)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_serving_loads_no_development_tooling() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, archive, archive.app; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('archive.'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert "archive.graphql.schema" in loaded
    assert "archive.web.routes" in loaded
    assert [m for m in loaded if m.startswith(("archive.bench", "archive.cli"))] == []
