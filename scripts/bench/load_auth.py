"""Authentication under load: gunicorn (2 workers) and wrk on loopback, req/s and p50/p99.

    .venv/bin/python scripts/bench/load_auth.py [--duration 15] [--connections 16] [--users 64]
        [--gunicorn-threads 1] [--backends redis,pg]

Needs wrk (Debian: `apt-get install -y wrk`). For each liveness backend (REDIS_URL set, then unset) it starts
`gunicorn config.wsgi -w 2 -b 127.0.0.1:<free port>` (config.settings.dev with DEBUG off, the benchmark's own
database), logs in once over HTTP for a real access token, then runs, one after the other:

    info    GET  /api/v1/info       the trivial tenant-scoped view (the baseline, same server)
    me      GET  /api/v1/auth/me    with `Authorization: Bearer <token>`
    login   POST /api/v1/auth/login a wrk Lua script posting JSON, each request for a random one of --users
                                     members (all with the right password)

each `wrk -t2 -c<connections> -d<duration>s --latency`, Host: bench.localhost, against 127.0.0.1 only.
Then a check, not a figure: 20 rounds of login, 20 requests to /auth/me, logout, 20 more; it prints how many
requests with the logged-out token either worker accepted (0 is the only right answer).

Benchmark-only settings, through the environment of this gunicorn and nothing else: the three login rate
limits (per account, per IP, global per IP) are raised to 1,000,000 per minute, since every request comes
from 127.0.0.1 and the point is the cost of a login, not the limiter's 429 (the limiter still runs and
counts: its Redis INCR or PostgreSQL upsert is in the figures); LOG_LEVEL=WARNING (no per-request log line,
as in bench_routing.py); HIBP off while the members are created (no network call). Rate-limit keys go to
Redis under the prefix `benchauth:` and are deleted at the end, with the database (massacorp_bench_auth_load).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import database_url, drop_database  # noqa: E402
from scripts.bench.bench_routing import TENANT_HOST, configure, prepare_database  # noqa: E402

DEFAULT_DATABASE = "massacorp_bench_auth_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
KEY_PREFIX = "benchauth:"
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - the benchmark members' password
LIMIT = "1000000"

LOGIN_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local users = %(users)d
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local body = string.format('{"email": "load%%d@example.com", "password": "%(password)s"}',
                             math.random(0, users - 1))
  return wrk.format(nil, nil, nil, body)
end
"""


def email(n: int) -> str:
    return f"load{n}@example.com"


def create_members(count: int) -> None:
    from django.test.utils import override_settings

    from shared_apps.accounts.services import member_create
    from shared_apps.tenants.models import Tenant

    tenant = Tenant.objects.get(slug="bench")
    with override_settings(HIBP_ENABLED=False):  # set-up only: no breach lookup over the network
        for n in range(count):
            member_create(tenant=tenant, email=email(n), password=PASSWORD)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(port: int, path: str, body: dict[str, Any] | None = None, token: str = "") -> tuple[int, Any]:
    headers = {"Host": TENANT_HOST, "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]


@contextmanager
def gunicorn(url: str, redis_url: str, threads: int, workdir: Path) -> Iterator[int]:
    port = free_port()
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": LIMIT,
        "LOGIN_RATE_LIMIT_PER_IP": LIMIT,
        "LOGIN_RATE_LIMIT_GLOBAL_PER_IP": LIMIT,
        "REDIS_KEY_PREFIX": KEY_PREFIX,
    }
    if not redis_url:
        environ.pop("REDIS_URL")
        environ.pop("RATELIMIT_REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", "2"]
    # Worker recycling as in docker/entrypoint.sh.
    command += ["--max-requests", "10000", "--max-requests-jitter", "1000"]
    command += ["-b", f"127.0.0.1:{port}"] + (["--threads", str(threads)] if threads > 1 else [])
    log = (workdir / f"gunicorn-{port}.log").open("w")
    server = subprocess.Popen(command, env=environ, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if http(port, "/api/v1/info")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def warm(port: int, token: str) -> None:
    """Each worker's first requests import the views and open its connections: not the steady state."""
    for _ in range(20):
        http(port, "/api/v1/info")
        http(port, "/api/v1/auth/me", token=token)
    for n in range(4):
        http(port, "/api/v1/auth/login", {"email": email(n), "password": PASSWORD})


def wrk(
    port: int, path: str, args: argparse.Namespace, headers: list[str], script: Path | None
) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s"]
    for header in [f"Host: {TENANT_HOST}", *headers]:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=args.duration + 60)
    return parse_wrk(result.stdout)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1).strip() if errors else "",
    }


