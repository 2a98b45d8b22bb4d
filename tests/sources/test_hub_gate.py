"""The repository gate reads ids the registry does not know from the Hub (real client, local server)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.gate import default_today
from licaudit.knowledge import Knowledge
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


def test_one_source_serves_a_whole_gate_and_is_closed_once(hub: HubServer, tmp_path: Path, shipped: Knowledge) -> None:
    """Gating N Hub-only artifacts opens the Hub client once (it used to open a source per artifact)."""
    from licaudit.gate import gate_repository
    from licaudit.policy.policy_file import load_policy
    from licaudit.shipped import shipped_folder
    from licaudit.sources.resolution import LayeredSource, _open_hub
    from licaudit.terms.identify import CatalogIdentifier
    from tests.sources.conftest import fast_settings

    names = [f"someone/model-{i}" for i in range(3)]
    for name in names:
        hub.model(name, "---\nlicense: mit\nbase_model: gpt2\n---\n")
    root = tmp_path / "repo"
    root.mkdir()
    calls = "".join(f'AutoModel.from_pretrained("{name}")\n' for name in names)
    (root / "train.py").write_text("from transformers import AutoModel\n" + calls)
    settings = fast_settings(cache_dir=str(tmp_path / "cache"))
    opened: list[object] = []

    def open_hub() -> object:
        client = _open_hub(settings)  # the real client and cache, counted
        opened.append(client)
        return client

    policy = load_policy("research", shipped, default_today(), shipped_folder("rules"))
    with LayeredSource(shipped.registry, CatalogIdentifier(shipped.catalog), open_hub) as source:  # type: ignore[arg-type]
        result = gate_repository(root, policy, shipped, hub=settings, source=source)
    assert len(opened) == 1
    assert {a.id for a in result.artifacts} == set(names)
    assert all(hub.requests(f"/api/models/{name}") for name in names)
