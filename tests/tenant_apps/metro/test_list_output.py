"""The list and dashboard bodies are, byte for byte, what DRF's model serializers and JSON renderer give.

The reference below is the generic path the endpoints used before they read plain rows: ModelSerializers
built from the model fields (DecimalField quantizing to the column's places, dates and datetimes as DRF
renders them) over model instances, rendered by DRF's JSONRenderer. Every endpoint is compared on the real
invoices plus products with awkward values (nulls, negatives, zeros, non-ASCII and line separators).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog import selectors as catalog
from tenant_apps.catalog.models import Product
from tenant_apps.metro.apis.common import PRODUCT_FIELDS, renamed
from tenant_apps.metro.apis.invoices import INVOICE_LIST_NAMES
from tenant_apps.metro.models import Invoice
from tenant_apps.metro.selectors import summary
from tests.factories.metro import in_schema

pytestmark = pytest.mark.django_db
BASE = "/api/v1/metro"


class ReferenceProduct(serializers.ModelSerializer[Any]):
    categorie_id = serializers.IntegerField(source="category_id", allow_null=True)

    class Meta:
        model = Product
        fields = [*list(PRODUCT_FIELDS)[:19], "categorie_id", *list(PRODUCT_FIELDS)[19:]]
        extra_kwargs = renamed(PRODUCT_FIELDS)


class ReferenceInvoice(serializers.ModelSerializer[Any]):
    class Meta:
        model = Invoice
        fields = list(INVOICE_LIST_NAMES)
        extra_kwargs = renamed(INVOICE_LIST_NAMES)


class ReferenceSummary(serializers.Serializer[Any]):
    nb_factures = serializers.IntegerField(source="invoice_count")
    nb_produits = serializers.IntegerField(source="product_count")
    nb_lignes = serializers.IntegerField(source="line_count")
    total_ht = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_net")
    total_tva = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_vat")
    total_ttc = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_gross")
    date_premiere_facture = serializers.DateField(allow_null=True, source="first_invoice_date")
    date_derniere_facture = serializers.DateField(allow_null=True, source="last_invoice_date")


class ReferenceCategoryStat(serializers.Serializer[Any]):
    categorie = serializers.CharField(source="category_label")
    nb_produits = serializers.IntegerField(source="product_count")
    quantite_totale = serializers.DecimalField(
        max_digits=16, decimal_places=3, allow_null=True, source="unit_quantity"
    )
    montant_total_ht = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_net"
    )
    montant_total_tva = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_vat"
    )
    pct_ca = serializers.DecimalField(max_digits=6, decimal_places=2, source="share_pct")


class ReferenceVatStat(serializers.Serializer[Any]):
    taux_tva = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, source="vat_rate")
    nb_produits = serializers.IntegerField(source="product_count")
    montant_ht = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_net"
    )
    montant_tva = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_vat"
    )
    pct_total = serializers.DecimalField(max_digits=6, decimal_places=2, source="share_pct")


class ReferenceCategoryCount(serializers.Serializer[Any]):
    categorie = serializers.CharField(source="category_label")
    count = serializers.IntegerField()


def _rendered(data: Any) -> bytes:
    return JSONRenderer().render(data)


def _page(items: Any, total: int, page: int, per_page: int) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": -(-total // per_page),
    }


@pytest.fixture
def awkward_products(all_imported: Any, tenant_a: Tenant) -> None:
    """Products whose values stress the rendering: nulls, negatives, zeros, non-ASCII, U+2028 and quotes."""
    with in_schema(tenant_a):
        Product.objects.create(
            natural_key="art:9000001",
            article_number="9000001",
            designation='CRÈME "ÉPAISSE"\u2028 30% \\ 1L',
            brand="Łódź",
            total_net=Decimal("-12.30"),
            total_vat=Decimal("0"),
            total_gross=Decimal("-12.3"),
            total_unit_quantity=Decimal("-1.5"),
            avg_unit_price=Decimal("0.001"),
            vat_rate=Decimal("5.5"),
        )
        Product.objects.create(natural_key="art:9000002", article_number="9000002", designation="ZÉRO")


def _assert_same(response: Any, expected: Any) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == _rendered(expected)


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "50"},
        {"per_page": "200", "sort_by": "montant_total", "sort_order": "desc"},
        {"page": "2", "per_page": "7", "sort_by": "prix_unitaire_moyen"},
        {"q": "CRÈME"},
        {"page": "999"},
    ],
)
def test_product_list_renders_as_the_model_serializer_does(
    api_a: Client, awkward_products: None, tenant_a: Tenant, params: dict[str, str]
) -> None:
    response = api_a.get(f"{BASE}/products", params)
    sort = {"montant_total": "total_gross", "prix_unitaire_moyen": "avg_unit_price"}
    with in_schema(tenant_a):
        query = catalog.product_query(
            q=params.get("q", ""),
            sort_by=sort.get(params.get("sort_by", "montant_total"), "designation"),
            descending=params.get("sort_order", "desc") == "desc",
        )
        page, per_page = int(params.get("page", 1)), int(params.get("per_page", 50))
        items = list(query[(page - 1) * per_page : page * per_page])
        expected = _page(ReferenceProduct(items, many=True).data, query.count(), page, per_page)
    assert expected["total"] > 0
    _assert_same(response, expected)


def test_product_detail_renders_as_the_model_serializer_does(
    api_a: Client, awkward_products: None, tenant_a: Tenant
) -> None:
    with in_schema(tenant_a):
        products = list(Product.objects.filter(natural_key__startswith="art:900")) + list(
            Product.objects.exclude(ean="")[:3]
        )
        expected = {product.pk: ReferenceProduct(product).data for product in products}
    for product_id, body in expected.items():
        _assert_same(api_a.get(f"{BASE}/products/{product_id}"), body)


@pytest.mark.parametrize("params", [{}, {"per_page": "200"}, {"date_debut": "2024-01-01", "per_page": "3"}])
def test_invoice_list_renders_as_the_model_serializer_does(
    api_a: Client, awkward_products: None, tenant_a: Tenant, params: dict[str, str]
) -> None:
    response = api_a.get(f"{BASE}/factures", params)
    with in_schema(tenant_a):
        query = Invoice.objects.order_by("-invoice_date", "-id")
        if "date_debut" in params:
            query = query.filter(invoice_date__gte=params["date_debut"])
        per_page = int(params.get("per_page", 50))
        expected = _page(ReferenceInvoice(query[:per_page], many=True).data, query.count(), 1, per_page)
    _assert_same(response, expected)


def test_stats_and_dashboard_render_as_the_serializers_do(
    api_a: Client, awkward_products: None, tenant_a: Tenant
) -> None:
    with in_schema(tenant_a):
        totals = ReferenceSummary(summary()).data
        categories = ReferenceCategoryStat(catalog.spend_by_category(), many=True).data
        rates = ReferenceVatStat(catalog.spend_by_vat_rate(), many=True).data
        counts = ReferenceCategoryCount(catalog.product_count_by_category(), many=True).data
        top = ReferenceProduct(Product.objects.order_by("-total_gross", "id")[:10], many=True).data
    assert len(rates) >= 3
    assert any(row["taux_tva"] is None for row in rates)
    _assert_same(api_a.get(f"{BASE}/summary"), totals)
    _assert_same(api_a.get(f"{BASE}/stats/categories"), categories)
    _assert_same(api_a.get(f"{BASE}/stats/tva"), rates)
    _assert_same(api_a.get(f"{BASE}/categories"), counts)
    _assert_same(
        api_a.get(f"{BASE}/dashboard"),
        {"summary": totals, "categories": categories, "tva_breakdown": rates, "top_produits": top},
    )
