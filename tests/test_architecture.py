"""The shape of the code: the import graph of `simulator` and `recoworld_app`, read from the source.

Every import counts, at module level or inside a function, except those under `if TYPE_CHECKING:`
(never run). Importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` first, so it is also an
import of those packages, unless the importer is inside them (a package's own modules are imported
while it is being set up).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("simulator", "recoworld_app")
MAX_LINES = 500
# Modules of simulator/ allowed over MAX_LINES, each with the reason it is not split. Keep it empty.
LONG_MODULES: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(name: str, path: Path) -> set[str]:
    """Every module name the module imports, resolved (relative imports too), whatever the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from pkg import module` imports the module, else a name of pkg
                module = f"{base}.{alias.name}"
                out.add(module if module in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), filename=str(path)))
    return out


def _graph() -> dict[str, set[str]]:
    """module -> the project's modules it runs on import (see the module doc on packages)."""
    graph = {}
    for name, path in MODULES.items():
        edges = set()
        for target in _imported(name, path):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                ancestor = ".".join(parts[:i])
                inside = name == ancestor or name.startswith(ancestor + ".")
                if ancestor in MODULES and ancestor != name and (i == len(parts) or not inside):
                    edges.add(ancestor)
        graph[name] = edges
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, colouring the nodes)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def test_the_graph_sees_function_level_and_package_imports():
    graph = _graph()
    assert "simulator.world.results" in graph["simulator.text.summaries"]
    assert "simulator.world" in graph["simulator.text.summaries"]  # the package runs first
    assert "simulator.world.run" in graph["simulator.world"]
    assert "simulator.world.panel" in graph["recoworld_app.services.panels"]  # imported in a function
    assert "recoworld_app.services.runs" in graph["recoworld_app.tasks"]


def test_the_cycle_finder_reports_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_simulator_never_imports_django_or_celery():
    for name, path in MODULES.items():
        if name.startswith("simulator"):
            frameworks = {
                m for m in _imported(name, path) if m.split(".")[0] in ("django", "celery", "kombu")
            }
            assert not frameworks, f"{name} imports {sorted(frameworks)}"


def test_services_never_import_the_tasks():
    for name, edges in _graph().items():
        if name.startswith("recoworld_app.services"):
            assert "recoworld_app.tasks" not in edges, f"{name} imports recoworld_app.tasks"


def test_the_services_send_tasks_that_exist():
    from recoworld_app import tasks
    from recoworld_app.celery import app
    from recoworld_app.services import queue

    assert tasks  # registers the tasks with the app
    for name in queue.TASK_NAMES:
        assert name in app.tasks, f"services.queue sends {name}, which no task is registered as"


def test_simulator_modules_are_small():
    long = {}
    for name, path in MODULES.items():
        lines = len(path.read_text().splitlines())
        if name.startswith("simulator") and lines > MAX_LINES:
            long[name] = lines
    assert set(long) == set(LONG_MODULES), f"over {MAX_LINES} lines: {long}"
