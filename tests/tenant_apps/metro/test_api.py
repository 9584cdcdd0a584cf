"""The /metro endpoints: contract shapes, validation, pinned query counts, isolation, import and jobs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.apis.imports import InvoiceImportApi
from tenant_apps.metro.models import Invoice
from tests.conftest import SHARED_HOST
from tests.factories.metro import bearer_for, import_samples, in_schema, sample_paths

pytestmark = pytest.mark.django_db
BASE = "/api/v1/metro"


def _request_queries() -> int:
    """Per request before the view, once warm: the principal statement unless a warm Redis principal
    snapshot answers it (then the session check and the principal are one MGET). No SET search_path: the
    connection already serves the routed tenant (tenants.db.use_tenant_schema)."""
    from django.conf import settings

    cached = bool(settings.REDIS_URL) and int(getattr(settings, "AUTHN_PRINCIPAL_CACHE_SECONDS", 0)) > 0
    return 0 if cached else 1


def _error_code(response: Any) -> str:
    return str(response.json()["error"]).lower()


def test_factures_show_the_printed_numbers_dates_and_totals(
    api_a: Client, all_imported: Any, expected: dict[str, dict[str, str]]
) -> None:
    body = api_a.get(f"{BASE}/factures", {"per_page": 200}).json()
    assert body["total"] == 40
    assert body["pages"] == 1
    assert len(body["items"]) == 40
    for item in body["items"]:
        row = expected[item["numero"]]
        assert item["date_facture"] == row["invoice_date"]
        assert item["magasin"] == row["store"]
        assert item["nb_lignes"] == int(row["article_lines"] or 0)
        for field in ("total_ht", "total_tva"):
            assert (item[field] is None and not row[field]) or Decimal(item[field]) == Decimal(row[field])
        # Every document reports its printed total, also those without a VAT table (empty, down-payment).
        assert Decimal(item["total_ttc"]) == Decimal(row["total_ttc"])
    dates = [item["date_facture"] for item in body["items"]]
    assert dates == sorted(dates, reverse=True)


def test_invoice_list_filters_by_date_and_validates(api_a: Client, all_imported: Any) -> None:
    body = api_a.get(f"{BASE}/factures", {"date_debut": "2024-01-01", "date_fin": "2024-12-31"}).json()
    assert body["total"] > 0
    assert all(i["date_facture"].startswith("2024") for i in body["items"])
    bad: dict[str, Any]
    for bad in (
        {"date_debut": "yesterday"},
        {"per_page": 1001},
        {"page": 0},
        {"date_debut": "2025-01-01", "date_fin": "2024-01-01"},
    ):
        response = api_a.get(f"{BASE}/factures", bad)
        assert response.status_code == 422, bad
        assert _error_code(response) == "validation_error"


def test_invoice_detail_has_the_lines_and_the_credit_note_link(api_a: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, "135_12_329009", "135_12_329014")
    with in_schema(tenant_a):
        credit = Invoice.objects.get(doc_type="credit_note")
    body = api_a.get(f"{BASE}/factures/{credit.pk}").json()
    assert body["numero"] == credit.number
    assert body["fichier_source"].startswith("135_12_329014_")
    assert body["facture_referencee_id"] == credit.referenced_invoice_id is not None
    articles = [line for line in body["lignes"] if line["type_ligne"] == "article"]
    assert len(articles) == body["nb_lignes"] == 41
    total = sum(Decimal(line["montant_ht"]) for line in body["lignes"])
    assert total == Decimal(body["total_ht"]) < 0
    assert {line["facture_id"] for line in body["lignes"]} == {credit.pk}
    assert api_a.get(f"{BASE}/factures/999999").status_code == 404


def test_products_list_sorts_filters_and_paginates(api_a: Client, all_imported: Any) -> None:
    body = api_a.get(
        f"{BASE}/products", {"sort_by": "montant_total", "sort_order": "desc", "per_page": "5"}
    ).json()
    assert body["per_page"] == 5
    assert len(body["items"]) == 5
    assert body["pages"] == -(-body["total"] // 5)
    amounts = [Decimal(p["montant_total"]) for p in body["items"]]
    assert amounts == sorted(amounts, reverse=True)
    vodka = api_a.get(f"{BASE}/products", {"q": "vodka"}).json()
    assert vodka["total"] > 0
    assert all("VODKA" in f"{p['designation']} {p['marque']}".upper() for p in vodka["items"])
    rate = api_a.get(f"{BASE}/products", {"taux_tva": "5.5", "per_page": "200"}).json()
    assert rate["total"] > 0
    assert {p["taux_tva"] for p in rate["items"]} == {"5.50"}
    bad: dict[str, Any]
    for bad in (
        {"sort_by": "id; drop table"},
        {"sort_order": "sideways"},
        {"per_page": 0},
        {"per_page": 1001},
        {"taux_tva": "abc"},
    ):
        response = api_a.get(f"{BASE}/products", bad)
        assert response.status_code == 422, bad
        assert _error_code(response) == "validation_error", bad


def test_products_default_to_the_biggest_spend_first_and_take_up_to_1000(
    api_a: Client, all_imported: Any
) -> None:
    body = api_a.get(f"{BASE}/products", {"per_page": 1000}).json()
    assert body["per_page"] == 1000
    assert len(body["items"]) == min(body["total"], 1000)
    amounts = [Decimal(p["montant_total"]) for p in body["items"]]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] > amounts[-1]


@pytest.mark.parametrize(
    ("path", "queries"), [("products", 2), ("factures", 2), ("summary", 2), ("categories", 1)]
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    api_a: Client, all_imported: Any, django_assert_num_queries: Any, path: str, queries: int
) -> None:
    api_a.get(f"{BASE}/{path}")  # warm the routing cache (and the principal snapshot, with Redis)
    with django_assert_num_queries(_request_queries() + queries):
        assert api_a.get(f"{BASE}/{path}", {"per_page": 100}).status_code == 200


def test_product_detail_and_lookup_by_ean(api_a: Client, all_imported: Any, tenant_a: Tenant) -> None:
    with in_schema(tenant_a):
        product = Product.objects.exclude(ean="").order_by("-purchase_count").first()
    assert product is not None
    body = api_a.get(f"{BASE}/products/{product.pk}").json()
    assert body["ean"] == product.ean
    assert body["nb_achats"] == product.purchase_count
    for field in (
        "prix_unitaire_min",
        "prix_unitaire_max",
        "prix_unitaire_moyen",
        "premier_achat",
        "taux_tva",
    ):
        assert field in body
    assert api_a.get(f"{BASE}/products/ean/{product.ean}").json()["id"] == product.pk
    assert api_a.get(f"{BASE}/products/ean/12ab").status_code == 400
    assert api_a.get(f"{BASE}/products/ean/00000000").status_code == 404
    assert api_a.get(f"{BASE}/products/999999").status_code == 404


def test_summary_dashboard_and_stats(
    api_a: Client, all_imported: Any, expected: dict[str, dict[str, str]]
) -> None:
    summary = api_a.get(f"{BASE}/summary").json()
    assert summary["nb_factures"] == 40
    assert summary["nb_lignes"] == 530
    assert Decimal(summary["total_ht"]) == sum(Decimal(r["total_ht"] or 0) for r in expected.values())
    assert summary["date_premiere_facture"] == "2020-01-04"
    dashboard = api_a.get(f"{BASE}/dashboard").json()
    assert dashboard["summary"] == summary
    assert len(dashboard["top_produits"]) == 10
    categories = api_a.get(f"{BASE}/stats/categories").json()
    assert sum(c["nb_produits"] for c in categories) == summary["nb_produits"]
    assert abs(sum((Decimal(c["pct_ca"]) for c in categories), Decimal(0)) - 100) < 1
    tva = api_a.get(f"{BASE}/stats/tva").json()
    assert {row["taux_tva"] for row in tva} <= {"0.00", "5.50", "10.00", "20.00"}
    counts = api_a.get(f"{BASE}/categories").json()
    assert sum(row["count"] for row in counts) == summary["nb_produits"]


def test_endpoints_need_a_member_and_admin_endpoints_an_admin(client_a: Client, api_a: Client) -> None:
    anonymous = Client(HTTP_HOST="alpha.testserver")
    assert anonymous.get(f"{BASE}/products").status_code == 401
    assert api_a.post(f"{BASE}/recalculate").status_code == 403
    assert api_a.post(f"{BASE}/import", {}).status_code == 403


def test_tenant_b_sees_none_of_tenant_a_data(all_imported: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    with in_schema(tenant_a):
        invoice = Invoice.objects.first()
        product = Product.objects.exclude(ean="").first()
    assert invoice is not None
    assert product is not None
    headers = bearer_for(tenant_b)
    for client in (
        Client(HTTP_HOST="beta.testserver", **headers),
        Client(HTTP_HOST=SHARED_HOST, HTTP_X_TENANT_ID="beta", **headers),
    ):
        assert client.get(f"{BASE}/factures").json()["total"] == 0
        assert client.get(f"{BASE}/products").json()["total"] == 0
        assert client.get(f"{BASE}/factures/{invoice.pk}").status_code == 404
        assert client.get(f"{BASE}/products/{product.pk}").status_code == 404
        assert client.get(f"{BASE}/products/ean/{product.ean}").status_code == 404
        assert client.get(f"{BASE}/summary").json()["nb_factures"] == 0
    # A token of tenant A presented at tenant B is refused outright.
    assert (
        Client(HTTP_HOST="beta.testserver", **bearer_for(tenant_a)).get(f"{BASE}/products").status_code == 401
    )


def _upload(*paths_or_bytes: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = []
    for index, item in enumerate(paths_or_bytes):
        if isinstance(item, bytes):
            files.append(SimpleUploadedFile(f"upload{index}.pdf", item, content_type="application/pdf"))
        else:
            files.append(SimpleUploadedFile(item.name, item.read_bytes(), content_type="application/pdf"))
    return {"files": files}


def test_import_small_batch_answers_synchronously(admin_api_a: Client, tenant_a: Tenant) -> None:
    paths = sample_paths("135_13_81001", "135_16_170246")
    response = admin_api_a.post(f"{BASE}/import", _upload(*paths))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["nb_factures_importees"] == 2
    assert body["erreurs"] == []
    assert body["nb_lignes_importees"] > 0
    assert body["nb_produits_agreges"] > 0
    assert body["duree_ms"] >= 0
    again = admin_api_a.post(f"{BASE}/import", _upload(*paths)).json()
    assert again["nb_factures_importees"] == 0
    assert again["nb_doublons"] == 2


def test_import_large_batch_runs_as_a_job_with_a_status_url(
    admin_api_a: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.METRO_IMPORT_SYNC_MAX_FILES = 2
    paths = sample_paths("135_13_81001", "135_16_170246", "135_25_28450")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_api_a.post(f"{BASE}/import", _upload(*paths))
    assert response.status_code == 202, response.content
    assert len(callbacks) == 1  # the task is enqueued only once the upload is committed
    body = response.json()
    assert body["status_url"] == f"{BASE}/import/jobs/{body['job_id']}" == response["Location"]
    status = admin_api_a.get(body["status_url"]).json()
    assert status["status"] == "done"
    assert status["nb_traites"] == 3
    assert status["progression_pct"] == 100
    assert status["nb_factures_importees"] == 3
    assert status["result"]["nb_factures_importees"] == 3
    assert admin_api_a.get(f"{BASE}/import/jobs/00000000-0000-0000-0000-000000000001").status_code == 404


def test_import_limits_give_json_errors(
    admin_api_a: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = sample_paths("135_13_81001")[0]
    not_pdf = admin_api_a.post(f"{BASE}/import", _upload(b"plain text, named .pdf"))
    assert not_pdf.status_code == 415
    assert _error_code(not_pdf) == "unsupported_media_type"
    assert _error_code(admin_api_a.post(f"{BASE}/import", {})) == "no_file"
    settings.METRO_IMPORT_MAX_FILES = 1
    too_many = admin_api_a.post(f"{BASE}/import", _upload(pdf, pdf))
    assert too_many.status_code == 400
    assert _error_code(too_many) == "too_many_files"
    settings.METRO_IMPORT_MAX_FILES, settings.METRO_IMPORT_MAX_FILE_BYTES = 10, 1000
    too_big = admin_api_a.post(f"{BASE}/import", _upload(pdf))
    assert too_big.status_code == 413
    assert _error_code(too_big) == "payload_too_large"
    monkeypatch.setattr(InvoiceImportApi, "max_body_bytes", 500)
    body_limit = admin_api_a.post(f"{BASE}/import", _upload(pdf))
    assert body_limit.status_code == 413
    assert _error_code(body_limit) == "payload_too_large"
    json_body = admin_api_a.post(f"{BASE}/import", {"files": []}, content_type="application/json")
    assert json_body.status_code == 415


def test_recalculate_rebuilds_the_aggregates(
    admin_api_a: Client, all_imported: Any, tenant_a: Tenant
) -> None:
    with in_schema(tenant_a):
        Product.objects.update(purchase_count=0, min_unit_price=None)
    body = admin_api_a.post(f"{BASE}/recalculate").json()
    assert body["success"] is True
    assert body["nb_produits"] == 340
    with in_schema(tenant_a):
        assert not Product.objects.filter(
            purchase_count=0, min_unit_price__isnull=True, total_net__gt=0
        ).exists()


def test_clients_give_the_spend_per_customer_whatever_form_its_number_is_printed_in(
    api_a: Client, all_imported: Any
) -> None:
    clients = api_a.get(f"{BASE}/clients").json()
    assert sorted((c["magasin"], c["numero"], c["nb_factures"]) for c in clients) == [
        ("135", 38, 32),
        ("135", 712188, 8),
    ]
    summary = api_a.get(f"{BASE}/summary").json()
    assert sum(Decimal(c["total_ht"]) for c in clients) == Decimal(summary["total_ht"])
    assert len({c["site_id"] for c in clients}) == 2
