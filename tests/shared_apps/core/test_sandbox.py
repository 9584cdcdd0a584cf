"""The sandbox runs each item in a child process and stops it at its CPU, memory or time budget; the
other items go on. The functions below run in the children (imported there by module name)."""

from __future__ import annotations

import os
import time

from shared_apps.core.sandbox import CPU, CRASHED, MEMORY, TIME, Budget, Exceeded, sandbox_map

MiB = 1024 * 1024


def _work(item: str) -> str:
    if item == "spin":
        while True:
            pass
    if item == "hog":
        return str(len(bytearray(1024 * MiB)))
    if item == "sleep":
        time.sleep(60)
    if item == "raise":
        raise ValueError("bad item")
    if item == "die":
        os._exit(3)
    return item.upper()


def _budget(**overrides: float) -> Budget:
    values: dict[str, float] = {
        "cpu_seconds": 1,
        "memory_bytes": 256 * MiB,
        "wall_seconds": 20,
        "total_seconds": 60,
        "workers": 2,
    }
    values.update(overrides)
    return Budget(
        cpu_seconds=int(values["cpu_seconds"]),
        memory_bytes=int(values["memory_bytes"]),
        wall_seconds=values["wall_seconds"],
        total_seconds=values["total_seconds"],
        workers=int(values["workers"]),
    )


def test_each_item_gets_its_result_or_the_budget_it_exceeded_in_input_order() -> None:
    results = sandbox_map(_work, ["a", "spin", "b", "hog", "raise", "die", "c"], budget=_budget())
    assert [results[0], results[2], results[6]] == ["A", "B", "C"]
    assert results[1] == Exceeded(CPU)
    assert results[3] == Exceeded(MEMORY)
    assert isinstance(results[4], ValueError)
    assert results[5] == Exceeded(CRASHED)


def test_a_child_waiting_past_its_wall_budget_is_killed() -> None:
    started = time.monotonic()
    assert sandbox_map(_work, ["sleep", "a"], budget=_budget(wall_seconds=0.5)) == [Exceeded(TIME), "A"]
    assert time.monotonic() - started < 10


def test_the_total_budget_ends_the_call_and_the_rest_is_not_started() -> None:
    started = time.monotonic()
    results = sandbox_map(_work, ["sleep", "sleep", "a"], budget=_budget(workers=1, total_seconds=1))
    assert results == [Exceeded(TIME), Exceeded(TIME), Exceeded(TIME)]
    assert time.monotonic() - started < 10
