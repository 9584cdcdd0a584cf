"""The API's orjson renderer writes exactly the bytes of DRF's JSONRenderer."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from shared_apps.core.renderers import FastJSONRenderer

PARIS = datetime.timezone(datetime.timedelta(hours=1))
_serializer = serializers.Serializer[Any]()


@pytest.mark.parametrize(
    "data",
    [
        {"a": 1, "b": None, "c": True, "d": 'é\u2028\u2029"\\\n', "e": [1, "x", {"f": []}]},
        ReturnDict({"items": ReturnList([{"k": "v"}], serializer=_serializer)}, serializer=_serializer),
        {"when": datetime.datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)},
        {"when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=PARIS), "day": datetime.date(2024, 5, 1)},
        {"at": datetime.time(8, 5, 1, 250)},
        {"amount": Decimal("-12.30"), "id": uuid.UUID(int=7)},
        {"big": 2**70},
        ["plain", "list"],
    ],
)
def test_fast_renderer_writes_drfs_bytes(data: Any) -> None:
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_an_indent_in_the_accept_header_is_honoured_like_drf() -> None:
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"
    rendered = FastJSONRenderer().render(data, media_type)
    assert rendered == JSONRenderer().render(data, media_type)
    assert b"\n  " in rendered


def test_no_data_is_an_empty_body() -> None:
    assert FastJSONRenderer().render(None) == b""
