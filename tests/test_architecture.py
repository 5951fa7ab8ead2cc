"""The folder tree is the architecture: every import arrow between the package's layers
points one way, down the layer order below, and no modules import each other in a circle;
and the tests mirror it: every module has a test module named after it.

The imports are read from the source with ``ast``, at module level and inside functions
alike (an import moved into a function still is an arrow), so the check needs nothing
imported and runs in well under a second.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

#: Layer of each part of the package, lowest first. A module may import from its own part
#: and from parts of a lower layer only; parts on the same layer do not import each other.
LAYERS = {
    "base": 0,         # hashjoule/__init__.py, errors.py, constants.py, output.py
    "data": 1,
    "network": 2,
    "estimates": 3,
    "simulation": 3,
    "figures": 4,      # figures take Datasets: they import neither simulation nor scenarios
    "scenarios": 5,
    "calibration": 6,
    "reports": 7,
    "api": 8,
    "cli": 9,
    "__main__": 10,
}
#: Top-level modules of the lowest layer.
BASE = {"errors", "constants", "output"}
#: Module cycles known to exist, each a frozenset of the modules on it: none.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _package_root() -> Path:
    return Path(str(resources.files("hashjoule")))


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The hashjoule modules an import statement names (``from a import b`` names ``a.b`` when
    ``b`` is a module, else ``a``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:  # relative import
        base = module.split(".")
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix] + [f"{prefix}.{a.name}" for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module -> hashjoule modules it imports anywhere in its source."""
    root = _package_root()
    files = {_module_name(p, root): p for p in root.rglob("*.py") if ".venv" not in p.relative_to(root).parts}
    graph = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = _imported(node, module, path.name == "__init__.py")
                targets |= {n for n in names if n in files and n != module}
        graph[module] = targets
    return graph


def part(module: str) -> str:
    """The part of the package a module belongs to (a key of :data:`LAYERS`)."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    return parts[1]


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
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
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


GRAPH = import_graph()


def test_every_module_belongs_to_a_layer():
    assert {part(m) for m in GRAPH} <= set(LAYERS), sorted({part(m) for m in GRAPH} - set(LAYERS))


def test_the_walk_sees_imports_inside_functions():
    # the command handlers import the model inside their functions only
    assert "hashjoule.scenarios.load" in GRAPH["hashjoule.cli.commands"]
    assert len(GRAPH) > 50


def test_every_arrow_points_down_the_layers():
    wrong = sorted(f"{a} -> {b}" for a, targets in GRAPH.items() for b in targets
                   if part(a) != part(b) and LAYERS[part(b)] >= LAYERS[part(a)])
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


@pytest.mark.parametrize("forbidden", ["simulation", "scenarios"])
def test_figures_import_neither_simulation_nor_scenarios(forbidden):
    assert not [(a, b) for a, targets in GRAPH.items() for b in targets
                if part(a) == "figures" and part(b) == forbidden]


def test_no_cycle_between_parts():
    parts = {}
    for a, targets in GRAPH.items():
        parts.setdefault(part(a), set()).update(part(b) for b in targets if part(b) != part(a))
    assert not cycles(parts)


def test_no_cycle_between_modules():
    found = set(cycles(GRAPH))
    assert found <= KNOWN_CYCLES, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in found - KNOWN_CYCLES)


# --- every module has tests named after it ------------------------------------------------

#: Modules without a test module named after them, each with where it is tested instead.
#: Keep this list short: a new module gets tests/<part>/test_<module>.py.
UNTESTED_BY_NAME = {
    # one line that calls cli.entry.main: run by tests/cli/test_entry.py (python -m hashjoule)
    "hashjoule/__main__.py",
    # a thin facade over the layers, run through the commands that call it (tests/cli/,
    # reports/test_html.py, reports/test_gallery.py, calibration/test_workflow.py) and
    # imported by the scenario tests (test_runs.py, test_compare.py, test_sensitivity.py)
    "hashjoule/api.py",
    # the expected content of each bundled file: every bundled file is loaded and damaged
    # against it in tests/data/test_loaders.py, user files in tests/data/test_importing.py
    "hashjoule/data/catalogue.py",
    # the scenario file's sections: tested by the malformed files in tests/scenarios/bad/
    # (tests/scenarios/test_load.py, tests/test_hostile_input.py) and every bundled scenario
    "hashjoule/scenarios/schema.py",
}


def named_tests(root: Path) -> dict[str, list[Path]]:
    """Package module (``hashjoule/part/module.py``) -> test modules named after it: for
    ``hashjoule/part/module.py`` ``tests/part/test_module*.py``, for ``hashjoule/module.py``
    ``tests/test_module*.py``."""
    tests = Path(__file__).parent
    found = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if path.name == "__init__.py" or ".venv" in relative.parts:
            continue
        folder = tests.joinpath(*relative.parts[:-1])
        found[f"hashjoule/{relative.as_posix()}"] = sorted(folder.glob(f"test_{path.stem}*.py"))
    return found


def test_every_module_has_a_test_module_named_after_it():
    found = named_tests(_package_root())
    missing = sorted(m for m, files in found.items() if not files and m not in UNTESTED_BY_NAME)
    assert not missing, ("modules without tests/<part>/test_<module>.py (write them, or say in UNTESTED_BY_NAME "
                         "where they are tested):\n" + "\n".join(missing))


def test_the_exceptions_are_modules_still_without_a_test_module():
    found = named_tests(_package_root())
    assert UNTESTED_BY_NAME <= set(found), sorted(UNTESTED_BY_NAME - set(found))
    assert not [m for m in UNTESTED_BY_NAME if found[m]], "now tested by name: remove from UNTESTED_BY_NAME"
    assert found["hashjoule/simulation/engine_des.py"] == [
        Path(__file__).parent / "simulation" / "test_engine_des.py"]  # the walk finds what it should
