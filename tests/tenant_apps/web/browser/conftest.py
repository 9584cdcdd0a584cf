"""Browser tests: Debian's Chromium (never a downloaded build) driven by pytest-playwright against a live
server of the test database, on tenant hosts `<slug>.localhost:<port>`.

The tenants and people of these tests are committed for real (the server thread has its own connection, so
it cannot see a test transaction); the tenants get a fresh slug per run and are deleted afterwards.
Screenshots go to tmp/artefacts/browser/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from shared_apps.tenants.models import Tenant
from shared_apps.tenants.routing import clear_routing_cache
from shared_apps.tenants.services import tenant_create, tenant_delete

ARTEFACTS = Path(__file__).resolve().parents[4] / "tmp" / "artefacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # *.localhost is loopback in Chromium already; say it explicitly for the live server's address.
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/tenant_apps/web/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(django_db_setup: None) -> dict[str, Any]:
    # The test database first, before Playwright's event loop runs in this thread.
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return {"executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


@dataclass
class LiveSite:
    port: int
    tenants: dict[str, Tenant] = field(default_factory=dict)

    def url(self, tenant: str, path: str = "/") -> str:
        return f"http://{self.tenants[tenant].slug}.localhost:{self.port}{path}"


@pytest.fixture(scope="module")
def live_site(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveSite]:
    """Two committed tenants (the second for isolation) and a server thread answering for both."""
    with django_db_blocker.unblock():
        run = uuid.uuid4().hex[:6]
        tenants = {
            "a": tenant_create(slug=f"web{run}a", name="Bistro du Web", domain=f"web{run}a.localhost"),
            "b": tenant_create(slug=f"web{run}b", name="Épicerie Voisine", domain=f"web{run}b.localhost"),
        }
        clear_routing_cache()
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield LiveSite(port=server.port, tenants=tenants)
        finally:
            server.terminate()
            for tenant in tenants.values():
                tenant_delete(slug=tenant.slug)
            clear_routing_cache()
            connections.close_all()


@pytest.fixture
def db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Here the test's own writes are committed, not kept in pytest-django's per-test transaction: the
    server thread has its own connection and must see them. (Named `db` so that pytest-django sets the
    test database up for these tests too.)"""
    with django_db_blocker.unblock():
        yield
        # Opened while Playwright's event loop runs in this thread, so kept apart from the session's own
        # connection (Django keeps them per context): closed here, or the test database cannot be dropped.
        connections.close_all()


@pytest.fixture
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
