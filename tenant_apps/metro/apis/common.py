"""What the METRO views share: pagination input, page bodies, and the product's output shape."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Product
from ..selectors import Page

MAX_PER_PAGE = 200


class PageInput(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=50)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated input, or a ValidationError (→ 400 with the JSON error body)."""
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


class ProductOutput(serializers.ModelSerializer):
    categorie_id = serializers.IntegerField(source="category_id", allow_null=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "ean",
            "article_numero",
            "designation",
            "colisage_moyen",
            "unite",
            "volume_unitaire",
            "quantite_colis_totale",
            "quantite_unitaire_totale",
            "montant_total_ht",
            "montant_total_tva",
            "montant_total",
            "nb_achats",
            "prix_unitaire_moyen",
            "prix_unitaire_min",
            "prix_unitaire_max",
            "prix_colis_moyen",
            "taux_tva",
            "code_tva",
            "categorie_id",
            "famille",
            "categorie",
            "sous_categorie",
            "categorie_metro",
            "marque",
            "volume_cl",
            "degre_alcool",
            "regie",
            "vol_alcool",
            "premier_achat",
            "dernier_achat",
        ]
        read_only_fields = fields
