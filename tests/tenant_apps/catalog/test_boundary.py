"""The product master is supplier-neutral: nothing in the catalog app imports a supplier's app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tenant_apps.catalog

CATALOG = Path(tenant_apps.catalog.__file__).parent
SUPPLIER_APPS = ("tenant_apps.metro",)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CATALOG.rglob("*.py")), ids=lambda p: str(p.relative_to(CATALOG)))
def test_the_catalog_imports_no_suppliers_app(path: Path) -> None:
    reaching = {name for name in _imports(path) if name.startswith(SUPPLIER_APPS)}
    assert not reaching, f"{path} imports {reaching}"
