"""The package's layout (issue 9): stages as folders, no import circles, an independent
validator, and the public API a notebook user expects at the top."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "kontaktplan"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(module: str, level: int, importer: str) -> str:
    if level == 0:
        return module
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str) -> set[str]:
    """The kontaktplan modules ``name`` imports, at module level or inside a function
    (a lazy import is still an arrow), but not under ``if TYPE_CHECKING``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node.module or "", node.level, name)
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source
                for a in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_circles():
    """Arrows only point down: no module reaches itself through its imports (importing
    a module's own parent package does not count, Python has it loaded already)."""
    circles = []
    for start in MODULES:
        stack, seen = [(start, [start])], set()
        while stack:
            name, path = stack.pop()
            for nxt in GRAPH[name] - _ancestors(name):
                if nxt == start:
                    circles.append(" -> ".join([*path, nxt]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert circles == []


def _third_party(name: str) -> set[str]:
    """The top-level names of everything ``name`` imports (``ortools``, ``typer`` ...)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("kontaktplan.validation")])
def test_validator_imports_nothing_of_the_solver_side(name):
    """The independent validator judges the plan and the disruption commands: nothing it
    reaches, directly or through another module, is theirs."""
    solver_side = {
        n
        for n in _reachable(name)
        if n.startswith(("kontaktplan.planning", "kontaktplan.disruption"))
    }
    assert solver_side == set()
    source = MODULES[name].read_text(encoding="utf-8")
    assert "ortools" not in {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }


def test_only_the_models_import_ortools():
    """OR-Tools lives in the two CP-SAT models (weekly plan, absence hand-over)."""
    users = {
        name
        for name, path in MODULES.items()
        if any(
            (alias.name if isinstance(node, ast.Import) else node.module or "").startswith(
                "ortools"
            )
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [None])
        )
    }
    assert users == {"kontaktplan.planning.model", "kontaktplan.disruption.reassign_model"}


def test_every_stage_folder_says_what_it_owns():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, f"{init} needs a docstring saying what it owns"


def test_public_api_at_the_top_without_loading_the_solver():
    """``from kontaktplan import read_scenario, plan, validate, whatif`` works, and a bare
    ``import kontaktplan`` (every command starts with it) does not load OR-Tools."""
    code = (
        "import sys, kontaktplan\n"
        "assert 'ortools' not in sys.modules, 'import kontaktplan loaded ortools'\n"
        "from kontaktplan import read_scenario, plan, validate, whatif\n"
        "from kontaktplan.planning import plan as p\n"
        "from kontaktplan.validation import validate as v\n"
        "assert plan is p and validate is v and whatif.__name__ == 'kontaktplan.whatif'\n"
        "assert callable(read_scenario)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_day_to_day_commands_do_not_load_the_solver():
    """A cancellation, a no-show or an outcome solves nothing: the command line with the
    disruption library and the workspace loaded has not imported OR-Tools (0.3 s of every
    such command before), and ``kontaktplan.planning.plan`` is still there on first use."""
    code = (
        "import sys\n"
        "import kontaktplan.cli.app, kontaktplan.disruption, kontaktplan.store\n"
        "import kontaktplan.disruption.bookable, kontaktplan.disruption.desk\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('ortools', 'pandas'))\n"
        "assert not loaded, loaded[:5]\n"
        "from kontaktplan.planning import plan\n"
        "assert 'ortools' in sys.modules and callable(plan)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
