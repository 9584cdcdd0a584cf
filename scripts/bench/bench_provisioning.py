"""Provisioning benchmark: one tenant into a database that already holds N tenant schemas.

    .venv/bin/python scripts/bench/bench_provisioning.py --schemas 1000 --samples 20

What it does, in one process and one run:
1. Creates its own database (`massacorp_bench_prov` on the server of DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432), migrates the public schema and the tenant template.
2. Fills it with N tenant schemas quickly: the template's replay script (the one `tenant_create` uses)
   executed for a batch of schemas per transaction, with their Tenant and Domain rows, on two connections.
3. Measures, interleaved in rounds so that drift hits every path alike, the wall time of provisioning one
   tenant (rows + schema) by
   (a) our path, `shared_apps.tenants.services.tenant_create`;
   (b) django-tenants' stock path, what `TenantMixin.create_schema` does with a base schema:
       `CloneSchema().clone_schema(template, new, "DATA")` then `migrate_schemas --schema new --fake`;
   (c) running every migration: `CREATE SCHEMA` then `migrate_schemas --schema new` (fewer samples).
   Each path also writes the Tenant and Domain rows, so the three do the same job. One warm-up call
   per path is excluded (and printed: our first call in a process includes the pg_dump of the template).
4. Prints median and p90 per path, the ratios to (a), and where (a)'s time goes; drops the database.

`--pad-tables K` adds K Django-like tables (identity PK, unique, FK, indexes) to the template before the
fill, to see how each path scales with the size of the tenant schema as later apps add tables; (c) then
still runs only the real migrations. `--profile` adds a cProfile of (a). `--keep` keeps the database.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "massacorp_bench_prov"
TARGET_SECONDS = 0.25


# --- the benchmark's own database (shared with bench_routing.py) -------------------------------------------


def database_url(name: str) -> str:
    """DATABASE_URL's server and credentials, with the database `name`: never the dev or test database."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _maintenance_connection(url: str) -> psycopg.Connection:
    parts = urlsplit(url)
    maintenance = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    return psycopg.connect(maintenance, autocommit=True)


def recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def setup_django(url: str, settings_module: str) -> None:
    """Point Django at the benchmark database; quiet logs (the figures are the output)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- set-up and fill ---------------------------------------------------------------------------------------


def migrate_public_and_template(pad_tables: int) -> None:
    from django.core.management import call_command

    from shared_apps.tenants import template

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0, stdout=io.StringIO())
    template.ensure_template_current()
    if pad_tables:
        _pad_template(template.template_schema(), pad_tables)
        template.forget_cached_script()


def _pad_template(schema: str, count: int) -> None:
    """Tables shaped like Django's output, so that the copy costs what a bigger tenant schema costs."""
    from django.db import connection

    statements = []
    for i in range(count):
        table = f'"{schema}"."bench_pad_{i:03d}"'
        statements.append(
            f"CREATE TABLE {table} (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "
            "created_at timestamptz NOT NULL, name varchar(200) NOT NULL UNIQUE, amount numeric(12, 2), "
            "data jsonb NOT NULL, parent_id bigint)"
        )
        statements.append(f'CREATE INDEX "bench_pad_{i:03d}_created" ON {table} (created_at)')
        statements.append(f'CREATE INDEX "bench_pad_{i:03d}_parent" ON {table} (parent_id)')
        if i:
            statements.append(
                f'ALTER TABLE {table} ADD CONSTRAINT "bench_pad_{i:03d}_parent_fk" FOREIGN KEY (parent_id) '
                f'REFERENCES "{schema}"."bench_pad_{i - 1:03d}" (id) DEFERRABLE INITIALLY DEFERRED'
            )
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements))


def _scalar(query: str, params: list[str] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchone()[0]


def template_relations() -> int:
    """Relations in the template, TOAST included: each one is a lock while a copy's transaction runs."""
    from shared_apps.tenants.template import template_schema

    own = _scalar(
        "SELECT count(*) + 2 * count(*) FILTER (WHERE c.reltoastrelid <> 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
        [template_schema()],
    )
    return int(own)


def tenant_schema_count() -> int:
    from shared_apps.tenants.models import Tenant

    return Tenant.objects.count()


def _fill_batch(slugs: list[str]) -> None:
    from django.db import transaction

    from shared_apps.tenants import template
    from shared_apps.tenants.models import Domain, Tenant

    with transaction.atomic():
        tenants = Tenant.objects.bulk_create(
            [Tenant(slug=slug, name=slug, schema_name=slug, settings={}) for slug in slugs]
        )
        Domain.objects.bulk_create(
            [Domain(domain=f"{t.slug}.bench.localhost", tenant=t, is_primary=True) for t in tenants]
        )
        for tenant in tenants:
            template.copy_template_into(tenant.schema_name)


def fill(count: int, workers: int) -> str:
    """N tenant schemas, identical to tenant_create's, as fast as the server takes them."""
    from django.db import connection

    from shared_apps.tenants import template
    from shared_apps.tenants.services import tenant_create

    slugs = [f"fill{i:05d}" for i in range(count)]
    if template.template_script() is None:  # no usable pg_dump: nothing to replay in bulk
        for slug in slugs:
            tenant_create(slug=slug, name=slug, domain=f"{slug}.bench.localhost")
        return "tenant_create one by one (no pg_dump: stock clone fallback)"
    # Every relation created in a transaction holds a lock until commit; stay well inside the lock table.
    lock_table = int(_scalar("SHOW max_locks_per_transaction")) * int(_scalar("SHOW max_connections"))
    per_batch = max(1, min(100, lock_table // (4 * workers) // max(template_relations(), 1)))
    batches = [slugs[i : i + per_batch] for i in range(0, len(slugs), per_batch)]
    errors: list[BaseException] = []

    def work(mine: list[list[str]]) -> None:
        try:
            for batch in mine:
                _fill_batch(batch)
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(batches[w::workers],)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return f"bulk replay of the template script, {per_batch} schemas per transaction, {workers} connections"


def settle_catalogue() -> None:
    """Vacuum and analyse the catalogues the fill grew, as autovacuum would have in a database that has lived
    with its schemas: otherwise autovacuum starts on them in the middle of the measurement."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        for table in (
            "pg_class",
            "pg_attribute",
            "pg_type",
            "pg_depend",
            "pg_constraint",
            "pg_index",
            "pg_namespace",
            "pg_attrdef",
            "pg_sequence",
            "pg_init_privs",
        ):
            cursor.execute(f"VACUUM (ANALYZE) pg_catalog.{table}")
        # Start the measurement on a fresh checkpoint rather than inside one that the fill's WAL triggered.
        # Needs superuser or pg_checkpoint; without it the figures are just noisier.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")


# --- the three paths ---------------------------------------------------------------------------------------


def _rows(slug: str) -> str:
    from shared_apps.tenants.models import Domain, Tenant

    tenant = Tenant.objects.create(slug=slug, name=slug, schema_name=slug, settings={})
    Domain.objects.create(domain=f"{slug}.bench.localhost", tenant=tenant, is_primary=True)
    return tenant.schema_name


def ours(slug: str) -> None:
    from shared_apps.tenants.services import tenant_create

    tenant_create(slug=slug, name=slug, domain=f"{slug}.bench.localhost")


def stock_clone(slug: str) -> None:
    from django.core.management import call_command
    from django_tenants.clone import CloneSchema

    from shared_apps.tenants.db import use_public_schema
    from shared_apps.tenants.template import template_schema

    schema = _rows(slug)
    CloneSchema().clone_schema(template_schema(), schema, "DATA")
    call_command(
        "migrate_schemas",
        tenant=True,
        fake=True,
        schema_name=schema,
        interactive=False,
        verbosity=0,
        stdout=io.StringIO(),
    )
    use_public_schema()


def every_migration(slug: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from shared_apps.tenants.db import use_public_schema

    schema = _rows(slug)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema,
        interactive=False,
        verbosity=0,
        stdout=io.StringIO(),
    )
    use_public_schema()


def _timed(path: Callable[[str], None], slug: str) -> float:
    started = time.perf_counter()
    path(slug)
    return time.perf_counter() - started


PATHS: dict[str, Callable[[str], None]] = {"a": ours, "b": stock_clone, "c": every_migration}


def measure(
    chosen: str, samples: int, migrate_samples: int, deadline: float
) -> tuple[dict[str, list[float]], dict[str, float]]:
    paths = {key: PATHS[key] for key in "abc" if key in chosen and (key != "c" or migrate_samples)}
    cold = {key: _timed(path, f"{key}warm") for key, path in paths.items()}
    times: dict[str, list[float]] = {key: [] for key in paths}
    for round_no in range(max(samples, migrate_samples)):
        keys = [key for key in paths if len(times[key]) < (migrate_samples if key == "c" else samples)]
        shift = round_no % len(keys)
        for key in keys[shift:] + keys[:shift]:  # rotate the order: no path always runs first
            times[key].append(_timed(paths[key], f"{key}{round_no:04d}"))
        if time.monotonic() > deadline:
            print(f"time budget spent: stopped after {round_no + 1} rounds", file=sys.stderr)
            break
    return times, cold


# --- where (a)'s time goes -------------------------------------------------------------------------------


def breakdown(count: int) -> tuple[list[float], dict[str, float]]:
    """(a) once more, alone after the rounds, and the medians of its steps: template check, replay, commit."""
    from django.db import connections

    from shared_apps.tenants import template

    steps: dict[str, list[float]] = {"ensure_template_current": [], "copy_template_into": [], "commit": []}
    wrapper = connections["default"]
    originals: dict[str, tuple[Any, Callable[..., Any]]] = {
        "ensure_template_current": (template, template.ensure_template_current),
        "copy_template_into": (template, template.copy_template_into),
        "commit": (wrapper, wrapper.commit),
    }

    def timed(name: str, function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                steps[name].append(time.perf_counter() - started)

        return call

    totals = []
    try:
        for name, (owner, function) in originals.items():
            setattr(owner, name, timed(name, function))
        for i in range(count):
            totals.append(_timed(ours, f"steps{i:03d}"))
    finally:
        for name, (owner, function) in originals.items():
            setattr(owner, name, function)
        vars(wrapper).pop("commit", None)
    medians = {name: statistics.median(values) for name, values in steps.items()}
    medians["rows, checks, Python"] = statistics.median(totals) - sum(medians.values())
    return totals, medians


def profile_ours(count: int = 10) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count):
        ours(f"prof{i:03d}")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    return out.getvalue()


# --- report ------------------------------------------------------------------------------------------------

LABELS = {
    "a": "(a) ours: tenant_create (template script replay)",
    "b": "(b) stock: CloneSchema + fake migrate_schemas",
    "c": "(c) CREATE SCHEMA + every migration",
}


def report(times: dict[str, list[float]], cold: dict[str, float]) -> None:
    base = statistics.median(times["a"]) if "a" in times else float("nan")
    print(f"\n{'path':<50} {'n':>3} {'median':>9} {'p90':>9} {'x (a)':>7} {'cold':>8}")
    for key, values in times.items():
        median = statistics.median(values)
        print(
            f"{LABELS[key]:<50} {len(values):>3} {median:>8.3f}s {percentile(values, 0.9):>8.3f}s "
            f"{median / base:>7.2f} {cold[key]:>7.3f}s"
        )
    verdict = "met" if base <= TARGET_SECONDS else "MISSED"
    if "a" in times:
        print(f"target: (a) median <= {TARGET_SECONDS} s -> {verdict} ({base:.3f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=int, default=1000, help="tenant schemas in the database first")
    parser.add_argument("--samples", type=int, default=20, help="timed tenants per path (a) and (b)")
    parser.add_argument("--migrate-samples", type=int, default=5, help="timed tenants for path (c); 0 skips")
    parser.add_argument("--paths", default="abc", help="which paths to time (a, b, c)")
    parser.add_argument("--pad-tables", type=int, default=0, help="extra Django-like tables in the template")
    parser.add_argument("--workers", type=int, default=2, help="connections used by the fill")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the benchmark's own database")
    parser.add_argument("--settings", default="config.settings.test")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop sampling after this long")
    parser.add_argument("--profile", action="store_true", help="cProfile ten calls of (a)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    recreate_database(url)
    try:
        setup_django(url, args.settings)
        from django.db import connection, connections

        migrate_public_and_template(args.pad_tables)
        fill_started = time.perf_counter()
        how = fill(args.schemas, args.workers)
        fill_seconds = time.perf_counter() - fill_started
        print(f"database {args.database} on PostgreSQL {cast(Any, connection).pg_version // 10000}")
        print(f"template: {template_relations()} relations (incl. TOAST); {args.pad_tables} padding tables")
        print(f"fill: {args.schemas} schemas in {fill_seconds:.1f} s ({how})")
        settle_catalogue()
        times, cold = measure(args.paths, args.samples, args.migrate_samples, started + args.max_seconds)
        print(f"tenant schemas at the end: {tenant_schema_count()}; load average {os.getloadavg()[0]:.2f}")
        report(times, cold)
        if "a" in times:
            alone, steps = breakdown(args.samples)
            print(
                f"(a) on its own after the rounds, n={len(alone)}: median {statistics.median(alone):.3f} s, "
                f"p90 {percentile(alone, 0.9):.3f} s; where its time goes (medians): "
                + ", ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in steps.items())
            )
        if args.profile:
            print(profile_ours())
        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    print(f"total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
