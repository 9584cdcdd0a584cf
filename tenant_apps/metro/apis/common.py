"""What the METRO views share: input validation and the product's output shape (paging:
shared_apps.core.pagination)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from shared_apps.core.pagination import PER_PAGE_DEFAULT, PageInput
from shared_apps.core.plain_output import PlainOutput
from tenant_apps.catalog.models import Product

# The predecessor's cap on the METRO lists, which its frontend relies on (the catalogue asks for 1000).
METRO_PER_PAGE_MAX = 1000


class MetroPageInput(PageInput):
    per_page = serializers.IntegerField(min_value=1, max_value=METRO_PER_PAGE_MAX, default=PER_PAGE_DEFAULT)


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """The validated input, or a ValidationError (→ 422 with the JSON error body)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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


class ProductOutput(PlainOutput, serializers.ModelSerializer[Any]):
    categorie_id = serializers.IntegerField(source="category_id", allow_null=True)

    class Meta:
        model = Product
        fields = [*list(PRODUCT_FIELDS)[:19], "categorie_id", *list(PRODUCT_FIELDS)[19:]]
        extra_kwargs = renamed(PRODUCT_FIELDS)
        read_only_fields = fields
