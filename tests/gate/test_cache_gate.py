"""`licaudit gate --hf-cache`: which of the models and datasets this machine holds may be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from tests.sources.test_hf_cache import MAIN, cached

RUNNER = CliRunner()


def test_every_cached_artifact_is_gated_from_registry_and_cached_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "hub"
    cached(
        cache, "models--huggyllama--llama-7b", {f"{MAIN}/config.json": "{}"}, {"main": MAIN}
    )  # the registry knows it
    cached(cache, "models--someone--apache-tune", {f"{MAIN}/README.md": "---\nlicense: apache-2.0\n---\n# x\n"})
    cached(cache, "datasets--someone--nc-data", {f"{MAIN}/README.md": "---\nlicense: cc-by-nc-4.0\n---\n"})
    cached(cache, "models--someone--no-card", {f"{MAIN}/config.json": "{}"})
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.chdir(tmp_path)
    args = ["gate", "--hf-cache", "--offline", "--policy", "commercial", "--today", "2026-11-22"]
    result = RUNNER.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 1, result.stdout
    report = json.loads(result.stdout)
    statuses = {a["requested"]: a["status"] for a in report["artifacts"]}
    assert statuses == {
        "huggyllama/llama-7b": "failed",
        "someone/apache-tune": "passed",
        "someone/nc-data": "failed",
        "someone/no-card": "unresolved",  # no card cached, offline: unknown, and the gate fails closed
    }
    vias = {r["artifact"]: r["via"] for r in report["references"]}
    assert vias["huggyllama/llama-7b"] == "hf cache main@aaaaaaa"
    text = RUNNER.invoke(app, args).stdout
    assert "models--huggyllama--llama-7b:1:1: error use-forbidden huggyllama/llama-7b: " in text


def test_without_a_cache_the_gate_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "nowhere"))
    result = RUNNER.invoke(app, ["gate", str(tmp_path), "--hf-cache", "--offline"])
    assert result.exit_code == 2 and "no Hugging Face cache at" in result.stderr
