"""The layout the architecture page describes: small modules, CQL only in storage/, no HTTP in storage/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pageviews"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: A module longer than this gets split (docs/architecture.md).
MAX_LINES = 400


def imported(module: Path) -> set[str]:
    """Top-level names of the absolute imports of a module (relative imports are the package's own)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def in_folder(folder: str) -> list[Path]:
    return [module for module in MODULES if module.parent.name == folder]


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("folder", ["collect", "reports"])
def test_only_storage_speaks_cql(folder: str) -> None:
    assert in_folder(folder)
    for module in in_folder(folder):
        driver = sorted(name for name in imported(module) if name.split(".")[0] == "cassandra")
        assert driver == [], f"{module.name} imports the Cassandra driver: {driver}"


def test_storage_knows_nothing_of_http() -> None:
    for module in in_folder("storage"):
        web = sorted(name for name in imported(module) if name.startswith(("django.http", "django.shortcuts")))
        assert web == [], f"{module.name} imports {web}"


def test_every_folder_of_modules_is_a_regular_package() -> None:
    folders = {module.parent for module in MODULES}
    assert sorted(str(f.relative_to(PACKAGE)) for f in folders if not (f / "__init__.py").is_file()) == []
