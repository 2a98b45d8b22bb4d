"""The repository gate reads ids the registry does not know from the Hub (real client, local server)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from licaudit.cli import app
from tests.sources.hub_server import HubServer

RUNNER = CliRunner()


def _repo(tmp_path: Path, model: str) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text(
        f'from transformers import AutoModelForCausalLM\n\nmodel = AutoModelForCausalLM.from_pretrained("{model}")\n'
    )
    return root


def test_gate_follows_a_hub_only_model_to_its_llama_base(hub: HubServer, tmp_path: Path) -> None:
    hub.model("someone/llama-chat", "---\nlicense: apache-2.0\nbase_model: huggyllama/llama-7b\n---\n# chat\n")
    root = _repo(tmp_path, "someone/llama-chat")
    result = RUNNER.invoke(app, ["gate", str(root), "--policy", "commercial", "--format", "sarif"])
    assert result.exit_code == 1, result.stderr
    sarif = json.loads(result.stdout)
    forbidden = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "licaudit/use-forbidden"]
    assert forbidden and "LicenseRef-LLaMA-1-Research" in forbidden[0]["message"]["text"]
    region = forbidden[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "train.py" and region["region"]["startLine"] == 3
    assert hub.requests("/api/models/someone/llama-chat")


def test_gate_offline_never_asks_the_hub(hub: HubServer, tmp_path: Path) -> None:
    hub.model("someone/llama-chat", "---\nlicense: apache-2.0\nbase_model: huggyllama/llama-7b\n---\n")
    root = _repo(tmp_path, "someone/llama-chat")
    result = RUNNER.invoke(app, ["gate", str(root), "--policy", "commercial", "--offline", "--format", "json"])
    assert result.exit_code in (1, 3), result.stderr  # unknown fails closed; never passes
    assert hub.requests() == []
