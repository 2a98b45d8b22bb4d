"""Ctrl-C and SIGTERM: the command ends within 2 s with 130/143 and the next run resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sources.hub_server import HubServer

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_trace_stopped_mid_crawl_exits_within_2_s_and_the_rerun_resumes(
    tmp_path: Path, signum: int, code: int
) -> None:
    hub = HubServer().start()
    try:
        bases = "".join(f"- slow/base-{n}\n" for n in range(40))
        hub.model("slow/model", f"---\nlicense: mit\nbase_model:\n{bases}---\n")
        for n in range(40):
            hub.model(f"slow/base-{n}", "---\nlicense: mit\n---\n")
        hub.latency = 1.0
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HF_ENDPOINT": hub.url,
            "HF_HUB_CACHE": str(tmp_path / "hf"),
            "LICAUDIT_CACHE_DIR": str(tmp_path / "cache"),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_OFFLINE": "0",
        }
        argv = [sys.executable, "-m", "licaudit", "trace", "slow/model"]
        child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not hub.requests("/api/models/slow/base-") and time.monotonic() < deadline:
            time.sleep(0.05)  # the crawl has reached the parents: requests are in flight
        sent = time.monotonic()
        child.send_signal(signum)
        _, stderr = child.communicate(timeout=30)
        assert time.monotonic() - sent < 2.0
        assert child.returncode == code, stderr
        assert "re-run resumes" in stderr and "Traceback" not in stderr
        hub.latency = 0.0
        again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert again.returncode == 0, again.stderr  # every parent is MIT: allowed
    finally:
        hub.stop()
