"""Sales move stock: each sold dish with a recipe takes its ingredients out of its establishment's site.

The exits (SORTIE, reason sale) are written in the order's own chunk transaction, unvalued, dated on the
local day the order was closed; the stock app's valuation values them once the import has loaded every
chunk (services.valuation, forward from the earliest unvalued movement), as it does for the METRO loads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from shared_apps.core.exceptions import ValidationFailed
from sumup_etl import Order as TillOrder
from tenant_apps.stock.models import ExitReason, MovementKind, MovementSource, Site, StockMovement

from ..models import OrderLine, RecipeLine, TillEstablishment

Recipes = dict[int, list[tuple[int, Decimal]]]  # dish id → [(product id, stock quantity per dish sold)]


def recipes_load(*, dish_ids: Sequence[int] | None = None) -> Recipes:
    lines = RecipeLine.objects.all() if dish_ids is None else RecipeLine.objects.filter(dish_id__in=dish_ids)
    recipes: Recipes = defaultdict(list)
    for dish_id, product_id, quantity, yield_factor in lines.values_list(
        "dish_id", "product_id", "quantity", "yield_factor"
    ):
        recipes[dish_id].append((product_id, quantity / yield_factor))
    return dict(recipes)


def exit_quantity(*, sold: Decimal, per_dish: Decimal) -> Decimal:
    """The signed stock quantity of an exit: what `sold` dishes take of one ingredient."""
    return -(sold * per_dish).quantize(Decimal("0.001"))


class EstablishmentSiteAmbiguous(ValidationFailed):
    """The export has a till establishment no site is chosen for, and the tenant has several sites: its
    sales would take their ingredients out of an unknown stock. Nothing is loaded until it is mapped."""


def establishment_sites(*, orders: Iterable[TillOrder]) -> dict[str, int]:
    """{establishment id: site id}. An establishment seen for the first time takes the tenant's only
    site, or a new site named after it when the tenant has none; with several sites the import is
    refused until someone maps it (PUT /ventes/etablissements/{id})."""
    seen = {order.establishment_id[:64]: order.establishment[:128] for order in orders}
    known = dict(
        TillEstablishment.objects.filter(establishment_id__in=seen, site__isnull=False).values_list(
            "establishment_id", "site_id"
        )
    )
    unknown = {key: name for key, name in seen.items() if key not in known}
    if not unknown:
        return known
    sites = list(Site.objects.order_by("id")[:2])
    if len(sites) > 1:
        raise EstablishmentSiteAmbiguous(
            "Plusieurs sites existent : indiquez celui de chaque établissement de caisse "
            "(PUT /api/v1/ventes/etablissements/{id_etablissement} avec site_id), puis importez à nouveau.",
            code="establishment_site_ambiguous",
            details={"etablissements": [{"id_etablissement": k, "nom": n} for k, n in unknown.items()]},
        )
    for establishment_id, name in unknown.items():
        site = sites[0] if sites else Site.objects.create(name=(name or establishment_id)[:128])
        TillEstablishment.objects.update_or_create(
            establishment_id=establishment_id, defaults={"name": name, "site": site}
        )
        known[establishment_id] = site.pk
    return known


def sale_exits_write(*, lines: Sequence[OrderLine], sites: dict[str, int], recipes: Recipes) -> int:
    """The exits of `lines` (stored, with their order): one movement per line and ingredient."""
    movements = []
    for line in lines:
        site_id = sites.get(line.order.establishment_id)
        if line.dish_id is None or site_id is None:
            continue
        for product_id, per_dish in recipes.get(line.dish_id, ()):
            movements.append(
                StockMovement(
                    site_id=site_id,
                    product_id=product_id,
                    date=line.closed_at.date(),  # aware in the tenant's zone: its local day
                    kind=MovementKind.EXIT,
                    reason=ExitReason.SALE,
                    quantity=exit_quantity(sold=line.quantity, per_dish=per_dish),
                    source=MovementSource.SALE,
                    source_ref=f"{line.order.till_id}:{line.position}"[:64],
                )
            )
    StockMovement.objects.bulk_create(movements)
    return len(movements)
