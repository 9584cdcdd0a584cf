"""Which version of a tenant's data a cached read may answer for, and how every write moves it on.

The rule (read-your-writes across processes): once any process has told a client that a write committed,
no process answers that tenant from a cache filled before the write. It holds by structure, not by each
service remembering to call something:

1. PostgreSQL says what changed. Every business table of a tenant schema carries a statement-level trigger
   (`AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE … FOR EACH STATEMENT`, migration `readcache.0001`; the
   public tenant row has a row trigger for its settings) that sends the writing connection a NOTICE naming
   the schema, once per transaction and schema (`TRIGGER_FUNCTION_SQL`, since `readcache.0005`). Any
   writer — ORM, raw SQL, the METRO loader's prepared statement, a migration's RunPython, a shell — sets it
   off; the notice reaches the client while the statement runs, at no extra round trip.
2. The connection remembers the schemas it changed (`shared_apps.core.postgresql_backend`) and, right
   after the COMMIT that made them durable (or after the statement, in autocommit), calls `forget`: the
   schema's version token in Redis is deleted, then a PING (near_cache.barrier) guarantees every other
   process's copy of the token is invalidated before the write is acknowledged to anyone. A rollback
   forgets nothing and drops the record.
3. A reader takes the token (`current`: this process's near-cache copy, else Redis) BEFORE it reads the
   data, and files what it computed under that token. A token is random, created on demand (SET NX), so a
   token can never come back with an old meaning: losing Redis (FLUSHDB, restart, eviction) only loses
   tokens, i.e. every cached answer becomes a miss, never stale. Redis unreachable: no token, no cache
   (the reader computes, as without the cache).
4. A connection with uncommitted changes of a schema must not read or fill the cache of that schema
   (`pending`): its own writes are visible to it only.

On a Citus coordinator there are no triggers (Citus refuses them on reference tables, and on sharded
schemas' tables without `citus.enable_unsafe_triggers`): `current` gives no token there, so nothing is
cached and every read is computed — correct, at the uncached speed.

The one bounded window, the same as session revocation's: a writer that cannot reach Redis when it commits
(the data is committed anyway) while readers still can, or a write made outside this code base (psql, a
restore): readers may keep a token for at most READ_CACHE_TOKEN_SECONDS (60 s by default). Operators who
write by hand can end it at once with `DEL` of the schema's token key (`token_key`) or FLUSHDB.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.operations import RunPython

from . import near_cache
from .redis_client import redis_client
from .redis_keys import redis_key

logger = logging.getLogger(__name__)

NOTICE_PREFIX = "massacorp:data-changed:"
DEFAULT_TOKEN_SECONDS = 60

# The transaction-local setting (SET LOCAL, through set_config(…, true)) naming the schema this transaction
# has already told its connection about.
TOLD_SETTING = "massacorp.data_changed"
# The trigger function every business table of a tenant schema calls (created in each tenant schema, so
# that a copied schema brings its own; TG_TABLE_SCHEMA names the schema whatever the search_path).
#
# One notice per transaction and schema is all the connection needs: it keeps the schemas it was told
# about until the transaction ends (shared_apps.core.postgresql_backend). Each notice costs the server a
# socket write of its own (PostgreSQL flushes a notice at once) and the client a wake-up, and one METRO
# invoice's statement sets off the trigger of ~9 tables. So the function notes the schema in a
# transaction-local setting and stays silent while it names that schema. The setting's life is exactly
# what the connection's record needs: it ends with the transaction (commit or rollback, after which the
# connection has published or dropped its record), and a rolled-back savepoint restores the value from
# before it (the connection keeps what a rolled-back savepoint told it, so a note lost there only costs
# one notice more). A transaction alternating between schemas may say a schema more than once: harmless.
TRIGGER_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{TOLD_SETTING}', true) IS DISTINCT FROM TG_TABLE_SCHEMA THEN
        RAISE NOTICE '{NOTICE_PREFIX}%', TG_TABLE_SCHEMA;
        PERFORM set_config('{TOLD_SETTING}', TG_TABLE_SCHEMA, true);
    END IF;
    RETURN NULL;
END $$;
"""
TRIGGER_NAME = "data_changed"


def trigger_sql(table: str) -> str:
    """The statement trigger a business table of a tenant schema needs (see the module docstring)."""
    return (
        f'CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION data_changed();"
    )


def trigger_drop_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}";'


def token_seconds() -> int:
    return int(getattr(settings, "READ_CACHE_TOKEN_SECONDS", DEFAULT_TOKEN_SECONDS))


def token_key(schema_name: str) -> str:
    return redis_key(f"readcache:token:{schema_name}")


def schema_from_notice(message: str) -> str | None:
    return message[len(NOTICE_PREFIX) :] if message.startswith(NOTICE_PREFIX) else None


def _is_citus(cursor: Any) -> bool:
    cursor.execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus'")
    return cursor.fetchone() is not None


def citus_database() -> bool:
    """Whether the default database is a Citus coordinator: the backend looks once per connection
    (`shared_apps.core.postgresql_backend`), so this costs no query."""
    connection.ensure_connection()
    return bool(getattr(connection, "citus", False))


def triggers_operation(forward: list[str], backward: list[str]) -> RunPython:
    """A migration operation running the trigger statements, except on a Citus coordinator (module
    docstring: no triggers, no cache there)."""

    def run(statements: list[str]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            with schema_editor.connection.cursor() as cursor:
                if _is_citus(cursor):
                    return
                for statement in statements:
                    cursor.execute(statement)

        return apply

    return RunPython(run(forward), run(backward))


def current(schema_name: str) -> str | None:
    """The schema's data token, created if absent; None when Redis cannot answer or the database is a
    Citus coordinator (then do not cache)."""
    client = redis_client()
    if client is None or token_seconds() <= 0 or citus_database():
        return None
    key = token_key(schema_name)
    try:
        values = near_cache.read([key])
        value = values[0] if values is not None else client.get(key)
        if not value:
            pipe = client.pipeline(transaction=False)
            pipe.set(key, secrets.token_hex(8), nx=True, ex=token_seconds())
            pipe.get(key)
            _, value = pipe.execute()
    except redis.RedisError:
        logger.warning("Redis unreachable: tenant data token not read, answering without the cache")
        return None
    return value.decode() if isinstance(value, bytes) else None


def forget(schema_names: Iterable[str]) -> None:
    """Called after the commit of a change to these schemas' data: their tokens die everywhere before
    this returns (module docstring, point 2)."""
    keys = [token_key(name) for name in schema_names]
    client = redis_client()
    if not keys or client is None:
        return
    try:
        client.delete(*keys)
        near_cache.barrier(client)
    except redis.RedisError:
        # Committed anyway; readers cut off from Redis compute afresh, others wait out the token's TTL.
        logger.exception("could not drop %d tenant data token(s) from Redis", len(keys))
