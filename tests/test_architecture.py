"""The package's import layers: no circle, no import upwards, none hidden in a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ganbook"

# From the top down: a unit may import units of lower floors (and its own modules).
FLOORS = [
    {"tricks"},                      # the chapter's index of tricks by name
    {"recipes"},                     # compositions of tricks, and the runs that measure them
    {"training", "distribute"},      # the Keras models that train
    {"callbacks"},                   # what runs around training
    {"metrics", "models", "plot", "prepare", "stacked"},
    {"data", "toy", "losses", "penalties", "augment", "strokes"},
    {"_checks", "_quiet", "budget", "results"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, modules: set[str]) -> list[str]:
    """The ganbook modules an Import / ImportFrom node names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "ganbook"]
    if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ganbook":
        # `from ganbook import losses` names the module ganbook.losses
        return [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names]
    return []


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Every ganbook module's ganbook imports, and the imports made inside a function."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph, hidden = {}, []
    for name, path in files.items():
        tree = ast.parse(path.read_text())
        graph[name] = set()
        for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            for node in ast.walk(function):
                hidden += [f"{name} imports {m} inside {function.name}()" for m in _imported(node, set(files))]
        for node in ast.walk(tree):
            graph[name].update(_imported(node, set(files)))
    return graph, hidden


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def floor_of(module: str) -> int:
    return next(i for i, names in enumerate(FLOORS) if unit(module) in names)


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go up a floor or sideways into another unit of the same floor."""
    found = []
    for module, imports in graph.items():
        for target in imports:
            if unit(module) in ("", unit(target)):
                continue  # the top package, and a unit's own modules
            if floor_of(target) <= floor_of(module):
                found.append(f"{module} -> {target}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Circles of imports (depth-first search on the module graph)."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_every_unit_of_the_package_has_a_floor():
    graph, _ = import_graph()
    units = {unit(m) for m in graph} - {""}
    assert units == set().union(*FLOORS), "give every ganbook module a floor in FLOORS"


def test_imports_go_only_downwards_and_close_no_circle():
    graph, _ = import_graph()
    assert violations(graph) == []
    assert cycles(graph) == []


def test_no_ganbook_import_is_hidden_in_a_function():
    _, hidden = import_graph()
    assert hidden == []


@pytest.mark.parametrize("module, target", [("ganbook.models.dcgan", "ganbook.recipes"),
                                            ("ganbook.models.mlp", "ganbook.tricks"),
                                            ("ganbook.losses", "ganbook.callbacks")])
def test_the_contract_sees_an_upward_import(module, target):
    graph, _ = import_graph()
    graph[module] = graph[module] | {target}
    assert f"{module} -> {target}" in violations(graph)


def test_the_cycle_finder_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
