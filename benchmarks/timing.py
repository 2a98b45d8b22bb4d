"""Shared timing helpers for the benchmark scripts: wall time of commands and calls, table rows."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def wall_ms(command: list[str], repeat: int, env: dict[str, str]) -> list[float]:
    """Wall time of a whole process (start-up included), once per repeat."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def call_ms(function: Callable[[], object], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def row(name: str, timings: list[float], baseline: float | None = None, width: int = 62) -> str:
    """One table row: median, min, and the ratio to a baseline median measured in the same run."""
    median = statistics.median(timings)
    ratio = f"{median / baseline:6.2f}x" if baseline else "       "
    return f"{name:<{width}} {median:9.1f} {min(timings):9.1f} {ratio}"
