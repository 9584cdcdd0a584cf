"""STYLE #1: the public-schema apps reach the tenant schema only through the `tenant_side` port."""

from __future__ import annotations

import ast
from pathlib import Path

import tenant_apps.sessions.tenant_side as implementation
from shared_apps.authn.tenant_side import TenantSide, tenant_side

SHARED_APPS = Path(__file__).resolve().parents[3] / "shared_apps"


def test_the_configured_tenant_side_implements_the_port() -> None:
    port: TenantSide = implementation  # mypy checks every function of the module against the Protocol
    assert tenant_side() is port


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_shared_app_imports_a_tenant_app() -> None:
    offenders = {
        str(path.relative_to(SHARED_APPS)): sorted(
            n for n in _imported_modules(path) if n.split(".")[0] == "tenant_apps"
        )
        for path in SHARED_APPS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
