"""What the METRO views share: pagination input, page bodies, and the product's output shape."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.catalog.models import Product

from ..selectors import Page

# The predecessor's limit, which its frontend relies on (the catalogue asks for 1000 at once).
MAX_PER_PAGE = 1000


class PageInput(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=50)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated input, or a ValidationError (→ 422 with the JSON error body)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def page_body(page: Page, output: type[serializers.Serializer]) -> dict[str, Any]:
    return {
        "items": output(page.items, many=True).data,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }


def renamed(names: dict[str, str]) -> dict[str, dict[str, str]]:
    """A ModelSerializer's `extra_kwargs` for {contract name: model field}: each field built from its model
    field (type, null, decimals), shown under the contract's name."""
    return {shown: {"source": field} for shown, field in names.items() if shown != field}


# The contract's product fields, from the catalogue's model fields.
PRODUCT_FIELDS = {
    "id": "id",
    "ean": "ean",
    "article_numero": "article_number",
    "designation": "designation",
    "colisage_moyen": "avg_pack_size",
    "unite": "unit",
    "volume_unitaire": "unit_volume",
    "quantite_colis_totale": "total_case_quantity",
    "quantite_unitaire_totale": "total_unit_quantity",
    "montant_total_ht": "total_net",
    "montant_total_tva": "total_vat",
    "montant_total": "total_gross",
    "nb_achats": "purchase_count",
    "prix_unitaire_moyen": "avg_unit_price",
    "prix_unitaire_min": "min_unit_price",
    "prix_unitaire_max": "max_unit_price",
    "prix_colis_moyen": "avg_case_price",
    "taux_tva": "vat_rate",
    "code_tva": "vat_code",
    "famille": "family_name",
    "categorie": "category_name",
    "sous_categorie": "subcategory_name",
    "categorie_metro": "supplier_section",
    "marque": "brand",
    "volume_cl": "volume_cl",
    "degre_alcool": "alcohol_degree",
    "regie": "excise_regime",
    "vol_alcool": "abv",
    "premier_achat": "first_purchase",
    "dernier_achat": "last_purchase",
}


class ProductOutput(serializers.ModelSerializer):
    categorie_id = serializers.IntegerField(source="category_id", allow_null=True)

    class Meta:
        model = Product
        fields = [*list(PRODUCT_FIELDS)[:19], "categorie_id", *list(PRODUCT_FIELDS)[19:]]
        extra_kwargs = renamed(PRODUCT_FIELDS)
        read_only_fields = fields
