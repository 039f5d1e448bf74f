"""The package is a house of floors: a module imports (at its top) only modules below it, so the import graph
has no cycle, and the ground floor (types, errors, folding) imports nothing above it. An import inside a
function is a deliberate late load: it may reach any floor below, but it may not close a cycle either."""

from __future__ import annotations

import ast
from pathlib import Path

from kb.config import ROOT

GROUND = {"kb.types": set(), "kb.errors": set(), "kb.folding": set()}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """The kb modules a file imports outside any function (`from kb.x import y` counts y when it is a module)."""
    return kb_imports(ast.parse(path.read_text(encoding="utf-8")).body)


def every_import(path: Path) -> set[str]:
    """The kb modules a file imports anywhere, late imports inside functions included."""
    return kb_imports(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def kb_imports(nodes) -> set[str]:
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kb"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kb":
            found.add(node.module)
            base = ROOT / Path(*node.module.split("."))
            found |= {f"{node.module}.{a.name}" for a in node.names
                      if (base / f"{a.name}.py").exists() or (base / a.name).is_dir()}
    return found


def import_graph(late: bool = False) -> dict[str, set[str]]:
    """Module → the kb modules it imports at its top (and, with `late`, inside its functions too)."""
    modules = {module_name(p): p for p in (ROOT / "kb").rglob("*.py")}
    imports = every_import if late else top_level_imports
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph (as a path that comes back to its start), or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_package_imports_have_no_cycle():
    assert find_cycle(import_graph()) == []


def test_late_imports_make_no_cycle_either():
    """A late import runs all the same: a cycle through one (types → serialize → render → types, as it was) is a
    cycle the top-level graph does not show."""
    assert find_cycle(import_graph(late=True)) == []


def test_the_product_never_imports_the_benchmark_harness():
    """kb/bench/ is left out of the wheel: a product module importing it would fail once installed."""
    graph = import_graph(late=True)
    assert not [m for m, deps in graph.items()
                if not m.startswith("kb.bench") and any(d.startswith("kb.bench") for d in deps)]


def test_a_cycle_is_found_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_ground_floor_imports_nothing_above_it():
    graph = import_graph()
    for module, allowed in GROUND.items():
        assert graph[module] <= allowed, module
