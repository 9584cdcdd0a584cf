"""Authentication benchmarks: the cost of an authenticated request, and of Argon2 hashing.

    .venv/bin/python scripts/bench/bench_auth.py [--requests 5000] [--profile] [--skip-argon2]
    .venv/bin/python scripts/bench/bench_auth.py --argon2-only [--threads 64]

1. Latency, in one process, the way bench_routing.py measures routing (its helpers are reused): one WSGI
   handler built from config.settings.dev with DEBUG off, called directly with prepared environs (no server,
   no sockets), warm-up, then the cases interleaved in rounds with a rotating order:

       info       GET /api/v1/info, the trivial tenant-scoped view (no authentication): the baseline
       me-redis   GET /api/v1/auth/me, Bearer token, REDIS_URL set: liveness = one Redis EXISTS
       me-pg      GET /api/v1/auth/me, same token, REDIS_URL empty: liveness read with the session row

   The token is a real one, from a real POST /api/v1/auth/login through the same handler. The two /auth/me
   cases differ only by settings.REDIS_URL, swapped (override_settings) between batches, outside the timing;
   the revocation check reads it on every call. Target: median of /auth/me <= 2x the median of /info.
   --profile: cProfile of each /auth/me case against info (own time per request, and our functions'
   cumulative time).

2. Argon2: the median of 20 make_password with the configured hasher (CappedArgon2PasswordHasher, argon2id
   m=19 MiB, t=2, p=1) and with Django's default Argon2PasswordHasher (m=100 MiB, t=2, p=8), same process;
   then peak memory (VmHWM of a fresh process per case) while --threads threads hash at once, with
   PASSWORD_HASH_CONCURRENCY at 1, 4 (the default) and = --threads (effectively uncapped), each under
   glibc's default malloc, with MALLOC_MMAP_THRESHOLD_ fixed and with MALLOC_ARENA_MAX=2 (by default glibc
   keeps a freed 19 MiB block in the arena of every thread that ever hashed, up to 8 arenas per CPU, so
   peak memory follows the number of threads, not the cap).

The benchmark creates and drops its own database (massacorp_bench_auth on DATABASE_URL's server), with one
tenant and one member. HIBP is off for that set-up only (no network call to create the member). Redis: the
REDIS_URL of the environment, else redis://127.0.0.1:6379/12; the /auth/me path only reads from it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import database_url, drop_database, percentile  # noqa: E402
from scripts.bench.bench_routing import (  # noqa: E402 - needs ROOT on sys.path
    TENANT_HOST,
    WsgiApp,
    configure,
    environ,
    prepare_database,
    request_once,
)

DEFAULT_DATABASE = "massacorp_bench_auth"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
TARGET_RATIO = 2.0
EMAIL = "bench.member@example.com"
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - the benchmark member's password
MIB = 1024 * 1024
# glibc's malloc raises its mmap threshold after the first large free, so a thread's 19 MiB block then comes
# from that thread's arena and stays there (resident) after the hash: the second setting pins the threshold.
MMAP_THRESHOLD = 8 * MIB
ALLOCATORS: dict[str, dict[str, str]] = {
    "glibc": {},
    "mmap-8M": {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD)},
    "arenas-2": {"MALLOC_ARENA_MAX": "2"},  # fewer arenas: threads share, and reuse, the freed blocks
}

# What the profile lists by cumulative time: (file name, function).
PROFILED_STEPS = {
    ("authentication.py", "authenticate"),
    ("tokens.py", "access_token_decode"),
    ("principal_cache.py", "lookup"),
    ("principal_read.py", "principal_for_token"),
    ("mfa.py", "user_has_mfa"),
    ("mfa.py", "mfa_required_for"),
    ("permissions.py", "has_permission"),
    ("utils.py", "_execute"),
    ("client.py", "execute_command"),
}
Case = tuple[WsgiApp, dict[str, Any], dict[str, Any]]  # handler, environ, settings for the batch


# --- set-up -------------------------------------------------------------------------------------------------


def create_member() -> None:
    from django.test.utils import override_settings

    from shared_apps.accounts.services import member_create
    from shared_apps.tenants.models import Tenant

    with override_settings(HIBP_ENABLED=False):  # set-up only: no breach lookup over the network
        member_create(tenant=Tenant.objects.get(slug="bench"), email=EMAIL, password=PASSWORD)


def call(app: WsgiApp, base: dict[str, Any], body: bytes = b"") -> tuple[str, bytes]:
    """One request through the handler; (status line, body)."""
    env = {**base, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"] = status
        return lambda data: None

    response = app(env, start_response)
    content = b"".join(response)
    response.close()  # type: ignore[attr-defined]
    if content[:2] == b"\x1f\x8b":  # GZipMiddleware: the environs accept gzip, as clients do
        content = gzip.decompress(content)
    return seen["status"], content


def login(app: WsgiApp) -> str:
    """A real login through the full stack; the access token it returns."""
    base = environ(TENANT_HOST, PATH_INFO="/api/v1/auth/login", REQUEST_METHOD="POST")
    base["CONTENT_TYPE"] = "application/json"
    status, body = call(app, base, json.dumps({"email": EMAIL, "password": PASSWORD}).encode())
    if not status.startswith("200"):
        raise SystemExit(f"login failed: {status} {body[:300]!r}")
    return str(json.loads(body)["access_token"])


def build_cases(redis_url: str) -> dict[str, Case]:
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    token = login(app)
    me = environ(TENANT_HOST, PATH_INFO="/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    return {
        "info": (app, environ(TENANT_HOST), {}),
        "me-redis": (app, me, {"REDIS_URL": redis_url}),
        "me-pg": (app, me, {"REDIS_URL": ""}),
    }


def check(name: str, case: Case) -> int:
    """Fail unless the case answers its 200 (and took the intended liveness path); its queries/request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from shared_apps.accounts import principal_cache

    app, base, overrides = case
    with override_settings(**overrides), CaptureQueriesContext(connection) as queries:
        status, body = call(app, base)
        if name.startswith("me-"):
            liveness = principal_cache.lookup(
                revoked_key=f"authn:revoked:bench:{_any_uuid()}", tenant_id=0, user_id=_any_uuid()
            ).revoked
            expected = False if overrides["REDIS_URL"] else None
            if liveness is not expected:
                raise SystemExit(f"{name}: the liveness check answered {liveness!r}, expected {expected!r}")
    data = json.loads(body)
    ok = data.get("authenticated") is True if name.startswith("me-") else "tenant" in data
    if not status.startswith("200") or not ok:
        raise SystemExit(f"{name}: expected 200, got {status} {body[:300]!r}")
    return len(queries)


