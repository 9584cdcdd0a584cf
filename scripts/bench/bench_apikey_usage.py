"""API-key usage recording: what it costs a request, against a JWT request of the same view, same run.

    .venv/bin/python scripts/bench/bench_apikey_usage.py [--requests 3000]

One process, one settings module (config.settings.dev, DEBUG off), one WSGI handler with the full
middleware chain, called with prepared WSGI environs (as scripts/bench/bench_routing.py does: only Django's
work is timed). Two cases hit GET /api/v1/metro/summary at tenant "bench" (permission metro:read):

    jwt       Authorization: Bearer <access token> (session check in PostgreSQL: no Redis here)
    api-key   Authorization: Api-Key <key> with scope metro:read (usage row + last_used_at after the response)
    key-bare  the same key through a handler without ApiKeyUsageMiddleware: what the key lookup alone costs

Each request is timed twice: `response` = until the body has been produced (what the client waits for;
a WSGI server sends it before closing), and `total` = including response.close(), where Django runs the
response closers: the usage write happens there. Requests interleave in rounds, order rotating. At the end
the usage rows are counted: one per timed or warm-up API-key request, or the run fails.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import (  # noqa: E402 - needs ROOT on sys.path
    database_url,
    drop_database,
    percentile,
)
from scripts.bench.bench_routing import (  # noqa: E402
    _start_response,
    configure,
    environ,
    prepare_database,
)

DEFAULT_DATABASE = "massacorp_bench_apikey"
TENANT_HOST = "bench.localhost"
PATH = "/api/v1/metro/summary"


def principals() -> tuple[str, str]:
    """A tenant administrator of "bench" with a live session: (bearer header, api-key header)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.accounts.models import Membership, User
    from shared_apps.rbac.enums import ALL_CODES
    from shared_apps.tenants.models import Tenant
    from tenant_apps.apikeys.services import api_key_create
    from tenant_apps.sessions.services import session_start
    from tenant_apps.sessions.tokens import access_token_encode

    tenant = Tenant.objects.get(slug="bench")
    user = User.objects.create_user(email="bench@example.com", password=None)
    Membership.objects.create(user=user, tenant=tenant, is_admin=True)
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=user, ip="127.0.0.1", user_agent="bench", auth_methods=["pwd"]
        )
        key = api_key_create(tenant=tenant, user=user, name="bench", scopes=["metro:read"], held=ALL_CODES)
    token, _ = access_token_encode(
        user_id=user.pk, tenant=tenant.slug, session_id=session.session.pk, auth_time=timezone.now()
    )
    return f"Bearer {token}", f"Api-Key {key.raw_key}"


def request_once(app: Any, base: dict[str, Any]) -> tuple[int, int]:
    """(ns until the body is produced, ns including close)."""
    env = dict(base)
    env["wsgi.input"] = io.BytesIO(b"")
    started = time.perf_counter_ns()
    response = app(env, _start_response)
    b"".join(response)
    answered = time.perf_counter_ns()
    response.close()
    return answered - started, time.perf_counter_ns() - started


def run(
    cases: dict[str, tuple[Any, dict[str, Any]]], requests: int, batch: int
) -> dict[str, list[tuple[int, int]]]:
    for name, (app, base) in cases.items():
        request_once(app, base)
        status = _start_response.status  # type: ignore[attr-defined]
        if not status.startswith("200"):
            raise SystemExit(f"{name}: expected 200, got {status}")
        for _ in range(min(300, requests)):
            request_once(app, base)
    times: dict[str, list[tuple[int, int]]] = {name: [] for name in cases}
    names = list(cases)
    for round_no in range((requests + batch - 1) // batch):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            app, base = cases[name]
            times[name].extend(request_once(app, base) for _ in range(batch))
    return times


def report(times: dict[str, list[tuple[int, int]]]) -> None:
    def stats(values: list[int]) -> tuple[float, float]:
        return statistics.median(values) / 1000, percentile([float(v) for v in values], 0.99) / 1000

    rows = {name: (stats([r for r, _ in v]), stats([t for _, t in v])) for name, v in times.items()}
    print(f"\n{'case':<9} {'n':>6} {'response med':>13} {'p99':>9} {'total med':>10} {'p99':>9}")
    for name, ((rm, rp), (tm, tp)) in rows.items():
        print(f"{name:<9} {len(times[name]):>6} {rm:>11.0f}us {rp:>7.0f}us {tm:>8.0f}us {tp:>7.0f}us")
    (jr, _), (jt, _) = rows["jwt"][0], rows["jwt"][1]
    (kr, _), (kt, _) = rows["api-key"][0], rows["api-key"][1]
    print(f"api-key / jwt, client-visible (response) median: {kr / jr:.2f}x")
    print(f"key-bare / jwt (no usage recording at all) median: {rows['key-bare'][0][0] / jr:.2f}x")
    print(f"api-key / jwt, total incl. the usage write (close) median: {kt / jt:.2f}x")
    extra = (kt - kr) - (jt - jr)
    print(f"usage write after the response: {extra:.0f}us median per request (off the client's clock)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="timed requests per case")
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections
        from django_tenants.utils import schema_context

        from tenant_apps.apikeys.models import ApiKeyUsage

        bearer, api_key = principals()
        from django.conf import settings
        from django.test.utils import override_settings

        app = WSGIHandler()
        with override_settings(
            MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("ApiKeyUsageMiddleware")]
        ):
            bare = WSGIHandler()  # load_middleware() reads MIDDLEWARE once, here
        cases = {
            "jwt": (app, environ(TENANT_HOST, PATH_INFO=PATH, HTTP_AUTHORIZATION=bearer)),
            "api-key": (app, environ(TENANT_HOST, PATH_INFO=PATH, HTTP_AUTHORIZATION=api_key)),
            "key-bare": (bare, environ(TENANT_HOST, PATH_INFO=PATH, HTTP_AUTHORIZATION=api_key)),
        }
        times = run(cases, args.requests, args.batch)
        print(f"{args.requests} requests per case, GET {PATH}, interleaved in rounds of {args.batch}")
        report(times)
        with schema_context("bench"):
            rows = ApiKeyUsage.objects.count()
        expected = len(times["api-key"]) + 1 + min(300, args.requests)  # timed + check + warm-up
        print(f"usage rows written: {rows} (expected {expected})")
        connections.close_all()
        if rows != expected:
            raise SystemExit("usage rows missing")
    finally:
        if not args.keep:
            drop_database(url)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
