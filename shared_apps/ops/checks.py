"""Readiness and deep-health probes: each returns (ok, detail) and never raises."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

from shared_apps.tenants import template

Probe = Callable[[], tuple[bool, str]]


def database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as error:
        return False, type(error).__name__


def public_migrations() -> tuple[bool, str]:
    try:
        with schema_context("public"):
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return (not pending, "ok" if not pending else f"{len(pending)} pending")
    except Exception as error:
        return False, type(error).__name__


def template_migrations() -> tuple[bool, str]:
    try:
        current = template.template_is_current()
        return current, "ok" if current else "template schema missing or behind"
    except Exception as error:
        return False, type(error).__name__


def redis_ping() -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        return True, "ok"
    except Exception as error:
        return False, type(error).__name__


def readiness_probes() -> dict[str, Probe]:
    probes: dict[str, Probe] = {
        "database": database,
        "migrations_public": public_migrations,
        "migrations_template": template_migrations,
    }
    if settings.REDIS_URL:
        probes["redis"] = redis_ping
    return probes


def run_probes(probes: dict[str, Probe]) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, probe in probes.items():
        started = time.perf_counter()
        ok, detail = probe()
        results[name] = {
            "ok": ok,
            "detail": detail,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    return results
