"""Shared timing helpers for the benchmark scripts: wall time of commands and calls, table rows."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def compile_licaudit() -> None:
    """Byte-compile the licaudit being measured, as `pip install` does for a wheel: start-up
    figures are for compiled modules (under PYTHONDONTWRITEBYTECODE=1 an uncompiled checkout
    recompiles every module on every start, ~60 ms)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("licaudit")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


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
