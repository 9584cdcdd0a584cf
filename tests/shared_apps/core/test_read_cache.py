"""The read cache of list and dashboard answers (shared_apps.core.read_cache, data_version): a warm answer
runs no SQL, and no answer is ever older than a write committed before the request — whichever connection
or process wrote, and whatever Redis lost."""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shared_apps.core import data_version, near_cache, read_cache
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tests.factories.metro import bearer_for, import_samples, in_schema
from tests.support.redis_server import PrivateRedis, private_redis

pytestmark = [
    pytest.mark.django_db,
    # A Citus coordinator has no data-changed triggers and no read cache (test_citus.py proves it).
    pytest.mark.skipif(bool(os.environ.get("CITUS_DATABASE_URL")), reason="no read cache on Citus"),
]

SUMMARY = "/api/v1/metro/summary"
PRODUCTS = "/api/v1/metro/products"


def elsewhere(tenant: Tenant, work: Callable[[], object]) -> None:
    """`work` in the tenant's schema on a connection of its own (another thread: for the database, another
    process), committed before this returns."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with in_schema(tenant):
                work()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _product(number: int) -> Product:
    return Product.objects.create(
        natural_key=f"ean:7{number:012d}",
        ean=f"7{number:012d}",
        article_number="0000001",
        designation="CACHE",
    )


def _remove_products() -> None:
    Product.objects.filter(designation="CACHE").delete()


@pytest.fixture
def committed_products(tenant_a: Tenant) -> Iterator[Callable[[int], None]]:
    """Creates products of tenant A that really commit; removes them (committed too) at the end."""

    def create(count: int) -> None:
        elsewhere(tenant_a, lambda: [_product(n) for n in range(count)])

    yield create
    elsewhere(tenant_a, _remove_products)


@pytest.fixture
def api_a(client_a: Client, tenant_a: Tenant) -> Client:
    client_a.defaults.update(bearer_for(tenant_a))
    return client_a


@pytest.fixture
def api_b(client_b: Client, tenant_b: Tenant) -> Client:
    client_b.defaults.update(bearer_for(tenant_b))
    return client_b


def _count(client: Client) -> int:
    response = client.get(SUMMARY)
    assert response.status_code == 200, response.content
    return int(response.json()["nb_produits"])


def test_a_warm_answer_reads_no_business_table(api_a: Client) -> None:
    first = api_a.get(SUMMARY)
    hits = read_cache.store.hits
    with CaptureQueriesContext(connection) as queries:
        second = api_a.get(SUMMARY)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert read_cache.store.hits == hits + 1
    assert not [q["sql"] for q in queries if "metro_" in q["sql"] or "catalog_" in q["sql"]]


@pytest.mark.parametrize("encoding", ["gzip, deflate", ""])
def test_a_cached_answer_is_the_answer_the_view_gives_uncached(
    api_a: Client, settings: Any, committed_products: Callable[[int], None], encoding: str
) -> None:
    committed_products(3)
    headers: dict[str, Any] = {"HTTP_ACCEPT_ENCODING": encoding}
    settings.READ_CACHE_TOKEN_SECONDS = 0  # no token: the view answers by itself
    plain = api_a.get(PRODUCTS, **headers)
    settings.READ_CACHE_TOKEN_SECONDS = 60
    api_a.get(PRODUCTS, **headers)
    hits = read_cache.store.hits
    cached = api_a.get(PRODUCTS, **headers)
    assert read_cache.store.hits == hits + 1
    for header in ("Content-Type", "Content-Encoding", "Vary"):
        assert cached.get(header) == plain.get(header), header
    assert cached["Content-Length"] == str(len(cached.content))  # gzip's random padding varies in length
    if encoding:
        assert cached["Content-Encoding"] == "gzip"
        assert gzip.decompress(cached.content) == gzip.decompress(plain.content)
    else:
        assert cached.content == plain.content


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: _product(1), id="orm-autocommit"),
        pytest.param(lambda: transaction.atomic(_product)(2), id="orm-atomic"),
    ],
)
def test_a_write_committed_by_another_connection_is_seen_by_the_next_read(
    api_a: Client, tenant_a: Tenant, write: Callable[[], object]
) -> None:
    before = _count(api_a)
    assert _count(api_a) == before  # warm
    try:
        elsewhere(tenant_a, write)
        assert _count(api_a) == before + 1
    finally:
        elsewhere(tenant_a, _remove_products)
    assert _count(api_a) == before


def test_a_raw_sql_write_committed_by_another_connection_is_seen(
    api_a: Client, tenant_a: Tenant, committed_products: Callable[[int], None]
) -> None:
    committed_products(2)
    before = _count(api_a)
    assert _count(api_a) == before  # warm

    def delete() -> None:
        with connection.cursor() as cursor:  # as a shell or a repair script would
            cursor.execute("DELETE FROM catalog_product WHERE designation = 'CACHE'")

    elsewhere(tenant_a, delete)
    assert _count(api_a) == before - 2


def test_a_rolled_back_write_keeps_the_token(tenant_a: Tenant, api_a: Client) -> None:
    api_a.get(SUMMARY)
    token = data_version.current(tenant_a.schema_name)

    class Abandon(Exception):
        pass

    def write_then_fail() -> None:
        try:
            with transaction.atomic():
                _product(4)
                raise Abandon
        except Abandon:
            pass

    elsewhere(tenant_a, write_then_fail)
    assert data_version.current(tenant_a.schema_name) == token


def test_own_uncommitted_writes_are_read_fresh_and_never_shared(api_a: Client, tenant_a: Tenant) -> None:
    before = _count(api_a)
    with in_schema(tenant_a):
        _product(5)  # inside the test's transaction: not committed
    stored = len(read_cache.store)
    assert _count(api_a) == before + 1
    assert len(read_cache.store) == stored  # not filed for others


def test_tenants_never_share_an_answer(
    api_a: Client,
    api_b: Client,
    tenant_a: Tenant,
    tenant_b: Tenant,
    committed_products: Callable[[int], None],
) -> None:
    committed_products(3)
    counts = [_count(api_a), _count(api_b), _count(api_a), _count(api_b)]
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]
    assert counts[0] == counts[1] + 3
    assert {tenant_a.schema_name, tenant_b.schema_name} <= {key[0] for key in read_cache.store._items}


def test_the_query_string_is_part_of_the_key_in_any_order(
    api_a: Client, committed_products: Callable[[int], None]
) -> None:
    committed_products(3)
    one = api_a.get(f"{PRODUCTS}?per_page=1&sort_by=designation").json()
    two = api_a.get(f"{PRODUCTS}?per_page=2&sort_by=designation").json()
    assert len(one["items"]) == 1
    assert len(two["items"]) == 2
    hits = read_cache.store.hits
    api_a.get(f"{PRODUCTS}?sort_by=designation&per_page=1")
    assert read_cache.store.hits == hits + 1


def test_a_settings_change_of_the_tenant_kills_its_token(tenant_a: Tenant, api_a: Client) -> None:
    api_a.get(SUMMARY)
    token = data_version.current(tenant_a.schema_name)
    settings_before = dict(tenant_a.settings or {})

    def change(value: dict[str, Any]) -> Callable[[], object]:
        return lambda: Tenant.objects.filter(pk=tenant_a.pk).update(settings=value)

    try:
        elsewhere(tenant_a, change({**settings_before, "overstock_days": 7}))
        assert data_version.current(tenant_a.schema_name) != token
    finally:
        elsewhere(tenant_a, change(settings_before))


def test_the_store_is_bounded_by_entries_and_bytes() -> None:
    store = read_cache.ResponseStore(max_entries=3, max_bytes=800)
    for number in range(5):
        store.put(("k", number), read_cache.Body(b"x" * 10))
    assert len(store) == 3
    assert store.get(("k", 0)) is None
    assert store.get(("k", 4)).plain == b"x" * 10  # type: ignore[union-attr]
    store.put(("big",), read_cache.Body(b"x" * 101))  # more than an eighth of the bytes: not kept
    assert store.get(("big",)) is None
    for number in range(3):
        store.put(("m", number), read_cache.Body(b"y" * 90))
    assert store.size_bytes <= 800


# --- Redis lost, flushed or down: a miss, never a stale answer --------------------------------------------


@pytest.fixture
def server(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as handle:
        settings.REDIS_URL = f"{handle.base}0"
        near_cache.for_url.cache_clear()
        yield handle
        near_cache.for_url.cache_clear()


def test_a_flushed_redis_costs_a_miss(server: PrivateRedis, api_a: Client) -> None:
    api_a.get(SUMMARY)
    api_a.get(SUMMARY)
    misses = read_cache.store.misses
    redis.Redis.from_url(server.url).flushdb()
    api_a.get(SUMMARY)
    assert read_cache.store.misses == misses + 1


def test_a_write_committed_while_redis_was_down_is_seen_after_it_comes_back_empty(
    server: PrivateRedis, api_a: Client, tenant_a: Tenant
) -> None:
    before = _count(api_a)
    assert _count(api_a) == before  # warm: near cache and store
    server.kill()
    try:
        elsewhere(tenant_a, lambda: _product(6))  # its token cannot be forgotten: Redis is gone
        assert _count(api_a) == before + 1  # Redis down: no token, no cache
        server.start()  # empty, as after a restart without persistence
        assert _count(api_a) == before + 1
        assert _count(api_a) == before + 1
    finally:
        elsewhere(tenant_a, _remove_products)


# --- the METRO loader: its prepared statement runs past Django's cursor, in autocommit ---------------------

# In an order the foreign keys accept; DELETE, not TRUNCATE: the test's own transaction has read them.
LOADED_TABLES = (
    "metro_purchasefact",
    "metro_invoiceline",
    "metro_stageddocument",
    "metro_invoice",
    "stock_stockmovement",
    "stock_stockday",
    "stock_stocklevel",
    "catalog_pricealert",
    "catalog_product",
    "metro_pendingfile",
    "metro_importbatch",
    "metro_customeraccount",
    "stock_site",
)


def test_an_import_committed_elsewhere_is_seen_by_the_next_list(api_a: Client, tenant_a: Tenant) -> None:
    before = api_a.get("/api/v1/metro/factures").json()
    assert api_a.get("/api/v1/metro/factures").json() == before  # warm
    try:
        elsewhere(tenant_a, lambda: import_samples(tenant_a, "135_12_329009"))
        after = api_a.get("/api/v1/metro/factures").json()
        assert after["total"] == before["total"] + 1
    finally:

        def empty() -> None:
            with connection.cursor() as cursor:
                for table in LOADED_TABLES:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant

        elsewhere(tenant_a, empty)
