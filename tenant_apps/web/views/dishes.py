"""/plats and /plats/<id>: the dishes with what they cost, a dish's fields and its recipe editor.

The recipe form posts every line (quantity and yield each) and, from the product search, the one to add;
the view rebuilds the whole recipe and hands it to `recipe_set`, the service behind
`PUT /api/v1/plats/{id}/ingredients`: all of it is written or none. With htmx the recipe block is swapped
in place; without script the page reloads (post, redirect, get).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError, NotFound
from shared_apps.core.pagination import paginate
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import product_query
from tenant_apps.sales import selectors as sales
from tenant_apps.sales.models import Dish
from tenant_apps.sales.services.dishes import Ingredient, dish_create, dish_update, recipe_set

from .. import identity
from ..decorators import web_page
from ..messages_fr import message_for
from ..sales_forms import DishFilterForm, DishForm, IngredientForm, ProductSearchForm
from .account import _principal

PER_PAGE = 50
SEARCH_RESULTS = 12
HUNDRED = Decimal(100)
# The form's French names → the service's fields (as the API's FIELDS).
FIELDS = {
    "categorie": "category",
    "canal": "channel",
    "prix_vente_ttc": "selling_price_ttc",
    "tva_pct": "vat_rate",
    "actif": "is_active",
}
RECIPE_ERRORS = {
    "unknown_product": "Ligne {ligne} : ce produit n'existe pas (ou plus).",
    "duplicate_product": "Ce produit est déjà dans la recette : modifiez sa quantité.",
}


def _dish_or_404(dish_id: int) -> Dish:
    dish = sales.dish_get(dish_id=dish_id)
    if dish is None:
        raise NotFound("No such dish.")
    return dish


def _list_page(request: HttpRequest, *, create_form: DishForm, status: int = 200) -> HttpResponse:
    form = DishFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    active = {"oui": True, "non": False}.get(data.get("actif") or "")
    dishes = sales.dish_list(
        q=data.get("q", ""), active=active, category=data.get("categorie", ""), channel=data.get("canal", "")
    )
    page = paginate(dishes, page=data.get("page") or 1, per_page=PER_PAGE)
    costs = sales.dish_costs(dishes=page.items)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(dish, costs[dish.pk]) for dish in page.items],
        "categories": sales.dish_categories(),
        "create_form": create_form,
        "can_edit": identity.can(_principal(request), PermissionCode.METRO_WRITE),
        "query": query.urlencode(),
    }
    return render(request, "web/sales/dishes.html", context, status=status)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def dishes(request: HttpRequest) -> HttpResponse:
    return _list_page(request, create_form=DishForm())


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def dish_new(request: HttpRequest) -> HttpResponse:
    form = DishForm(request.POST)
    if not form.is_valid():
        return _list_page(request, create_form=form, status=400)
    data = form.cleaned_data
    try:
        dish = dish_create(name=data["nom"], **{FIELDS[k]: data[k] for k in FIELDS})
    except ApplicationError as error:
        taken = error.code == "dish_exists"
        form.add_error("nom", "Un plat porte déjà ce nom." if taken else message_for(error))
        return _list_page(request, create_form=form, status=error.status_code)
    messages.success(request, f"Plat « {dish.name} » créé : composez sa recette.")
    return HttpResponseRedirect(reverse("web:dish", args=[dish.pk]))


def _recipe_context(request: HttpRequest, dish: Dish, **extra: Any) -> dict[str, Any]:
    search = ProductSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_bound and search.is_valid() else ""
    results = list(product_query(q=q)[:SEARCH_RESULTS]) if q else []
    unit_costs = sales.average_costs(product_ids=[p.pk for p in results])
    return {
        "dish": dish,
        "recipe": sales.recipe_costed(dish=dish),
        "search": search,
        "q": q,
        "results": [(product, unit_costs[product.pk]) for product in results],
        "new_line": IngredientForm(prefix="nouveau"),
        "can_edit": identity.can(_principal(request), PermissionCode.METRO_WRITE),
        "errors": [],
        **extra,
    }


def _dish_page(request: HttpRequest, dish: Dish, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _recipe_context(request, dish, **extra)
    context.setdefault("dish_form", DishForm(initial=_dish_initial(dish)))
    template = "web/sales/_recipe.html" if _swaps_recipe(request) else "web/sales/dish_detail.html"
    return render(request, template, context, status=status)


def _swaps_recipe(request: HttpRequest) -> bool:
    # htmx asks for the recipe block alone (adding a line, searching); any other request gets the page.
    return bool(getattr(request, "htmx", False)) and request.headers.get("HX-Target") == "recette"


def _dish_initial(dish: Dish) -> dict[str, Any]:
    return {
        "nom": dish.name,
        "categorie": dish.category,
        "canal": dish.channel,
        "prix_vente_ttc": dish.selling_price_ttc,
        "tva_pct": dish.vat_rate,
        "actif": dish.is_active,
    }


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def dish_detail(request: HttpRequest, dish_id: int) -> HttpResponse:
    return _dish_page(request, _dish_or_404(dish_id))


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def dish_edit(request: HttpRequest, dish_id: int) -> HttpResponse:
    dish = _dish_or_404(dish_id)
    form = DishForm(request.POST)
    if not form.is_valid():
        return _dish_page(request, dish, status=400, dish_form=form)
    data = form.cleaned_data
    dish_update(dish=dish, name=data["nom"], **{FIELDS[k]: data[k] for k in FIELDS})
    messages.success(request, "Plat enregistré.")
    return HttpResponseRedirect(reverse("web:dish", args=[dish.pk]))


def _spaceless(text: str) -> str:
    # The page shows `1 234,5` (a no-break space between thousands): read it back as typed.
    return "".join(text.split())


def _posted_lines(request: HttpRequest) -> tuple[list[Ingredient], list[str]]:
    """The recipe as posted: the lines kept (all but the one whose "Retirer" was pressed) and the one
    added from the search; the French errors of the lines that do not parse."""
    post = request.POST
    quantities = [_spaceless(v) for v in post.getlist("quantite")]
    yields = [_spaceless(v) for v in post.getlist("rendement")]
    rows = zip(post.getlist("produit"), quantities, yields, strict=False)
    forms = [
        IngredientForm({"produit": p, "quantite": q, "rendement": r})
        for p, q, r in rows
        if p != post.get("retirer")
    ]
    added = post.get("ajouter")
    if added:
        prefixed = {key: _spaceless(post.get(f"nouveau-{key}", "")) for key in ("quantite", "rendement")}
        forms.append(IngredientForm({"produit": added, **prefixed}))
    ingredients: list[Ingredient] = []
    errors: list[str] = []
    for index, form in enumerate(forms, start=1):
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[key].label or key} : {' '.join(map(str, texts))}"
                for key, texts in form.errors.items()
            )
            errors.append(f"Ligne {index} : {problems.lower()}")
            continue
        data = form.cleaned_data
        ingredients.append(Ingredient(data["produit"], data["quantite"], data["rendement"] / HUNDRED))
    return ingredients, errors


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def dish_recipe(request: HttpRequest, dish_id: int) -> HttpResponse:
    dish = _dish_or_404(dish_id)
    ingredients, errors = _posted_lines(request)
    if not errors:
        try:
            recipe_set(dish=dish, ingredients=ingredients)
        except ApplicationError as error:
            template = RECIPE_ERRORS.get(error.code)
            errors = [template.format(**error.details) if template else message_for(error)]
    if errors:
        return _dish_page(request, dish, status=400, errors=errors)
    if _swaps_recipe(request):
        return _dish_page(request, dish)
    messages.success(request, "Recette enregistrée.")
    return HttpResponseRedirect(reverse("web:dish", args=[dish.pk]))
