"""What the METRO views share: input validation and the product's output shape (paging:
shared_apps.core.pagination)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Product


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """The validated input, or a ValidationError (→ 400 with the JSON error body)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ProductOutput(serializers.ModelSerializer[Any]):
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
