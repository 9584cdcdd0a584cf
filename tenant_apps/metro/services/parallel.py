"""Threads that load invoices on connections of their own, in the current tenant's schema; and the parse
of uploaded files in sandboxed processes (`files_parse_sandboxed`).

One loader connection is bound by PostgreSQL's CPU (the invoice statement does the work server-side), so a
batch loads on `METRO_LOAD_WORKERS` connections at once, one per thread: Django gives every thread its own
connection. Each thread sets the caller's tenant on its connection once, and closes the connection when the
pool closes (a plain ThreadPoolExecutor has no per-thread exit hook, hence this small pool).

Parallel loading needs the caller to be in autocommit: a thread's connection cannot see rows of the
caller's uncommitted transaction (the batch row, for one), so inside an atomic block the batch loads on
the caller's connection alone (`load_workers`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from metro_etl import InternalParseError, MetroParseError, ParsedInvoice, TooComplexError
from metro_etl.batch import parse_one
from shared_apps.core.sandbox import CRASHED, Budget, Exceeded, sandbox_map

from .aggregates import loads_running

T = TypeVar("T")
_Task = tuple[Future[Any], Callable[[], Any]]


def load_workers(requested: int | None = None) -> int:
    """How many connections load a batch: `requested`, else the setting; 1 inside an atomic block."""
    if connection.in_atomic_block:
        return 1
    default = min(2, os.cpu_count() or 1)
    workers = requested if requested is not None else getattr(settings, "METRO_LOAD_WORKERS", default)
    return max(1, int(workers))


class ConnectionThreads:
    """`workers` threads running submitted callables, each on its own connection to the current tenant."""

    def __init__(self, workers: int) -> None:
        self._schema = connection.schema_name  # type: ignore[attr-defined]  # django-tenants' wrapper
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"metro-load-{n}", daemon=True) for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, function: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._tasks.put((future, function))
        return future

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the threads to finish (after the queued work, or at once with `cancel`)."""
        if cancel:
            while True:
                try:
                    task = self._tasks.get_nowait()
                except queue.Empty:
                    break
                if task is not None:
                    task[0].cancel()
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> ConnectionThreads:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(cancel=error is not None)

    def _work(self) -> None:
        try:
            with schema_context(self._schema), loads_running():
                while (task := self._tasks.get()) is not None:
                    future, function = task
                    if not future.set_running_or_notify_cancel():
                        continue
                    try:
                        future.set_result(function())
                    except BaseException as error:  # handed to the caller, who re-raises it
                        future.set_exception(error)
        finally:
            connection.close()


def parse_budget(*, synchronous: bool, workers: int | None = None) -> Budget:
    """The parse budget of files from outside (settings METRO_PARSE_*): per file, and for a request answered
    at once a total that keeps the request within the server's timeout. `workers`: files parsed at once
    (default: one for a request, else up to two, leaving the server a core)."""
    cpu_seconds = int(settings.METRO_PARSE_CPU_SECONDS)
    wall_seconds = float(settings.METRO_PARSE_WALL_SECONDS)
    return Budget(
        cpu_seconds=cpu_seconds,
        memory_bytes=int(settings.METRO_PARSE_MEMORY_MB) * 1024 * 1024,
        wall_seconds=wall_seconds,
        total_seconds=float(settings.METRO_IMPORT_SYNC_PARSE_SECONDS) if synchronous else float("inf"),
        workers=1 if synchronous else max(1, workers or min(2, os.cpu_count() or 1)),
    )


def files_parse_sandboxed(
    sources: Sequence[tuple[str, bytes]], *, budget: Budget
) -> list[ParsedInvoice | MetroParseError]:
    """Parse (name, content) pairs each in a child process within `budget` (shared_apps.core.sandbox): a
    file beyond it is a `too_complex` error, a crashed parser an `internal_error`; the others go on."""
    outcomes = sandbox_map(parse_one, sources, budget=budget)
    results: list[ParsedInvoice | MetroParseError] = []
    for (name, _), outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, Exceeded) and outcome.reason == CRASHED:
            results.append(InternalParseError("the process parsing this file died", filename=name))
        elif isinstance(outcome, Exceeded):
            message = f"the file exceeds its parsing budget ({outcome.reason})"
            results.append(TooComplexError(message, filename=name))
        else:
            results.append(outcome)
    return results


__all__ = ["ConnectionThreads", "files_parse_sandboxed", "load_workers", "parse_budget"]
