"""Price alerts from METRO purchases: a unit price above the product's previous purchase by more than the
tenant's threshold (its `price_alert_pct` setting, 5 % by default) is recorded once per product and invoice.

Run by a batch before its aggregate refresh, over the products that batch bought (those still flagged
stale), so its cost follows the batch, not the history. One statement: each invoice's highest unit price
per product, the previous one by `lag`, and the alerts it finds; an alert already there is kept as it is
(seen or not).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db import connection

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import PriceAlert, Product

from ..models import Invoice, PurchaseFact

DEFAULT_THRESHOLD_PCT = Decimal(5)
SOURCE = "metro"

_DETECT = """
WITH bought AS (
    SELECT f.product_id, f.invoice_id, f.purchase_date, max(f.unit_price) AS price
    FROM {fact} f JOIN {product} p ON p.id = f.product_id AND NOT p.aggregates_fresh
    WHERE f.unit_quantity > 0
    GROUP BY f.product_id, f.invoice_id, f.purchase_date
), ordered AS (
    SELECT *, lag(price) OVER (PARTITION BY product_id ORDER BY purchase_date, invoice_id) AS previous
    FROM bought
)
INSERT INTO {alert} (product_id, source, document_id, document_number, date, old_price, new_price,
    change_pct, seen, created_at)
SELECT o.product_id, %s, o.invoice_id, i.number, o.purchase_date, o.previous, o.price,
    round((o.price - o.previous) * 100 / o.previous, 2), false, now()
FROM ordered o JOIN {invoice} i ON i.id = o.invoice_id
WHERE o.previous > 0 AND o.price > o.previous * (1 + %s::numeric / 100)
ON CONFLICT (product_id, source, document_id) DO NOTHING
"""


def threshold_pct() -> Decimal:
    """The tenant's threshold, read by schema (commands and jobs run under a schema, not a request)."""
    schema = cast(Any, connection).schema_name
    settings = Tenant.objects.filter(schema_name=schema).values_list("settings", flat=True).first() or {}
    return Decimal(str(settings.get("price_alert_pct", DEFAULT_THRESHOLD_PCT)))


def price_alerts_detect() -> int:
    """Record the alerts of the products bought since the last refresh; returns how many are new."""
    sql = _DETECT.format(
        fact=PurchaseFact._meta.db_table,
        product=Product._meta.db_table,
        alert=PriceAlert._meta.db_table,
        invoice=Invoice._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SOURCE, threshold_pct()])
        return int(cursor.rowcount)