def _any_uuid() -> Any:
    import uuid

    return uuid.uuid4()


# --- latency ------------------------------------------------------------------------------------------------


def run(cases: dict[str, Case], requests: int, batch: int) -> dict[str, list[int]]:
    from django.test.utils import override_settings

    for _name, (app, base, overrides) in cases.items():
        with override_settings(**overrides):
            for _ in range(min(500, requests)):
                request_once(app, base)
    times: dict[str, list[int]] = {name: [] for name in cases}
    names = list(cases)
    for round_no in range((requests + batch - 1) // batch):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            app, base, overrides = cases[name]
            with override_settings(**overrides):
                gc.collect()
                times[name].extend(request_once(app, base)[0] for _ in range(batch))
    return times


def report(times: dict[str, list[int]], queries: dict[str, int]) -> None:
    base_median = statistics.median(times["info"])
    base_p99 = percentile([float(t) for t in times["info"]], 0.99)
    print(f"\n{'case':<10} {'n':>6} {'queries':>7} {'median':>9} {'p99':>9} {'x median':>9} {'x p99':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        p99 = percentile([float(t) for t in values], 0.99)
        print(
            f"{name:<10} {len(values):>6} {queries[name]:>7} {median / 1000:>7.0f}us {p99 / 1000:>7.0f}us "
            f"{median / base_median:>9.2f} {p99 / base_p99:>7.2f}"
        )
    for name in ("me-redis", "me-pg"):
        ratio = statistics.median(times[name]) / base_median
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(f"target: {name} median <= {TARGET_RATIO}x info -> {verdict} ({ratio:.2f}x)")


def _short(filename: str) -> str:
    return filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")


def profile(cases: dict[str, Case], requests: int = 3000, batch: int = 250) -> None:
    """Per /auth/me case: where it spends more own time than info, and our functions' cumulative time."""
    from django.test.utils import override_settings

    profilers = {name: cProfile.Profile() for name in cases}
    names = list(cases)
    for round_no in range(requests // batch):  # interleaved, like the timing
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            app, base, overrides = cases[name]
            with override_settings(**overrides):
                profilers[name].enable()
                for _ in range(batch):
                    request_once(app, base)
                profilers[name].disable()
    requests = requests // batch * batch
    stats = {name: pstats.Stats(p).stats for name, p in profilers.items()}  # type: ignore[attr-defined]
    info_own = {key: value[2] for key, value in stats["info"].items()}
    for name in ("me-redis", "me-pg"):
        own = {key: value[2] for key, value in stats[name].items()}
        extra = {key: own.get(key, 0.0) - info_own.get(key, 0.0) for key in set(own) | set(info_own)}
        total = sum(own.values()) - sum(info_own.values())
        print(
            f"\n{name}: own time beyond info per request, cProfile'd (total {total / requests * 1e6:.0f} us)"
        )
        for (filename, line, function), seconds in sorted(extra.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {seconds / requests * 1e6:7.1f} us  {_short(filename)}:{line}({function})")
        print(f"{name}: cumulative time of the authentication steps, per request (under cProfile)")
        for (filename, line, function), value in sorted(stats[name].items(), key=lambda kv: -kv[1][3]):
            if (filename.rsplit("/", 1)[-1], function) in PROFILED_STEPS:
                sql = "  <- SQL round trips" if function == "_execute" else ""
                print(
                    f"  {value[3] / requests * 1e6:7.1f} us  {value[0] / requests:5.1f} calls  "
                    f"{_short(filename)}:{line}({function}){sql}"
                )


# A what-if for the proposal: the principal as one hand-written statement (user, membership, MFA flag).
LEAN_PRINCIPAL_SQL = """
SELECT u.id, u.email, u.is_active, u.is_staff, u.is_superuser, m.is_active, m.is_admin,
       EXISTS (SELECT 1 FROM mfa_totpdevice d WHERE d.user_id = u.id AND d.confirmed)
FROM accounts_user u
LEFT JOIN accounts_membership m ON m.user_id = u.id AND m.tenant_id = %s
WHERE u.id = %s AND u.is_active
"""
# The same for the PostgreSQL liveness path: the live session row joined in.
LEAN_SESSION_SQL = """
SELECT u.id, u.email, u.is_active, u.is_staff, u.is_superuser, m.is_active, m.is_admin,
       EXISTS (SELECT 1 FROM mfa_totpdevice d WHERE d.user_id = u.id AND d.confirmed)
FROM user_sessions_usersession s
JOIN accounts_user u ON u.id = s.user_id
LEFT JOIN accounts_membership m ON m.user_id = u.id AND m.tenant_id = %s
WHERE s.id = %s AND s.user_id = %s AND s.revoked_at IS NULL AND s.idle_expires_at > now()
  AND s.absolute_expires_at > now() AND u.is_active
"""


def breakdown(token: str, samples: int = 2000, batch: int = 100) -> None:
    """The steps of /auth/me timed alone, without a profiler (interleaved medians), and what-ifs."""
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from shared_apps.accounts import principal_cache
    from shared_apps.accounts.models import User
    from shared_apps.authn import principal_read
    from shared_apps.core.redis_client import _client
    from shared_apps.mfa.selectors import user_has_mfa
    from shared_apps.tenants.models import Tenant
    from tenant_apps.sessions.revocation import revoked_key
    from tenant_apps.sessions.tokens import access_token_decode

    tenant = Tenant.objects.get(slug="bench")
    connection.set_tenant(tenant)  # type: ignore[attr-defined]
    claims = access_token_decode(token)
    user = User.objects.get(pk=claims.user_id)

    def principal(checked: bool) -> Any:
        return principal_read.principal_for_token(
            tenant=tenant,
            user_id=claims.user_id,
            session_id=claims.session_id,
            now=timezone.now(),
            session_checked=checked,
        )

    def compiled() -> tuple[str, Any]:
        # The principal statement is fixed text: "building" it is only binding its values.
        return principal_read.PRINCIPAL_SQL, {
            "tenant_id": tenant.pk,
            "user_id": claims.user_id,
            "now": timezone.now(),
        }

    sql, params = compiled()
    client = _client(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    snapshot_key = f"benchauth:principal:{tenant.pk}:{claims.user_id}"
    snapshot = {"email": user.email, "is_active": True, "membership": [True, False], "mfa": False}
    client.set(snapshot_key, json.dumps({**snapshot, "codes": ["x:read"] * 10}), ex=300)

    def cached_principal(redis_client: Any) -> Any:
        pipe = redis_client.pipeline(transaction=False)
        pipe.exists(revoked_key(tenant.schema_name, claims.session_id))
        pipe.get(snapshot_key)
        revoked, raw = pipe.execute()
        return revoked, json.loads(raw)

    def run_sql(statement: str, values: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            cursor.fetchall()

    steps: dict[str, Any] = {
        "jwt decode (access_token_decode; a token verified before)": lambda: access_token_decode(token),
        "principal_cache.lookup (near cache warm: no round trip)": lambda: principal_cache.lookup(
            revoked_key=revoked_key(tenant.schema_name, claims.session_id),
            tenant_id=tenant.pk,
            user_id=claims.user_id,
        ),
        "principal_for_token, redis said alive": lambda: principal(True),
        "principal_for_token, session joined (pg)": lambda: principal(False),
        "  of which: ORM build + compile only": compiled,
        "  of which: its SQL, raw cursor (plan+run)": lambda: run_sql(sql, params),
        "user_has_mfa (second query)": lambda: user_has_mfa(user),
        "SELECT 1 (one round trip)": lambda: run_sql("SELECT 1", None),
        "what-if: lean principal + mfa, raw SQL": lambda: run_sql(
            LEAN_PRINCIPAL_SQL, [tenant.pk, claims.user_id]
        ),
        "what-if: lean session + principal + mfa, raw SQL": lambda: run_sql(
            LEAN_SESSION_SQL, [tenant.pk, claims.session_id, claims.user_id]
        ),
        "what-if: redis pipeline EXISTS + GET principal": lambda: cached_principal(client),
    }
    times: dict[str, list[int]] = {name: [] for name in steps}
    with override_settings(REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL):
        for step in steps.values():
            for _ in range(50):
                step()
        for _ in range(samples // batch):
            for name, step in steps.items():
                for _ in range(batch):
                    started = time.perf_counter_ns()
                    step()
                    times[name].append(time.perf_counter_ns() - started)
    client.delete(snapshot_key)
    print(f"\n/auth/me steps timed alone (median of {samples}, no profiler):")
    for name, values in times.items():
        print(f"  {statistics.median(values) / 1000:7.0f} us  {name}")


def profile_login(app: WsgiApp, count: int = 30) -> None:
    """Where a successful login spends its time (in-process, cumulative, our code and the hash)."""
    from django.test.utils import override_settings

    profiler = cProfile.Profile()
    # The same member logs in `count` times: the limiter still runs, with limits raised past `count`.
    with override_settings(
        LOGIN_RATE_LIMIT_PER_ACCOUNT=10**6,
        LOGIN_RATE_LIMIT_PER_IP=10**6,
        LOGIN_RATE_LIMIT_GLOBAL_PER_IP=10**6,
    ):
        profiler.enable()
        for _ in range(count):
            login(app)
        profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(value[3] for value in stats.values())
    print(
        f"\nPOST /auth/login: cumulative time per login under cProfile ({total / count * 1000:.1f} ms in all)"
    )
    ours = [
        (key, value)
        for key, value in stats.items()
        if ("shared_apps/" in key[0] or "tenant_apps/" in key[0] or "argon2" in key[0])
        and "/migrations/" not in key[0]
    ]
    for (filename, line, function), value in sorted(ours, key=lambda kv: -kv[1][3])[:18]:
        print(
            f"  {value[3] / count * 1000:7.2f} ms  {value[0] / count:5.1f} calls  "
            f"{_short(filename)}:{line}({function})"
        )
    sql = [v for k, v in stats.items() if k[0].endswith("django/db/backends/utils.py") and k[2] == "_execute"]
    if sql:
        print(f"  {sql[0][3] / count * 1000:7.2f} ms  {sql[0][0] / count:5.1f} calls  SQL round trips")


def latency(args: argparse.Namespace) -> None:
    url = database_url(args.database)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")  # REDIS_URL unset at start-up: the cases set it per batch
        create_member()
        cases = build_cases(redis_url)
        queries = {name: check(name, case) for name, case in cases.items()}
        times = run(cases, args.requests, args.batch)
        print(f"{args.requests} requests per case, interleaved in rounds of {args.batch}; redis {redis_url}")
        report(times, queries)
        if args.profile:
            profile(cases)
            breakdown(cases["me-pg"][1]["HTTP_AUTHORIZATION"].split()[1])
            profile_login(cases["info"][0])
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)


# --- Argon2 -------------------------------------------------------------------------------------------------


def _vm(field: str) -> int:
    """A /proc/self/status memory figure, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _setup_hashing_only(concurrency: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["PASSWORD_HASH_CONCURRENCY"] = str(concurrency)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()  # no database is touched by hashing


def argon2_times_worker(samples: int) -> None:
    """Child process: median make_password / check_password of each hasher; print them as JSON."""
    _setup_hashing_only(4)
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password

    hashers = {"configured": get_hasher("default"), "django-default": Argon2PasswordHasher()}
    for hasher in hashers.values():
        make_password(PASSWORD, hasher=hasher)  # load the library
    results: dict[str, dict[str, Any]] = {}
    for name, hasher in hashers.items():
        encode: list[float] = []
        verify: list[float] = []
        encoded = ""
        for _ in range(samples):
            started = time.perf_counter()
            encoded = make_password(PASSWORD, hasher=hasher)
            encode.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert check_password(PASSWORD, encoded)
            verify.append(time.perf_counter() - started)
        results[name] = {
            "hasher": type(hasher).__name__,
            "parameters": encoded.split("$")[3],
            "encode": statistics.median(encode),
            "verify": statistics.median(verify),
        }
    print(json.dumps(results))


def _child(arguments: list[str], allocator: str) -> Any:
    """Run this script as a child with the allocator's environment; its last stdout line, as JSON."""
    extra = ALLOCATORS[allocator]
    result = subprocess.run(
        [sys.executable, __file__, *arguments],
        env={**os.environ, "PYTHONPATH": str(ROOT), **extra},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode:
        raise SystemExit(f"child {arguments} ({allocator}) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def argon2_times(samples: int = 20) -> None:
    print(f"\nArgon2: median of {samples} hashes each, one thread, a fresh process per allocator setting")
    print(f"{'allocator':<10} {'hasher':<15} {'parameters':<17} {'make_password':>13} {'check':>9} {'x':>6}")
    for allocator in ALLOCATORS:
        results = _child(["--times-worker", str(samples)], allocator)
        base = results["configured"]["encode"]
        for name, row in results.items():
            print(
                f"{allocator:<10} {name:<15} {row['parameters']:<17} {row['encode'] * 1000:>10.1f} ms "
                f"{row['verify'] * 1000:>6.1f} ms {row['encode'] / base:>6.2f}"
            )


def argon2_memory_worker(concurrency: int, threads: int, rounds: int) -> None:
    """Child process: `threads` threads hash `rounds` times each, released together; print figures as JSON."""
    _setup_hashing_only(concurrency)
    import argon2  # noqa: F401 - loaded before the baseline, like a warm worker
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password

    hasher = get_hasher("default")
    from shared_apps.accounts import passwords

    passwords._semaphore()  # sized from the setting, before any thread
    baseline_rss = _vm("VmRSS")
    baseline_hwm = _vm("VmHWM")
    barrier = threading.Barrier(threads)
    in_flight = 0
    peak_in_flight = 0
    lock = threading.Lock()
    original = Argon2PasswordHasher.encode  # what the capped hasher calls inside its slot

    def counting_encode(self: Any, password: str, salt: str) -> str:
        nonlocal in_flight, peak_in_flight
        with lock:
            in_flight += 1
            peak_in_flight = max(peak_in_flight, in_flight)
        try:
            return original(self, password, salt)
        finally:
            with lock:
                in_flight -= 1

    Argon2PasswordHasher.encode = counting_encode  # type: ignore[method-assign]

    def work() -> None:
        barrier.wait()
        for _ in range(rounds):
            make_password(PASSWORD, hasher=hasher)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "baseline_rss": baseline_rss,
                "baseline_hwm": baseline_hwm,
                "peak_hwm": _vm("VmHWM"),
                "elapsed": elapsed,
                "hashes": threads * rounds,
                "peak_in_flight": peak_in_flight,
            }
        )
    )


def argon2_memory(threads: int, rounds: int) -> None:
    caps = sorted({1, 4, threads})
    print(
        f"\npeak memory: {threads} threads x {rounds} make_password each, released at once, fresh processes"
    )
    print(
        f"{'allocator':<10} {'cap':>4} {'in flight':>9} {'RSS before':>11} {'VmHWM':>9} {'growth':>9} "
        f"{'/19 MiB':>7} {'wall':>7} {'hashes/s':>9}"
    )
    for allocator in ALLOCATORS:
        for cap in caps:
            data = _child(["--memory-worker", str(cap), str(threads), str(rounds)], allocator)
            growth = data["peak_hwm"] - data["baseline_rss"]
            print(
                f"{allocator:<10} {cap:>4} {data['peak_in_flight']:>9} "
                f"{data['baseline_rss'] / MIB:>7.0f} MiB "
                f"{data['peak_hwm'] / MIB:>5.0f} MiB {growth / MIB:>5.0f} MiB {growth / (19 * MIB):>7.1f} "
                f"{data['elapsed']:>6.2f}s {data['hashes'] / data['elapsed']:>9.1f}"
            )
    print(
        "growth = VmHWM - RSS before the threads start. glibc: the default malloc; mmap-8M: the same with\n"
        f"MALLOC_MMAP_THRESHOLD_={MMAP_THRESHOLD} (fixed: each 19 MiB block is mmap'ed, then unmapped);\n"
        "arenas-2: MALLOC_ARENA_MAX=2 (the threads share two arenas, so freed blocks are reused)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="timed requests per case")
    parser.add_argument("--batch", type=int, default=250, help="requests per case per round")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the benchmark's own database")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--skip-argon2", action="store_true")
    parser.add_argument("--argon2-only", action="store_true")
    parser.add_argument("--threads", type=int, default=64, help="concurrent hashing threads (memory)")
    parser.add_argument("--rounds", type=int, default=2, help="hashes per thread (memory)")
    parser.add_argument("--memory-worker", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--times-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        argon2_memory_worker(*args.memory_worker)
        return 0
    if args.times_worker:
        argon2_times_worker(args.times_worker)
        return 0

    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if not args.argon2_only:
        latency(args)
    if not args.skip_argon2:
        argon2_times()
        argon2_memory(args.threads, args.rounds)
    print(f"load average at end {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
