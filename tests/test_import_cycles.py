"""No import cycle among the modules of app/, and no ``importlib.util.find_spec`` "load when present".

Same rule as the shared ``import-cycles`` tool: every ``import``/``from ... import`` counts, also the
ones inside functions (a lazy import that dodges a cycle is still a cycle); a submodule importing its
own parent package does not count (``app.places.console`` importing ``app.places``).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def _modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in sorted(APP.rglob("*.py"))
    }


def _imported_names(node: ast.AST, package: str) -> list[str]:
    """Every module name an import statement may refer to (``from a import b`` names ``a`` and ``a.b``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module -> the app modules it imports anywhere in its body (parents of itself excluded)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets.update(_imported_names(node, package))
        graph[name] = {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"    {a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "cycle: " + " <-> ".join(component) + "\n" + "\n".join(edges)


def test_the_checker_finds_a_lazy_cycle_and_ignores_parent_imports():
    """The checker itself: a cycle through a function-level import counts; child -> parent does not."""
    graph = {"a": {"b"}, "b": {"a"}, "c": set(), "c.d": set()}
    assert cycles(graph) == [["a", "b"]]
    assert cycles({"x": {"y"}, "y": {"z"}, "z": set()}) == []
    source = "def f():\n    from . import sibling\n"
    names = [n for node in ast.walk(ast.parse(source)) for n in _imported_names(node, "app.pkg")]
    assert names == ["app.pkg", "app.pkg.sibling"]


def test_no_import_cycle_inside_app():
    """``app/`` has no import cycle (imports inside functions count)."""
    graph = import_graph()
    found = cycles(graph)
    assert not found, f"{len(found)} import cycles in app/:\n" + "\n".join(_describe(graph, c) for c in found)


def test_no_find_spec_in_app():
    """Plain imports only: nothing under app/ loads modules "when present" through find_spec."""
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(APP.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if "find_spec" in line
    ]
    assert not hits, "find_spec under app/:\n" + "\n".join(hits)
