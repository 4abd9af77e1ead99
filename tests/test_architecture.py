"""The layout ARCHITECTURE.md describes, held as tests: module size, import cycles and layers."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "credlint"
MAX_MODULE_LINES = 500
FAMILIES = (
    "credentials",
    "environment",
    "region",
    "retry",
    "chain",
    "credential_files",
    "metadata",
    "signing",
    "exposure",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:`, which never run."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            yield from (inner for statement in node.orelse for inner in [statement, *_runtime_nodes(statement)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(module: str) -> set[str]:
    """The credlint modules that importing `module` runs, from imports anywhere in it (functions too),
    with the packages each passes through."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def test_no_hand_written_module_is_over_the_limit() -> None:
    sources = [*PACKAGE.rglob("*.py"), *(ROOT / "scripts").glob("*.py")]
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in sources
    }
    assert {path: lines for path, lines in lengths.items() if lines > MAX_MODULE_LINES} == {}


def test_no_import_cycle() -> None:
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_cycle_check_sees_imports_inside_functions() -> None:
    tree = ast.parse("def f():\n    from credlint.registry import RULES\nif TYPE_CHECKING:\n    import credlint.api\n")
    seen = [node for node in _runtime_nodes(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [node.module for node in seen if isinstance(node, ast.ImportFrom)] == ["credlint.registry"]
    assert not any(isinstance(node, ast.Import) for node in seen)


def family_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "checks" else None


@pytest.mark.parametrize("module", [m for m in MODULES if family_of(m) is None and m != "credlint.registry"])
def test_the_core_and_shared_layers_import_no_family(module: str) -> None:
    assert {target for target in GRAPH[module] if family_of(target)} == set()


def test_the_registry_imports_family_packages_only() -> None:
    family_modules = {target for target in GRAPH["credlint.registry"] if family_of(target)}
    assert family_modules == {f"credlint.checks.{family}" for family in FAMILIES}


@pytest.mark.parametrize("module", [m for m in MODULES if family_of(m)])
def test_a_family_imports_no_other_family(module: str) -> None:
    others = {family_of(target) for target in GRAPH[module]} - {None, family_of(module)}
    assert others == set()


SHARED_PACKAGES = ("credlint.analysis", "credlint.deployment", "credlint.data")
SHARED_MODULES = (
    "atomic_write",
    "budget",
    "chain",
    "file_kinds",
    "finding",
    "notebooks",
    "prefilter",
    "python_suppressions",
    "rule",
    "rule_info",
    "secrets",
    "slicing",
    "visitor_methods",
    "settings",
    "span_rule",
    "suppressions",
    "text_rule",
    "workers",
)
SHARED = [m for m in MODULES if m.startswith(SHARED_PACKAGES) or m in {f"credlint.{name}" for name in SHARED_MODULES}]
ABOVE_THE_FAMILIES = {
    "credlint.api",
    "credlint.engine",
    "credlint.registry",
    "credlint.cli",
    "credlint.lsp",
    "credlint.config",
}


@pytest.mark.parametrize("module", SHARED)
def test_the_shared_layer_sits_below_the_families_and_front_ends(module: str) -> None:
    assert GRAPH[module] & ABOVE_THE_FAMILIES == set()
    assert not any(target.startswith("credlint.reporters") for target in GRAPH[module])


def test_every_family_is_registered() -> None:
    on_disk = {path.name for path in (PACKAGE / "checks").iterdir() if (path / "__init__.py").exists()}
    assert on_disk == set(FAMILIES)
