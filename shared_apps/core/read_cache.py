"""Answers of list and dashboard endpoints, kept per process and filed under the tenant's data token.

A warm first page then costs no SQL beyond authentication: the token comes from this process's near-cache
copy of Redis (no round trip), the body from memory. Why it never answers stale: see the rule in
shared_apps.core.data_version — the token is read before the data, every committed write kills its
schema's token everywhere before it is acknowledged, and a connection with uncommitted changes of the
schema neither reads nor fills the cache.

The key holds everything an answer depends on besides the data: the schema (so no answer can cross
tenants) and its token, the view and the path (hence the API version), the URL's arguments, the query
parameters (sorted: their order does not matter), the negotiated media type, the principal's permissions
(views may shape fields by them), the language, the time zone and the current quarter of an hour
(SLOT_SECONDS: defaults such as "today" or "the last 30 days up to now" move with the clock; rows only
enter through writes, which kill the token, so within a slot only rows dated in the future could change
such an answer). The code's own shape needs no part: answers live in the process that computed them, so
a deploy starts empty.

Large bodies are also kept gzip-compressed, as django.middleware.gzip would send them (compressing a page
of products costs more than the rest of a warm request): a client that accepts gzip gets those bytes, with
the headers the middleware would set, and the middleware leaves them alone. The middleware's random padding
(its BREACH mitigation) is then drawn once per cached answer: these answers hold no secret, and any input
of the client's changes the key, hence the padding.

Memory is bounded per process: least recently used answers go first past READ_CACHE_MAX_ENTRIES answers or
READ_CACHE_MAX_BYTES bytes of bodies; one body larger than an eighth of the budget is not kept. Answers
filed under a dead token are never asked for again and age out the same way.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from rest_framework.request import Request
from rest_framework.response import Response

from . import data_version
from .context import request_context

DEFAULT_MAX_ENTRIES = 2048
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

Key = tuple[Any, ...]
# Answers are reused within one quarter of an hour of the clock: every time zone's midnight falls on such a
# boundary (offsets are multiples of 15 minutes), so defaults like "today", "this month" or "the last 30
# days" never outlive their day, whichever zone a view reckons in.
SLOT_SECONDS = 900
GZIP_MIN_BYTES = 200  # django.middleware.gzip's own threshold
GZIP_MIDDLEWARE = "django.middleware.gzip.GZipMiddleware"


class Body:
    """A rendered answer, and its gzip form when compressing pays."""

    __slots__ = ("gzipped", "plain", "varies")

    def __init__(self, plain: bytes) -> None:
        self.plain = plain
        self.gzipped: bytes | None = None
        # What the middleware would do with it: nothing below its threshold or when it is not installed.
        self.varies = len(plain) >= GZIP_MIN_BYTES and GZIP_MIDDLEWARE in settings.MIDDLEWARE
        if self.varies:
            gzipped = compress_string(plain, max_random_bytes=GZipMiddleware.max_random_bytes)
            self.gzipped = gzipped if len(gzipped) < len(plain) else None

    def __len__(self) -> int:
        return len(self.plain) + len(self.gzipped or b"")


Handler = TypeVar("Handler", bound=Callable[..., Any])


class ResponseStore:
    """An LRU of response bodies bounded by count and bytes (one per process, thread-safe)."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.hits = self.misses = 0
        self._bytes = 0
        self._items: OrderedDict[Key, Body] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Body | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Key, body: Body) -> None:
        if len(body) > self.max_bytes // 8 or self.max_entries <= 0:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._items[key] = body
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes


store = ResponseStore(
    max_entries=int(getattr(settings, "READ_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)),
    max_bytes=int(getattr(settings, "READ_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)),
)


class CachedBodyResponse(Response):
    """A DRF response whose body is already rendered (and compressed): the headers DRF and the gzip
    middleware would set, the bytes they would send."""

    def __init__(self, body: Body) -> None:
        super().__init__(data=None)
        self.cached_body = body

    @property
    def rendered_content(self) -> bytes:  # type: ignore[override]  # DRF's renders bytes too
        renderer = self.accepted_renderer
        media_type, charset = renderer.media_type, renderer.charset
        self["Content-Type"] = f"{media_type}; charset={charset}" if charset else media_type
        body = self.cached_body
        if not body.varies:
            return body.plain
        patch_vary_headers(self, ("Accept-Encoding",))
        request = self.renderer_context["request"]  # type: ignore[attr-defined]  # set by DRF's finalize
        if body.gzipped is None or not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return body.plain
        self["Content-Encoding"] = "gzip"
        return body.gzipped


def _key(view: Any, request: Request, schema: str, token: str, kwargs: dict[str, Any]) -> Key:
    principal = request_context().principal
    return (
        schema,
        token,
        type(view).__module__,
        type(view).__qualname__,
        request.path_info,  # the API version with it, should one view serve two
        tuple(sorted(kwargs.items())),
        tuple(sorted((name, tuple(values)) for name, values in request.query_params.lists())),
        request.accepted_media_type,
        type(request.accepted_renderer).__qualname__,
        getattr(principal, "permissions", None),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        int(time.time() // SLOT_SECONDS),
    )


def _tenant_schema() -> str | None:
    schema = getattr(connection, "schema_name", None)
    public = getattr(settings, "PUBLIC_SCHEMA_NAME", "public")
    if not schema or schema == public:
        return None
    if schema in getattr(connection, "changed_schemas", ()):  # its own uncommitted changes: not shared
        return None
    return str(schema)


def cached_read(handler: Handler) -> Handler:
    """For the GET handler of a read-only API view whose answer depends only on the tenant's business data
    and the request (module docstring). Only 200 answers are kept."""

    @wraps(handler)
    def get(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        schema = _tenant_schema()
        token = data_version.current(schema) if schema is not None else None
        if schema is None or token is None or args:
            return handler(view, request, *args, **kwargs)
        key = _key(view, request, schema, token, kwargs)
        body = store.get(key)
        if body is not None:
            return CachedBodyResponse(body)
        response = handler(view, request, *args, **kwargs)
        if type(response) is not Response or response.status_code != 200 or len(response.headers) > 1:
            return response  # only a plain 200 (its one header is the Content-Type DRF sets again)
        body = Body(
            request.accepted_renderer.render(
                response.data, request.accepted_media_type, view.get_renderer_context()
            )
        )
        if schema not in getattr(connection, "changed_schemas", ()):
            store.put(key, body)
        return CachedBodyResponse(body)

    return get  # type: ignore[return-value]
