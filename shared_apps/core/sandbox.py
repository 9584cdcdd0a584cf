"""Run work on untrusted input (parsing an uploaded file) in child processes with a budget.

Each item runs in a process of its own, started from a forkserver (never a fork of a threaded server
process), which sets itself resource limits before it touches the item: CPU seconds (RLIMIT_CPU: SIGXCPU,
then SIGKILL one second later) and address space (RLIMIT_AS: allocations fail). The parent kills a child
that outlives its wall-clock budget (time spent waiting on I/O or the machine being busy) and gives up on
everything once the budget of the whole call is spent. The server's own process only waits on pipes, so
its other threads keep answering.

    sandbox_map(parse_one, items, budget=Budget(cpu_seconds=10, memory_bytes=512 << 20, ...))

returns, in input order, the function's result or `Exceeded(reason)`; an exception raised by the function
is returned too (it must be picklable). No Django in here: usable by any import (METRO, till exports).
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CPU, MEMORY, TIME, CRASHED = "cpu", "memory", "time", "crashed"


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int  # per item
    memory_bytes: int  # address space of each child
    wall_seconds: float  # per item, from its start
    total_seconds: float  # for the whole call: what is not done by then is Exceeded(TIME)
    workers: int = 1  # children at once


@dataclass(frozen=True)
class Exceeded:
    reason: str  # CPU, MEMORY, TIME or CRASHED


@dataclass
class _Running(Generic[T]):
    index: int
    process: BaseProcess
    deadline: float


_preloaded: set[str] = {__name__}


def _context(module: str) -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # Effective until the forkserver starts: then each child imports the function's module from the server's
    # state instead of from scratch.
    if module not in _preloaded:
        _preloaded.add(module)
        context.set_forkserver_preload(sorted(_preloaded))
    return context


def _child(writer: Connection, function: Callable[[Any], Any], item: Any, cpu: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        reply: tuple[str, Any] = ("ok", function(item))
    except MemoryError:
        reply = ("exceeded", MEMORY)
    except Exception as error:  # the caller's to judge
        reply = ("ok", error)
    try:
        writer.send(reply)
    except MemoryError:
        writer.send(("exceeded", MEMORY))


def _died(process: BaseProcess) -> Exceeded:
    process.join(timeout=5)
    if process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):  # the soft, then the hard CPU limit
        return Exceeded(CPU)
    return Exceeded(CRASHED)


def _stop(process: BaseProcess) -> None:
    process.kill()
    process.join(timeout=5)


def sandbox_map(function: Callable[[T], R], items: Sequence[T], *, budget: Budget) -> list[R | Exceeded]:
    """`function(item)` for each item, each in a child process within `budget` (see the module)."""
    context = _context(function.__module__)
    results: list[R | Exceeded | None] = [None] * len(items)
    pending = deque(enumerate(items))
    running: dict[Connection, _Running[T]] = {}
    give_up = time.monotonic() + budget.total_seconds
    try:
        while pending or running:
            while pending and len(running) < max(1, budget.workers) and time.monotonic() < give_up:
                index, item = pending.popleft()
                reader, writer = context.Pipe(duplex=False)
                args = (writer, function, item, budget.cpu_seconds, budget.memory_bytes)
                process = context.Process(target=_child, args=args, daemon=True)
                process.start()
                writer.close()
                deadline = min(time.monotonic() + budget.wall_seconds, give_up)
                running[reader] = _Running(index=index, process=process, deadline=deadline)
            if not running:
                break
            timeout = max(0.0, min(r.deadline for r in running.values()) - time.monotonic())
            for ready in wait(list(running), timeout=timeout):
                assert isinstance(ready, Connection)
                job = running.pop(ready)
                results[job.index] = _receive(ready, job.process)
            now = time.monotonic()
            for reader, job in list(running.items()):
                if now >= job.deadline:
                    _stop(job.process)
                    reader.close()
                    del running[reader]
                    results[job.index] = Exceeded(TIME)
    finally:
        for reader, job in running.items():
            _stop(job.process)
            reader.close()
    return [Exceeded(TIME) if result is None else result for result in results]


def _receive(reader: Connection, process: BaseProcess) -> Any:
    try:
        status, value = reader.recv()
    except (EOFError, OSError):
        return _died(process)
    finally:
        reader.close()
    process.join(timeout=5)
    return Exceeded(value) if status == "exceeded" else value
