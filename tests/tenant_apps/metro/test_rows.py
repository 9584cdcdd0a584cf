"""The statement's array parameters: built as text by rows.array_literal, read back intact by PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from tenant_apps.metro.services.rows import array_literal

pytestmark = pytest.mark.django_db


def _read_back(literal: str, kind: str) -> list[object]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{kind}[]", [literal])
        return list(cursor.fetchone()[0])


@pytest.mark.parametrize(
    "values",
    [
        ["PRODUIT 70CL", 'VIN "ROUGE"', "C:\\TEMP\\", "A,B", "{X}", "NULL", "", " espace ", "é'ü", None],
        [],
        [None],
        ["PRODUIT 70CL", "A,B", "{X}", "NULL", "", " espace "],  # nothing to escape, no NULL
        ["PRODUIT 70CL", 'VIN "ROUGE"'],
        ["C:\\TEMP\\", "A"],
    ],
)
def test_text_arrays_keep_every_character_and_null(values: list[object]) -> None:
    assert _read_back(array_literal(values, "text"), "text") == values


def test_numbers_keep_their_value_scale_and_sign() -> None:
    numbers = [Decimal("0.700"), Decimal("-12.5"), Decimal("1E+2"), Decimal("0.001"), Decimal("-0"), None]
    back = _read_back(array_literal(numbers, "numeric"), "numeric")
    assert back == numbers
    assert [str(n) for n in back[:2]] == ["0.700", "-12.5"]  # the scale survives, as with binary arrays
    assert _read_back(array_literal([1, -2, None, 2**40], "bigint"), "bigint") == [1, -2, None, 2**40]
    assert _read_back(array_literal(numbers[:-1], "numeric"), "numeric") == numbers[:-1]
    assert _read_back(array_literal(iter([3, 4]), "integer"), "integer") == [3, 4]
