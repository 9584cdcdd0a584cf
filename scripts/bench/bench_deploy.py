"""Deploy benchmark: the README's deploy command over N tenant schemas, with nothing pending and with one new
AddField migration, against django-tenants' migrate_schemas in the same run.

    .venv/bin/python scripts/bench/bench_deploy.py [--schemas 1000] [--baseline-schemas 30] [--workers 2]

What it does, in one run:
1. Creates its own database (`massacorp_bench_deploy` on DATABASE_URL's server), migrates the public schema
   and the template, and fills N tenant schemas with bench_provisioning.py's bulk replay of the template.
2. Times, each in a fresh process as an operator runs it (Django's start-up included):
   - ours: `manage.py deploy_migrations` (public schema, template, every tenant schema);
   - stock: django-tenants' `migrate_schemas` on the first `--baseline-schemas` tenant schemas, one after
     the other in one process (what `migrate_schemas --tenant` does per schema; its multiprocessing
     executor spreads the same per-schema work over the cores), reported per schema.
   First with nothing pending, then after adding a throwaway migration: an AddField (a boolean with a
   default) on the apikeys table, generated in a temporary package that also holds the app's real
   migrations (MIGRATION_MODULES, see deploy_settings.py). Stock migrates its schemas first, ours the rest.
3. Checks that every schema recorded the new migration, prints the figures and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import (  # noqa: E402 - needs ROOT on sys.path
    database_url,
    drop_database,
    fill,
    migrate_public_and_template,
    recreate_database,
    settle_catalogue,
)

DEFAULT_DATABASE = "massacorp_bench_deploy"
SETTINGS = "scripts.bench.deploy_settings"
PACKAGE = "bench_deploy_migrations"
NEW_MIGRATION = "9001_bench_add_field"
TARGET_NOTHING, TARGET_ONE = 10.0, 60.0

PACKAGE_INIT = '''"""The apikeys app's real migrations (this path names their folder too) and the bench's."""
from pathlib import Path

import tenant_apps.apikeys.migrations as _real

REAL_FOLDER = Path(_real.__file__).parent
REAL_LEAF = max(path.stem for path in REAL_FOLDER.glob("[0-9][0-9][0-9][0-9]_*.py"))
__path__ = [*__path__, str(REAL_FOLDER)]
'''
ADD_FIELD = """from django.db import migrations, models

from . import REAL_LEAF


class Migration(migrations.Migration):
    dependencies = [("apikeys", REAL_LEAF)]
    operations = [
        migrations.AddField("apikey", "bench_flag", models.BooleanField(default=False)),
    ]
"""


def environment(url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "BENCH_DEPLOY_MIGRATIONS": PACKAGE,
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def timed(command: list[str], environ: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, env=environ, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode:
        output = f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        raise SystemExit(f"{' '.join(command[1:4])} failed:\n{output}")
    return seconds, result.stdout


def ours(environ: dict[str, str], workers: int) -> tuple[float, str]:
    command = [sys.executable, "manage.py", "deploy_migrations", "--no-progress", "--workers", str(workers)]
    seconds, out = timed(command, environ)
    return seconds, out.strip().splitlines()[-1]


def stock(environ: dict[str, str], schemas: list[str]) -> tuple[float, float]:
    """(wall time of the process, time inside migrate_schemas) for `schemas`, one after the other."""
    command = [sys.executable, __file__, "--stock-worker", *schemas]
    seconds, out = timed(command, environ)
    return seconds, float(json.loads(out.strip().splitlines()[-1])["seconds"])


def stock_worker(schemas: list[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    for schema in schemas:
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def recorded(name: str) -> int:
    """How many schemas recorded migration `name` of apikeys (tenant schemas and the template)."""
    from django.db import connection

    from shared_apps.tenants.deploy.catalogue import schema_records, tenant_schema_names

    records = schema_records(tenant_schema_names())
    connection.close()
    return sum(("apikeys", name) in record.recorded for record in records)


def report(rows: list[tuple[str, int, float, float | None]]) -> None:
    print(f"\n{'case':<44} {'schemas':>8} {'wall':>9} {'per schema':>11} {'x ours':>7}")
    ours_rate = {label.split(":")[0]: wall / count for label, count, wall, _inner in rows if "ours" in label}
    for label, count, wall, inner in rows:
        per = (inner if inner is not None else wall) / count
        case = label.split(":")[0]
        ratio = per / ours_rate[case] if case in ours_rate else float("nan")
        print(f"{label:<44} {count:>8} {wall:>8.1f}s {per * 1000:>9.1f}ms {ratio:>7.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=int, default=1000, help="tenant schemas in the database")
    parser.add_argument("--baseline-schemas", type=int, default=30, help="schemas for migrate_schemas")
    parser.add_argument("--workers", type=int, default=2, help="deploy_migrations --workers")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the benchmark's own database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--stock-worker", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stock_worker is not None:
        stock_worker(args.stock_worker)
        return 0

    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    workdir = Path(tempfile.mkdtemp(prefix="bench_deploy_"))
    package = workdir / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text(PACKAGE_INIT)
    environ = environment(url, workdir)
    os.environ.update({key: environ[key] for key in ("BENCH_DEPLOY_MIGRATIONS", "DEBUG")})
    sys.path.insert(0, str(workdir))
    recreate_database(url)
    try:
        from scripts.bench.bench_provisioning import setup_django

        setup_django(url, SETTINGS)
        migrate_public_and_template(0)
        fill_started = time.perf_counter()
        how = fill(args.schemas, 2)
        print(f"fill: {args.schemas} schemas in {time.perf_counter() - fill_started:.1f} s ({how})")
        settle_catalogue()
        from django.db import connections

        connections.close_all()
        baseline = [f"fill{i:05d}" for i in range(min(args.baseline_schemas, args.schemas))]
        total = args.schemas + 1  # and the template
        rows: list[tuple[str, int, float, float | None]] = []

        wall, summary = ours(environ, args.workers)
        print(f"ours, nothing pending: {wall:.1f} s; {summary}")
        rows.append(("nothing pending: ours (deploy_migrations)", total, wall, None))
        wall, inner = stock(environ, baseline)
        rows.append(("nothing pending: stock (migrate_schemas)", len(baseline), wall, inner))
        print(f"load average {os.getloadavg()[0]:.2f}")

        (package / f"{NEW_MIGRATION}.py").write_text(ADD_FIELD)
        wall, inner = stock(environ, baseline)
        rows.append(("one AddField: stock (migrate_schemas)", len(baseline), wall, inner))
        wall, summary = ours(environ, args.workers)
        print(f"ours, one AddField: {wall:.1f} s; {summary}")
        rows.append(("one AddField: ours (deploy_migrations)", total - len(baseline), wall, None))
        done = recorded(NEW_MIGRATION)
        print(f"schemas that recorded {NEW_MIGRATION}: {done} of {total}")
        print(f"load average {os.getloadavg()[0]:.2f}")
        print("per schema: stock is the time inside migrate_schemas (start-up aside); ours is the wall time")
        report(rows)
        nothing, one = rows[0][2], rows[3][2]
        for what, seconds, target in (
            ("nothing pending", nothing, TARGET_NOTHING),
            ("one AddField", one, TARGET_ONE),
        ):
            verdict = "met" if seconds <= target else "MISSED"
            print(f"target: {what} <= {target:.0f} s -> {verdict} ({seconds:.1f} s)")
        if done != total:
            print("MISSED: not every schema recorded the migration")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"load average at end {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