def run_backend(
    name: str, url: str, redis_url: str, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    script = workdir / "login.lua"
    script.write_text(LOGIN_LUA % {"users": args.users, "password": PASSWORD})
    results: dict[str, Any] = {}
    with gunicorn(url, redis_url, args.gunicorn_threads, workdir) as port:
        status, body = http(port, "/api/v1/auth/login", {"email": email(0), "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"login failed: {status} {body!r}")
        token = body["access_token"]
        status, body = http(port, "/api/v1/auth/me", token=token)
        if status != 200 or body.get("authenticated") is not True:
            raise SystemExit(f"/auth/me failed: {status} {body!r}")
        warm(port, token)
        results["info"] = wrk(port, "/api/v1/info", args, [], None)
        results["me"] = wrk(port, "/api/v1/auth/me", args, [f"Authorization: Bearer {token}"], None)
        results["login"] = wrk(port, "/api/v1/auth/login", args, [], script)
        accepted, asked = revocation_check(port)
        print(f"{name}: requests with a logged-out token accepted by either worker: {accepted} of {asked}")
    return results


def revocation_check(port: int, rounds: int = 20, requests: int = 20) -> tuple[int, int]:
    """Logout must take effect on the next request in every worker, also one whose cache is warm.

    Each round: log in, `requests` requests to /auth/me (the kernel spreads them over both workers,
    warming their near caches of the session keys), log out (one worker), then as many again. Returns
    how many of those later requests were accepted (must be 0) and how many were made.
    """
    accepted = 0
    for n in range(rounds):
        status, body = http(port, "/api/v1/auth/login", {"email": email(n), "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"login failed: {status} {body!r}")
        token = body["access_token"]
        for _ in range(requests):
            http(port, "/api/v1/auth/me", token=token)
        if http(port, "/api/v1/auth/logout", {}, token=token)[0] != 200:
            raise SystemExit("logout failed")
        accepted += sum(http(port, "/api/v1/auth/me", token=token)[0] != 401 for _ in range(requests))
    return accepted, rounds * requests


def report(name: str, results: dict[str, Any]) -> None:
    base = results["info"]
    for case, row in results.items():
        note = f"  non-2xx {row['non_2xx']}" if row["non_2xx"] else ""
        note += f"  socket errors: {row['errors']}" if row["errors"] else ""
        print(
            f"{name:<6} {case:<6} {row['requests']:>8} {row['rps']:>9.1f} {row['p50']:>9.2f} "
            f"{row['p99']:>9.2f} {row['rps'] / base['rps']:>8.3f} {row['p50'] / base['p50']:>7.2f}{note}"
        )


def redis_cleanup(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=64, help="distinct members the login run cycles through")
    parser.add_argument("--gunicorn-threads", type=int, default=1, help="1: sync workers; more: gthread")
    parser.add_argument("--backends", default="redis,pg", help="liveness backends to run, in order")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")

    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    workdir = Path(tempfile.mkdtemp(prefix="load_auth_"))
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")
        create_members(args.users)
        from django.db import connections

        connections.close_all()
        all_results = {}
        for backend in args.backends.split(","):
            all_results[backend] = run_backend(
                backend, url, redis_url if backend == "redis" else "", args, workdir
            )
        workers = "sync" if args.gunicorn_threads == 1 else f"gthread x{args.gunicorn_threads}"
        print(
            f"\ngunicorn -w 2 ({workers}); wrk -t2 -c{args.connections} -d{args.duration}s; latencies in ms; "
            "x = relative to info on the same server"
        )
        print(
            f"{'alive?':<6} {'case':<6} {'requests':>8} {'req/s':>9} {'p50':>9} {'p99':>9} "
            f"{'x req/s':>8} {'x p50':>7}"
        )
        for backend, results in all_results.items():
            report(backend, results)
    finally:
        if not args.keep:
            drop_database(url)
        removed = redis_cleanup(redis_url)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"cleaned up: database {args.database}, {removed} Redis keys; {time.monotonic() - started:.0f} s")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
