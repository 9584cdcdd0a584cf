"""Keep what a server process made while starting out of the garbage collector's full collections.

CPython's full (generation 2) collection walks every container object the process holds. A worker that has
imported Django, DRF, the apps and their URLconfs holds some 150,000 that live as long as it does, so each
full collection took about 85 ms (twice that on a loaded machine), and a list answer of 1,000 rows
allocates enough to set one off every few requests: it fell in the middle of whichever request came next,
which made the p95 of a 20 ms answer four times its median. `gc.freeze()` moves the objects that exist at
that point to a permanent generation that collections skip (what the `gc` documentation advises for
long-running servers); objects made afterwards are collected as before. scripts/bench/bench_price_alerts.py
counts the full collections per endpoint.
"""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings


def startup_heap_freeze() -> None:
    """Import the URLconfs (hence every view and serializer) now rather than on the first request, collect
    what starting left as garbage, and freeze the rest. Call once Django is set up, before serving."""
    for urlconf in (settings.ROOT_URLCONF, getattr(settings, "PUBLIC_SCHEMA_URLCONF", None)):
        if urlconf:
            import_module(urlconf)
    gc.collect()
    gc.freeze()
