"""How a list is paged, and how far: the contract's two query shapes and their caps, in one place.

- `page` & `per_page` (the METRO and catalogue lists): the body is {items, total, page, per_page, pages}.
- `skip` & `limit` (members, API keys, audit events): the endpoint names its list, next to `total`.

A list that needs another cap than these says so by subclassing the input with its own field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers

PAGE_MAX = 1_000_000
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 200
LIMIT_DEFAULT = 50
LIMIT_MAX = 100

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class PageInput(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1, max_value=PAGE_MAX, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=PER_PAGE_MAX, default=PER_PAGE_DEFAULT)


class OffsetInput(serializers.Serializer[Any]):
    skip = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=LIMIT_MAX, default=LIMIT_DEFAULT)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


class PageLike(Protocol):
    @property
    def items(self) -> Sequence[Any]: ...
    @property
    def total(self) -> int: ...
    @property
    def page(self) -> int: ...
    @property
    def per_page(self) -> int: ...
    @property
    def pages(self) -> int: ...


def paginate(queryset: QuerySet[Any], *, page: int, per_page: int) -> Page[Any]:
    """Two queries: the count and the page (an out-of-range page is simply empty)."""
    total = queryset.count()
    start = (page - 1) * per_page
    items = list(queryset[start : start + per_page]) if start < total else []
    return Page(items=items, total=total, page=page, per_page=per_page)


def offset_slice(queryset: QuerySet[M], *, skip: int, limit: int) -> list[M]:
    return list(queryset[skip : skip + limit])


def page_body(
    page: PageLike, output: type[serializers.BaseSerializer[Any]], context: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "items": output(page.items, many=True, context=context or {}).data,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }
