"""The house's layout: rooms import only downward, no import cycles, no programme knowledge in code.

The import graph is built from the source (every ``import`` and ``from … import``, also those inside
functions), so a lazy import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from schemas import programme_ids

ROOT = Path(__file__).resolve().parents[1]
ROOMS: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["intake"]["rooms"]
RANK = {room: n for n, room in enumerate(ROOMS)}
# Where programme knowledge may be written down: the programme data and the sample generator.
KNOWLEDGE_ROOMS = {"schemas", "samples"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for room in ROOMS for p in (ROOT / room).rglob("*.py")}


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (``a.b.c`` → ``a.b`` when c is a name in a.b)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names = [prefix] + [f"{prefix}.{a.name}" for a in node.names]
        found |= {target for n in names if (target := _resolve(n)) and target != module}
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _grouped(depth: int) -> dict[str, set[str]]:
    """The graph between packages: modules grouped by their first ``depth`` name parts."""
    def group(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    graph: dict[str, set[str]] = defaultdict(set)
    for source, targets in GRAPH.items():
        for target in targets:
            a, b = group(source), group(target)
            # a package importing its own submodule is not an edge between packages
            if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
                graph[a].add(b)
    return graph


def test_every_package_is_a_declared_room():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages <= set(ROOMS), f"undeclared rooms: {sorted(packages - set(ROOMS))} (pyproject [tool.intake])"


def test_rooms_import_only_downward():
    upward = sorted(f"{source} → {target}" for source, targets in GRAPH.items() for target in targets
                    if RANK[target.split(".")[0]] > RANK[source.split(".")[0]])
    assert not upward, "imports against the declared order:\n" + "\n".join(upward)


def test_no_cycle_between_modules():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_no_cycle_between_packages(depth):
    assert _cycles(_grouped(depth)) == []


def test_the_checker_sees_a_cycle_and_an_upward_import():
    """The graph builder on a made-up pair: it must find what the real tests assert is absent."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "review_queue.store" in GRAPH["flows.process"]  # a real edge, found from the source
    assert "schemas.settings" in GRAPH["extractors.registry"]


def _literals(path: Path):
    """String constants of a module other than docstrings, with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_indicator_code_or_programme_id_in_code():
    words = "|".join(re.escape(p) for p in programme_ids())
    pattern = re.compile(rf"(?<![\w-])(?:[A-C]-\d{{1,2}}-\d{{1,2}}|{words})(?!\w)")
    assert pattern.search("A-2-1") and pattern.search("city-2025")
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}" for module, path in MODULES.items()
             if module.split(".")[0] not in KNOWLEDGE_ROOMS for line, text in _literals(path) if pattern.search(text)]
    assert not found, "programme knowledge written in code:\n" + "\n".join(found)
