"""The PostgreSQL backend's counters (used when Redis is not configured).

UNLOGGED: no WAL, so an increment costs little; a crash empties the table, which only forgets counters.
One row per key; `expires_at` ends its window. Rows are upserted by `INSERT … ON CONFLICT DO UPDATE …
RETURNING` (backends.PostgresBackend), which is atomic under concurrency, unlike Django's cache.
"""

from django.db import migrations

FORWARD = """
CREATE UNLOGGED TABLE ratelimit_counter (
    key text PRIMARY KEY,
    count bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX ratelimit_counter_expires_at ON ratelimit_counter (expires_at);
"""

REVERSE = "DROP TABLE IF EXISTS ratelimit_counter;"


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
