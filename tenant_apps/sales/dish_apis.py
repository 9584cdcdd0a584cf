"""/api/v1/plats: dishes, their recipes and what they cost (material cost, food cost %, margin, HT base)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.rbac.enums import PermissionCode

from .models import Dish
from .selectors import DishCost, dish_costs, dish_get, dish_list, recipe_costed
from .services.dishes import Ingredient, dish_create, dish_delete, dish_update, recipe_set

MAX_PER_PAGE = 200
# The contract's names of the editable fields → the model's.
FIELDS = {
    "nom": "name",
    "categorie": "category",
    "canal": "channel",
    "prix_vente_ttc": "selling_price_ttc",
    "tva_pct": "vat_rate",
    "actif": "is_active",
}


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any, **kw: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kw)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _money(**kw: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kw)


class DishInput(serializers.Serializer[Any]):
    nom = serializers.CharField(max_length=255)
    categorie = serializers.CharField(max_length=128, allow_blank=True, required=False)
    canal = serializers.CharField(max_length=32, required=False)
    prix_vente_ttc = _money(min_value=Decimal(0), required=False)
    tva_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(99), required=False
    )
    actif = serializers.BooleanField(required=False)


class DishOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    nom = serializers.CharField(source="name")
    nom_caisse = serializers.CharField(source="till_name")
    categorie = serializers.CharField(source="category")
    canal = serializers.CharField(source="channel")
    prix_vente_ttc = _money(source="selling_price_ttc")
    tva_pct = serializers.DecimalField(source="vat_rate", max_digits=5, decimal_places=2)
    actif = serializers.BooleanField(source="is_active")
    prix_vente_ht = serializers.SerializerMethodField()
    cout_matiere = serializers.SerializerMethodField()
    food_cost_pct = serializers.SerializerMethodField()
    marge_brute = serializers.SerializerMethodField()
    a_recette = serializers.SerializerMethodField()

    def _cost(self, dish: Dish) -> DishCost:
        costs: dict[int, DishCost] = self.context["costs"]
        return costs[dish.pk]

    def get_prix_vente_ht(self, dish: Dish) -> str:
        return str(self._cost(dish).price_ht)

    def get_cout_matiere(self, dish: Dish) -> str:
        return str(self._cost(dish).material_cost)

    def get_food_cost_pct(self, dish: Dish) -> str | None:
        pct = self._cost(dish).food_cost_pct
        return None if pct is None else str(pct)

    def get_marge_brute(self, dish: Dish) -> str:
        return str(self._cost(dish).gross_margin)

    def get_a_recette(self, dish: Dish) -> bool:
        return self._cost(dish).has_recipe


def _dish_body(dish: Dish) -> dict[str, Any]:
    return dict(DishOutput(dish, context={"costs": dish_costs(dishes=[dish])}).data)


class DishPageOutput(serializers.Serializer[Any]):
    items = DishOutput(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    pages = serializers.IntegerField()


class DishListApi(APIView):
    """Dishes with their material cost, food cost % and gross margin (HT base: price TTC less its VAT)."""

    required_permission = {"GET": PermissionCode.METRO_READ, "POST": PermissionCode.METRO_WRITE}

    class FilterSerializer(serializers.Serializer[Any]):
        page = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
        per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=50)
        q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        actif = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[FilterSerializer], responses={200: DishPageOutput})
    def get(self, request: Request) -> Response:
        query = _validated(self.FilterSerializer, request.query_params)
        dishes = dish_list(q=query["q"], active=query["actif"])
        total = dishes.count()
        start = (query["page"] - 1) * query["per_page"]
        items = list(dishes[start : start + query["per_page"]])
        body = {
            "items": DishOutput(items, many=True, context={"costs": dish_costs(dishes=items)}).data,
            "total": total,
            "page": query["page"],
            "per_page": query["per_page"],
            "pages": -(-total // query["per_page"]),
        }
        return Response(body)

    @extend_schema(request=DishInput, responses={201: DishOutput})
    def post(self, request: Request) -> Response:
        data = _validated(DishInput, request.data)
        fields = {FIELDS[k]: v for k, v in data.items() if k != "nom"}
        dish = dish_create(name=data["nom"], **fields)
        return Response(_dish_body(dish), status=status.HTTP_201_CREATED)


def _dish_or_404(dish_id: int) -> Dish:
    dish = dish_get(dish_id=dish_id)
    if dish is None:
        raise NotFound("No such dish.")
    return dish


class DishDetailApi(APIView):
    required_permission = {
        "GET": PermissionCode.METRO_READ,
        "PATCH": PermissionCode.METRO_WRITE,
        "DELETE": PermissionCode.METRO_WRITE,
    }

    @extend_schema(responses={200: DishOutput})
    def get(self, request: Request, dish_id: int) -> Response:
        return Response(_dish_body(_dish_or_404(dish_id)))

    @extend_schema(request=DishInput(partial=True), responses={200: DishOutput})
    def patch(self, request: Request, dish_id: int) -> Response:
        dish = _dish_or_404(dish_id)
        data = _validated(DishInput, request.data, partial=True)
        dish = dish_update(dish=dish, **{FIELDS[k]: v for k, v in data.items()})
        return Response(_dish_body(dish))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, dish_id: int) -> Response:
        dish_delete(dish=_dish_or_404(dish_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class IngredientInput(serializers.Serializer[Any]):
    produit_sk = serializers.IntegerField(min_value=1)
    quantite = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal("0.0001"))
    rendement = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1), default=Decimal(1),
        help_text="usable share of what leaves the stock (0.8: a fifth is lost)",
    )  # fmt: skip


class RecipeOutput(serializers.Serializer[Any]):
    class Line(serializers.Serializer[Any]):
        produit_sk = serializers.IntegerField()
        produit = serializers.CharField()
        unite = serializers.CharField()
        quantite = serializers.DecimalField(max_digits=12, decimal_places=4)
        rendement = serializers.DecimalField(max_digits=5, decimal_places=4)
        cout_unitaire = serializers.DecimalField(max_digits=14, decimal_places=4)
        cout = serializers.DecimalField(max_digits=14, decimal_places=4)

    plat_id = serializers.IntegerField()
    ingredients = Line(many=True)
    cout_matiere = serializers.DecimalField(max_digits=14, decimal_places=4)
    prix_vente_ht = _money()
    food_cost_pct = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    marge_brute = _money()


def _recipe_body(dish: Dish) -> dict[str, Any]:
    recipe = recipe_costed(dish=dish)
    ingredients = [
        {
            "produit_sk": costed.line.product_id,
            "produit": costed.line.product.designation,
            "unite": costed.line.product.unit,
            "quantite": costed.line.quantity,
            "rendement": costed.line.yield_factor,
            "cout_unitaire": costed.unit_cost,
            "cout": costed.cost,
        }
        for costed in recipe.lines
    ]
    cost = recipe.cost
    body = {"plat_id": dish.pk, "ingredients": ingredients, "cout_matiere": cost.material_cost}
    body |= {
        "prix_vente_ht": cost.price_ht,
        "food_cost_pct": cost.food_cost_pct,
        "marge_brute": cost.gross_margin,
    }
    return dict(RecipeOutput(body).data)


class RecipeApi(APIView):
    """A dish's recipe: `PUT` replaces it whole with [{produit_sk, quantite, rendement?}] (quantities in
    each product's unit). Material cost = Σ quantite / rendement x the product's current average cost."""

    required_permission = {"GET": PermissionCode.METRO_READ, "PUT": PermissionCode.METRO_WRITE}

    @extend_schema(responses={200: RecipeOutput})
    def get(self, request: Request, dish_id: int) -> Response:
        return Response(_recipe_body(_dish_or_404(dish_id)))

    @extend_schema(request=IngredientInput(many=True), responses={200: RecipeOutput})
    def put(self, request: Request, dish_id: int) -> Response:
        dish = _dish_or_404(dish_id)
        serializer: serializers.ListSerializer[Any] = serializers.ListSerializer(
            child=IngredientInput(), data=request.data, max_length=200
        )
        serializer.is_valid(raise_exception=True)
        ingredients = [
            Ingredient(product_id=i["produit_sk"], quantity=i["quantite"], yield_factor=i["rendement"])
            for i in serializer.validated_data
        ]
        recipe_set(dish=dish, ingredients=ingredients)
        return Response(_recipe_body(dish))
