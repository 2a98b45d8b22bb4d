"""Every transport failure the misbehaving Hub produces: exit 3 (2 for a malformed endpoint), a
JSON document on stdout with `--format json`, no traceback, and no retry where none can help."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from tests.sources.misbehaving_hub import SCENARIOS, TARGET, MisbehavingHub, Scenario, run_cli_against

FAST = {"timeout": 1.0, "retries": 1}  # short, for the hang; the server answers the rest at once


def run_in_this_process(scenario: Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """The CLI in this process (no interpreter start-up) against the scenario: the same row."""
    from huggingface_hub import constants

    hub = MisbehavingHub().start()
    hub.model(TARGET, "---\nlicense: mit\n---\n")
    try:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
        for name, value in scenario.apply(hub, TARGET).items():
            monkeypatch.setenv(name, value)
        argv = [
            "trace",
            TARGET,
            "--format",
            "json",
            "--timeout",
            str(FAST["timeout"]),
            "--retries",
            str(FAST["retries"]),
        ]
        started = time.perf_counter()
        result = CliRunner().invoke(app, argv)
        seconds = time.perf_counter() - started
    finally:
        hub.stop()
    return {
        "exit": result.exit_code,
        "seconds": seconds,
        "traceback": result.exception is not None and not isinstance(result.exception, SystemExit),
        "document": json.loads(result.stdout) if result.stdout.strip() else None,
        "stderr": result.stderr,
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_each_transport_fault_ends_with_its_exit_code_and_a_json_document(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if scenario.own_process:
        row = run_cli_against(scenario, "json", **FAST)  # type: ignore[arg-type]
    else:
        row = run_in_this_process(scenario, monkeypatch, tmp_path)
    assert row["exit"] == scenario.expected_exit, row
    assert not row["traceback"], row
    document = row["document"]
    assert isinstance(document, dict), row
    assert document["target"] == "fault/target" and document["incomplete"] is True
    kind = "usage" if scenario.expected_exit == 2 else "unreachable-source"
    assert document["error"]["kind"] == kind, document
    assert document["error"]["message"] and document["schema_version"]
    assert float(row["seconds"]) < 20, row  # `hang`: two 1 s timeouts and a backoff, never the 30 s hang


def test_a_redirect_loop_is_followed_once_not_retried() -> None:
    loop = next(s for s in SCENARIOS if s.name == "redirect loop")
    row = run_cli_against(loop, "text", timeout=5.0, retries=3)
    assert row["exit"] == 3 and not row["traceback"], row
    assert row["requests"] == 21, row  # one request and its 20 redirects; a retry would double it
    assert "redirect loop" in str(row["stderr"])


def test_a_500_is_retried() -> None:
    down = next(s for s in SCENARIOS if s.name == "HTTP 500 forever")
    row = run_cli_against(down, "text", timeout=5.0, retries=2)
    assert row["exit"] == 3 and row["requests"] == 3, row


def test_a_400_is_not_retried() -> None:
    bad = next(s for s in SCENARIOS if s.name == "HTTP 400 (not retried)")
    row = run_cli_against(bad, "text", timeout=5.0, retries=3)
    assert row["exit"] == 3 and row["requests"] == 1, row
