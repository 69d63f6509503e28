"""The house has layers: an import goes down or sideways inside its layer, never up, and no
module or package imports itself back round a circle.

The layer order is declared once, here, top to bottom; ``docs/architecture.md`` shows the
same order (checked below). Imports are read with ``ast`` (those inside functions count
too); an import under ``if TYPE_CHECKING:`` must still go down, but may close a circle of
modules, and such imports are listed so each new one is a decision.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "config")

#: Top to bottom. A module belongs to the unit that is the longest prefix of its name.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entry", ("bot.cli", "bot.app", "bot.runtime", "bot.health", "bot.connections",
               "bot.loopwatch", "bot.memory", "bot.failures", "bot.schedule", "bot.demo")),
    ("platforms", ("bot.platforms",)),
    ("handlers", ("handlers",)),
    ("deps", ("bot.deps",)),
    ("services", ("bot.delivery", "bot.since", "bot.timeline", "bot.scale")),
    ("content", ("bot.brief", "bot.answer")),
    ("news", ("bot.news",)),
    ("store", ("bot.store",)),
    ("contract", ("bot.platforms.base", "bot.model", "bot.clock", "bot.commands",
                  "bot.respond")),
    ("text", ("bot.text",)),
    ("errors", ("bot.errors", "bot")),
    ("config", ("config",)),
)

#: Types-only imports that close a circle of modules: (importer, imported).
TYPES_ONLY_CIRCLES = {("handlers.commands", "handlers")}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    types_only: bool


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    names: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names[".".join(parts)] = path
    return names


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def read_edges(modules: Mapping[str, Path]) -> list[Edge]:
    """Every import between our modules (``from pkg import mod`` counts as ``pkg.mod``)."""

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: list[Edge] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        types_only = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            for target in targets:
                found = resolve(target)
                if found is not None and found != name:
                    edges.append(Edge(name, found, id(node) in types_only))
    return edges


def unit_of(module: str, layers: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    best = None
    for _layer, units in layers:
        for unit in units:
            if (module == unit or module.startswith(unit + ".")) and (
                    best is None or len(unit) > len(best)):
                best = unit
    return best


def circles(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Groups of nodes that reach each other (Tarjan), each of more than one node."""
    graph: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def problems(modules: Mapping[str, Path], edges: list[Edge],
             layers: tuple[tuple[str, tuple[str, ...]], ...],
             types_only_circles: set[tuple[str, str]]) -> list[str]:
    """Everything wrong with the import graph, one line each (empty: all is well)."""
    rank = {unit: i for i, (_layer, units) in enumerate(layers) for unit in units}
    layer_name = {unit: layer for layer, units in layers for unit in units}
    found: list[str] = []
    units: dict[str, str] = {}
    for module in modules:
        unit = unit_of(module, layers)
        if unit is None:
            found.append(f"{module} is in no layer: add it to LAYERS")
        else:
            units[module] = unit
    for e in edges:
        a, b = units.get(e.source), units.get(e.target)
        if a is not None and b is not None and rank[b] < rank[a]:
            found.append(f"upward import: {e.source} ({layer_name[a]}) -> {e.target} "
                         f"({layer_name[b]})")
    runtime = [(e.source, e.target) for e in edges if not e.types_only]
    found += [f"circle of modules: {' <-> '.join(c)}" for c in circles(modules, runtime)]
    unit_edges = {(units[e.source], units[e.target]) for e in edges
                  if not e.types_only and e.source in units and e.target in units
                  and units[e.source] != units[e.target]}
    found += [f"circle of packages: {' <-> '.join(c)}"
              for c in circles(set(units.values()), unit_edges)]
    typed = {(e.source, e.target) for e in edges if e.types_only}
    closing = {pair for pair in typed
               if any(pair[0] in c and pair[1] in c for c in circles(modules, [*runtime, pair]))}
    found += [f"types-only import closes a circle: {a} -> {b} (list it in "
              f"TYPES_ONLY_CIRCLES if it must stay)" for a, b in sorted(closing)
              if (a, b) not in types_only_circles]
    return list(dict.fromkeys(found))


def test_imports_go_down_the_layers_and_never_round_a_circle() -> None:
    modules = module_names(ROOT, PACKAGES)
    assert len(modules) > 100  # the whole house was read
    assert problems(modules, read_edges(modules), LAYERS, TYPES_ONLY_CIRCLES) == []


def test_the_architecture_page_shows_the_same_layers_in_the_same_order() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"## Layers.*?```\n(.*?)```", page, re.S)
    assert block is not None, "docs/architecture.md needs a ## Layers section with a block"
    shown = [line.split()[0] for line in block.group(1).splitlines() if line.strip()]
    assert shown == [layer for layer, _units in LAYERS]


def _write(root: Path, files: Mapping[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_names(root, ["app"])


def test_the_checker_finds_an_upward_import_a_circle_and_an_undeclared_module(
        tmp_path: Path) -> None:
    layers = (("top", ("app.top",)), ("low", ("app.low", "app")))
    modules = _write(tmp_path, {
        "app/__init__.py": "",
        "app/top.py": "from app.low import thing\n",
        "app/low/__init__.py": "",
        "app/low/thing.py": "def f():\n    from app import top\n",  # up, inside a function
        "app/low/a.py": "from . import b\n",
        "app/low/b.py": "from app.low.a import x\n",
        "app/low/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                        "    from app.low import d\n",
        "app/low/d.py": "import app.low.c\n",
    })
    found = problems(modules, read_edges(modules), layers, set())
    assert "upward import: app.low.thing (low) -> app.top (top)" in found
    assert "circle of modules: app.low.a <-> app.low.b" in found
    assert "circle of modules: app.low.thing <-> app.top" in found
    assert "circle of packages: app.low <-> app.top" in found
    assert any("types-only import closes a circle: app.low.c -> app.low.d" in p for p in found)
    assert problems(modules, read_edges(modules), (("top", ("app.top",)),), set())[0] == (
        "app is in no layer: add it to LAYERS")
    allowed = problems(modules, read_edges(modules), layers, {("app.low.c", "app.low.d")})
    assert not any("types-only" in p for p in allowed)
