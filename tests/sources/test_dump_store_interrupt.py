"""An interrupted import stops its worker processes at once instead of waiting for their chunks."""

from __future__ import annotations

import time
from pathlib import Path

from licaudit.sources.dumps.store import DumpStore


def test_stopping_at_once_does_not_wait_for_running_chunks(tmp_path: Path) -> None:
    with DumpStore(tmp_path / "dumps.sqlite") as store:
        pool = store._workers(2)
        for _ in range(2):
            pool.submit(time.sleep, 30)
        time.sleep(0.5)  # both workers are inside their 30 s job
        processes = list(pool._processes.values())  # type: ignore[attr-defined]
        assert processes and all(process.is_alive() for process in processes)
        started = time.monotonic()
        store._stop_workers(at_once=True)
        for process in processes:
            process.join(timeout=2)
        assert time.monotonic() - started < 2.0
        assert not any(process.is_alive() for process in processes)
