"""Features depend downwards only. Every import between the packages under app/ (each feature, the engine
app/questionnaire) and the core modules (each app/*.py) is read with `ast`, function-level imports included, and
the import cycles between them are listed. The cycles that remain are known and listed below, so a new one fails
this test; when a cycle is removed, take it off the list."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Each cycle as the path of units it goes through, starting from the alphabetically first.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def _unit(module: str) -> str | None:
    """The unit a module belongs to: a package under app/, or `core:<name>` for a module app/<name>.py."""
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    return parts[1] if (APP / parts[1]).is_dir() else f"core:{parts[1]}"


def _module_of(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: from the module's package, one level up for each further dot
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    if base == "app":  # `from app import x` imports the module app.x when there is one
        return [
            f"app.{alias.name}" if (APP / alias.name).is_dir() or (APP / f"{alias.name}.py").exists() else "app"
            for alias in node.names
        ]
    return [base]


def import_graph() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> where ("app/x/y.py:line")."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(APP.rglob("*.py")):
        module = _module_of(path)
        source = _unit(module)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):  # every import, at module level or inside a function
            for target in _imported(node, module, path.name == "__init__.py"):
                unit = _unit(target)
                if unit is not None and unit != source:
                    graph[source][unit].append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return graph


def cycles(graph) -> set[tuple[str, ...]]:
    """Every elementary cycle, as the units it goes through from the alphabetically first."""
    found: set[tuple[str, ...]] = set()

    def walk(start: str, unit: str, path: list[str]) -> None:
        for nxt in graph.get(unit, {}):
            if nxt == start:
                found.add(tuple(path))
            elif nxt > start and nxt not in path:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def _describe(graph, cycle: tuple[str, ...]) -> str:
    steps = zip(cycle, (*cycle[1:], cycle[0]))
    return (
        " -> ".join(cycle + (cycle[0],))
        + "\n"
        + "\n".join(f"    {a} -> {b}: {', '.join(graph[a][b])}" for a, b in steps)
    )


def test_the_import_graph_is_read_with_function_level_imports():
    graph = import_graph()
    assert "questionnaire" in graph["audits"]
    # app/cli.py imports the audits services inside the purge command
    assert any(where.startswith("app/cli.py") for where in graph["core:cli"]["audits"])


def test_no_import_cycles_between_features_but_the_known_ones():
    graph = import_graph()
    found = cycles(graph)
    new = sorted(found - KNOWN_CYCLES)
    assert not new, "New import cycles between features:\n" + "\n".join(_describe(graph, c) for c in new)
    gone = sorted(KNOWN_CYCLES - found)
    assert not gone, f"These cycles are gone, so take them off KNOWN_CYCLES: {gone}"


def test_findings_freshness_imports_no_other_feature():
    """Which figures go out of date is said by the features that change them (app.signals), so the bookkeeping
    of kept figures needs none of their models."""
    tree = ast.parse((APP / "findings" / "freshness.py").read_text(encoding="utf-8"))
    units = {_unit(target) for node in ast.walk(tree) for target in _imported(node, "app.findings.freshness", False)}
    assert units - {None} <= {
        "findings",
        "questionnaire",
        "core:db",
        "core:extensions",
        "core:signals",
        "core:utils",
        "core:frozen",
    }


def test_features_import_each_other_at_module_level_only():
    """An import between features inside a function hides a dependency from whoever reads the top of the file.
    Only wiring may do it: a feature's init_app registering panels and reminders, the CLI and the demo data."""
    hidden = []
    for path in sorted(APP.rglob("*.py")):
        module = _module_of(path)
        source = _unit(module)
        if source is None or source in ("core:cli", "core:demo", "core:models") or path.name in ("cli.py", "demo.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name == "init_app":
                continue
            for node in ast.walk(function):
                for target in _imported(node, module, path.name == "__init__.py"):
                    unit = _unit(target)
                    if unit is not None and unit != source and not unit.startswith("core:"):
                        hidden.append(f"{path.relative_to(APP.parent)}:{node.lineno} imports {target}")
    assert not hidden, "Imports between features inside functions:\n" + "\n".join(hidden)
