"""The house rules of docs/architecture.md that the import contracts (``lint-imports``,
run by ``make lint``) cannot see: private names stay in their package, views reach the
store only through the service, and modules stay small enough to read."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "toetreding"
MAX_LINES = 450
# Where the service's store may be read: the store itself and the service that owns it.
STORE_OWNERS = ("store", "service")


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        yield ".".join(p for p in parts if p != "__init__"), path


def _package(module: str) -> str:
    """The top-level package of a module below toetreding (``toetreding.x``)."""
    return ".".join(module.split(".")[:2])


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_imports(module: str, tree: ast.Module) -> Iterator[str]:
    """Imports of another package's private module or private name."""
    own = _package(module)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [(alias.name, "") for alias in node.names]
        else:
            continue
        for target, name in targets:
            if not target.startswith("toetreding.") or target == "toetreding._exceptions":
                continue  # the root package's own private module: every module is inside it
            if _package(target) == own:
                continue
            parts = target.split(".")[2:]
            if any(_is_private(p) for p in parts) or _is_private(name):
                yield f"{module}:{node.lineno} imports {target}{'.' + name if name else ''}"


def test_no_module_imports_a_private_name_of_another_package() -> None:
    found = [
        problem
        for module, path in _modules()
        for problem in _private_imports(module, ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_only_the_service_reads_its_store() -> None:
    """Views, audits, documents and simulations call the service's methods; only the store
    and the service that owns it touch ``.store`` (tests and benchmarks may)."""
    found = []
    for module, path in _modules():
        if module.split(".")[1:2] and module.split(".")[1] in STORE_OWNERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                found.append(f"{module}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize("module", [m for m, _ in _modules()])
def test_modules_stay_small_enough_to_read(module: str) -> None:
    path = dict(_modules())[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by concern"
