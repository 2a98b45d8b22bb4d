"""The SQLite cache: no refetch within the TTL, --refresh, --offline, resume after a kill, two
processes at once, `licaudit cache info|clear`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.data_cache import default_cache_dir
from licaudit.errors import UnknownArtifactError
from licaudit.knowledge import Knowledge
from licaudit.sources.hub.cache import CACHE_FILE_NAME, HubCache
from tests.sources.conftest import fast_settings, hub_trace
from tests.sources.hub_server import HubServer


def chain(hub: HubServer, length: int, fan: int = 1) -> str:
    """A chain of finetunes, each also trained on `fan` datasets; returns the leaf id."""
    for i in range(length):
        parent = f"base_model: chain/m{i + 1}\n" if i + 1 < length else ""
        data = "".join(f"- chain/d{i}-{j}\n" for j in range(fan))
        hub.model(f"chain/m{i}", f"---\nlicense: mit\n{parent}datasets:\n{data}---\n", config__json="{}")
        for j in range(fan):
            hub.dataset(f"chain/d{i}-{j}", "---\nlicense: cc-by-4.0\n---\n")
    return "chain/m0"


def test_warm_re_trace_makes_no_request(hub: HubServer, shipped: Knowledge) -> None:
    leaf = chain(hub, 4, fan=2)
    cold = hub_trace(shipped, leaf)
    assert len(hub.requests()) > 10
    hub.reset_log()
    warm = hub_trace(shipped, leaf)
    assert hub.requests() == []
    assert warm.findings == cold.findings and warm.graph.edges() == cold.graph.edges()


def test_ttl_and_refresh(hub: HubServer, shipped: Knowledge) -> None:
    leaf = chain(hub, 2)
    hub_trace(shipped, leaf)
    hub.reset_log()
    hub_trace(shipped, leaf, fast_settings(ttl_seconds=0))
    expired = [p for _, p in hub.requests()]
    assert expired and all(p.startswith("/api/") for p in expired)  # files at a known sha are immutable
    hub.reset_log()
    hub_trace(shipped, leaf, fast_settings(refresh=True))
    assert all(p.startswith("/api/") for _, p in hub.requests())


def test_a_changed_repo_is_seen_after_the_ttl(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("t/moving", "---\nlicense: mit\n---\n")
    assert hub_trace(shipped, "t/moving").graph.facts("t/moving").license_expression == "mit"  # type: ignore[arg-type]
    hub.model("t/moving", "---\nlicense: cc-by-nc-4.0\n---\n")  # a new commit
    assert hub_trace(shipped, "t/moving").graph.facts("t/moving").license_expression == "mit"  # type: ignore[arg-type]
    fresh = hub_trace(shipped, "t/moving", fast_settings(refresh=True))
    assert fresh.graph.facts("t/moving").license_expression == "cc-by-nc-4.0"  # type: ignore[arg-type]


def test_offline_uses_the_cache_only(hub: HubServer, shipped: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    leaf = chain(hub, 2)
    hub_trace(shipped, leaf)
    hub.reset_log()
    offline = hub_trace(shipped, leaf, fast_settings(offline=True, ttl_seconds=0))  # stale is fine offline
    assert not offline.incomplete and hub.requests() == []
    with pytest.raises(UnknownArtifactError):
        hub_trace(shipped, "never/fetched", fast_settings(offline=True))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the Hub's own switch works too
    hub_trace(shipped, leaf)
    assert hub.requests() == []


def test_registry_target_never_opens_a_connection(hub: HubServer) -> None:
    result = CliRunner().invoke(app, ["trace", "tatsu-lab/alpaca-7b-wdiff", "--format", "json"])
    assert result.exit_code == 1
    assert hub.requests() == []
    assert json.loads(result.stdout)["incomplete"] is False


def test_a_corrupt_cache_file_is_skipped(hub: HubServer, shipped: Knowledge) -> None:
    (default_cache_dir()).mkdir(parents=True, exist_ok=True)
    (default_cache_dir() / CACHE_FILE_NAME).write_bytes(b"this is not sqlite" * 100)
    hub.model("c/ok", "---\nlicense: mit\n---\n")
    assert hub_trace(shipped, "c/ok").graph.facts("c/ok").license_expression == "mit"  # type: ignore[arg-type]


def _cli(hub: HubServer, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "licaudit", "trace", "--rate", "1000", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_crawl_resumes_without_refetching(hub: HubServer, shipped: Knowledge) -> None:
    leaf = chain(hub, 8, fan=2)
    hub.latency = 0.05
    process = _cli(hub, leaf, "--workers", "2")
    deadline = time.monotonic() + 20
    while len(hub.requests()) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # no cleanup, mid-crawl
    process.communicate()
    first = [p for _, p in hub.requests()]
    assert len(first) >= 12
    hub.reset_log()
    hub.latency = 0.0
    resumed = hub_trace(shipped, leaf)
    assert not resumed.incomplete and len(resumed.graph) == 24
    again = [p for _, p in hub.requests()]
    refetched = set(first) & set(again)
    assert len(refetched) <= 2  # at most the requests in flight when it was killed
    with sqlite3.connect(default_cache_dir() / CACHE_FILE_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_share_the_cache(hub: HubServer) -> None:
    leaf = chain(hub, 5, fan=2)
    hub.latency = 0.01
    processes = [_cli(hub, leaf, "--format", "json") for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert len(json.loads(stdout)["nodes"]) == 15
    with sqlite3.connect(default_cache_dir() / CACHE_FILE_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM hub_repos").fetchone()[0] == 15


def test_cache_info_and_clear_keep_other_tables(hub: HubServer, shipped: Knowledge) -> None:
    hub_trace(shipped, chain(hub, 2))
    cache = HubCache(default_cache_dir())
    db = cache._connection()
    db.execute("CREATE TABLE cards_other (x TEXT)")  # another feature's table in the same file
    db.execute("INSERT INTO cards_other VALUES ('kept')")
    cache.close()
    info = CliRunner().invoke(app, ["cache", "info", "--format", "json"])
    assert info.exit_code == 0
    doc = json.loads(info.stdout)
    assert doc["entries"]["repos"] == 4 and doc["entries"]["files"] >= 4 and doc["size_bytes"] > 0
    assert "repos" in CliRunner().invoke(app, ["cache", "info"]).stdout
    cleared = CliRunner().invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
    assert json.loads(CliRunner().invoke(app, ["cache", "info", "--format", "json"]).stdout)["entries"]["repos"] == 0
    with sqlite3.connect(default_cache_dir() / CACHE_FILE_NAME) as check:
        assert check.execute("SELECT x FROM cards_other").fetchall() == [("kept",)]


def test_cache_keys_are_data_not_paths(tmp_path: Path) -> None:
    cache = HubCache(tmp_path)
    cache.put_file("model:x/y", "main", "../../../etc/passwd", "ok", b"data")
    assert cache.get_file("model:x/y", "main", "../../../etc/passwd") is not None
    assert sorted(p.name for p in tmp_path.iterdir())[0].startswith(CACHE_FILE_NAME)
    assert all(p.name.startswith(CACHE_FILE_NAME) for p in tmp_path.iterdir())
    cache.close()
