"""The package's shape as docs/ARCHITECTURE.md states it: dependencies run one way
(simulator -> interventions -> agents, simulator -> agents) and no module imports, even
lazily inside a function, a module that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agents", "interventions", "simulator")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Project modules and the project modules each imports (anywhere in its code)."""
    modules = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    graph.add_edge(name, target)
                    break  # the most specific module imported
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    assert graph.number_of_edges() > 100  # the walk found the imports
    assert list(nx.simple_cycles(graph)) == []


def test_dependencies_run_one_way():
    allowed = {"agents": {"agents"}, "interventions": {"interventions", "agents"}}
    wrong = [
        (a, b)
        for a, b in import_graph().edges
        if a.split(".")[0] in allowed and b.split(".")[0] not in allowed[a.split(".")[0]]
    ]
    assert wrong == []
