"""`licaudit run sft`: refusal before any step, a real tiny run, and the round trip through `trace`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from tests.plugins.conftest import write_config

pytest.importorskip("transformers")
RUNNER = CliRunner()


@pytest.fixture
def steps_taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every training step any Trainer takes in this process."""
    from transformers import Trainer

    taken: list[int] = []
    original = Trainer.training_step

    def counting(self, *args, **kwargs):
        taken.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "training_step", counting)
    return taken


def sft_config(tmp_path: Path, base: dict, data: Path, **extra) -> Path:
    config = {
        "base_model": base,
        "datasets": [{"id": "datasets/local/tiny-sft", "path": str(data), "license": "apache-2.0"}],
        "output": {"path": "out", "id": "me/tiny-sft"},
        "max_steps": 3,
        "batch_size": 2,
        **extra,
    }
    return write_config(tmp_path, "sft.yaml", config)


def test_sft_on_a_llama1_derived_base_is_refused_for_commercial_use_and_no_step_runs(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str], steps_taken: list[int]
) -> None:
    config = sft_config(tmp_path, {"id": "huggyllama/llama-7b", "path": str(tiny_gpt2)}, sft_data)
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), "--use", "commercial", *world_args])
    assert result.exit_code == 1, result.output
    assert "REFUSED for commercial use" in result.stdout
    assert "LLaMA" in result.stdout and "forbidden" in result.stdout
    assert steps_taken == []
    assert not (tmp_path / "out").exists()  # nothing started, nothing written


def test_sft_on_an_apache_base_trains_and_trace_of_the_output_gives_the_planned_verdict(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str], steps_taken: list[int]
) -> None:
    config = sft_config(tmp_path, {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)}, sft_data)
    planned = RUNNER.invoke(app, ["run", "sft", "--config", str(config), "--dry-run", "--format", "json", *world_args])
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    assert plan["allowed"] is True and plan["license"]["hub_license"] == "apache-2.0"
    assert not (tmp_path / "out").exists()

    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert len(steps_taken) == 3
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    provenance = json.loads((out / "licaudit-provenance.json").read_text())
    assert provenance["status"] == "complete" and provenance["run"]["steps"] == 3
    assert provenance["artifact"] == {
        "id": "me/tiny-sft", "kind": "model", "name": "me/tiny-sft",
        "license": "Apache-2.0", "hub_license": "apache-2.0", "license_name": None, "restrictions": [],
    }  # fmt: skip
    assert provenance["plan"]["policy_digest"].startswith("sha256:")
    card = (out / "README.md").read_text()
    assert "license: apache-2.0" in card and "base_model: local/tiny-gpt2" in card
    assert "base_model_relation: finetune" in card and "policy_digest: sha256:" in card

    traced = RUNNER.invoke(app, ["trace", str(out), "--format", "json", *world_args])
    assert traced.exit_code == 0, traced.output
    doc = json.loads(traced.stdout)
    assert doc["target"] == "me/tiny-sft"
    assert doc["verdicts"]["commercial"]["verdict"] == plan["verdict"] == provenance["plan"]["verdict"]
    node = next(n for n in doc["nodes"] if n["id"] == "me/tiny-sft")
    assert node["normalised_license"] == "Apache-2.0"
    relations = {(e["parent"], e["relation"]) for e in doc["edges"]}
    assert relations == {("local/tiny-gpt2", "finetune"), ("datasets/local/tiny-sft", "trained_on")}


def test_an_output_folder_holding_a_model_is_refused_unless_overwrite(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str], steps_taken: list[int]
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "config.json").write_text("{}")
    config = sft_config(tmp_path, {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)}, sft_data, max_steps=1)
    refused = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert refused.exit_code == 2
    assert "already holds config.json" in refused.stderr and "--overwrite" in refused.stderr
    assert steps_taken == []
    allowed = RUNNER.invoke(app, ["run", "sft", "--config", str(config), "--overwrite", *world_args])
    assert allowed.exit_code == 0, allowed.output
    assert len(steps_taken) == 1


def test_lora_with_trl_records_an_adapter_relation(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str]
) -> None:
    pytest.importorskip("trl")
    pytest.importorskip("peft")
    config = sft_config(
        tmp_path,
        {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)},
        sft_data,
        method="lora",
        trainer="trl",
        max_steps=2,
        lora={"r": 4, "alpha": 8, "target_modules": ["c_attn"]},
    )
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (out / "adapter_config.json").is_file()
    card = (out / "README.md").read_text()
    assert "base_model_relation: adapter" in card
    provenance = json.loads((out / "licaudit-provenance.json").read_text())
    assert provenance["run"] | {"steps": 2, "trainer": "trl", "method": "lora"} == provenance["run"]


def test_interruption_mid_run_leaves_provenance_saying_incomplete(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from transformers import Trainer

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "training_step", interrupted)
    config = sft_config(tmp_path, {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)}, sft_data)
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert result.exit_code == 3
    assert "incomplete" in result.stderr
    provenance = json.loads((tmp_path / "out" / "licaudit-provenance.json").read_text())
    assert provenance["status"] == "incomplete" and "KeyboardInterrupt" in provenance["status_detail"]
    assert "status: incomplete" in (tmp_path / "out" / "README.md").read_text()
    traced = RUNNER.invoke(app, ["trace", str(tmp_path / "out"), "--format", "json", *world_args])
    findings = json.loads(traced.stdout)["findings"]
    assert any(f["kind"] == "incomplete-run" and "incomplete" in f["message"] for f in findings)


@pytest.mark.parametrize(
    ("base", "needle"),
    [
        ({"id": "nobody/never-heard-of-it", "path": "x"}, "'nobody/never-heard-of-it' is unknown"),
        ({"path": "not-a-folder"}, "is unknown"),
    ],
)
def test_an_unknown_base_model_is_refused(
    tmp_path: Path, sft_data: Path, world_args: list[str], base: dict, needle: str
) -> None:
    config = sft_config(tmp_path, base, sft_data)
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert result.exit_code == 1, result.output
    assert needle in result.stdout
    assert not (tmp_path / "out").exists()


def test_an_unknown_dataset_is_refused_even_when_its_terms_would_not_flow(
    tmp_path: Path, tiny_gpt2: Path, world_args: list[str]
) -> None:
    config = write_config(
        tmp_path,
        "sft.yaml",
        {
            "base_model": {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)},
            "datasets": ["datasets/nobody/mystery"],
            "output": "out",
        },
    )
    result = RUNNER.invoke(
        app, ["run", "sft", "--config", str(config), "--stance", "permissive", "--use", "research", *world_args]
    )
    assert result.exit_code == 1
    assert "'datasets/nobody/mystery' is unknown" in result.stdout


def test_bad_config_is_a_usage_error_naming_the_key(tmp_path: Path, world_args: list[str]) -> None:
    config = write_config(tmp_path, "sft.yaml", {"base_model": "local/tiny-gpt2", "datasets": [], "output": "o"})
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), *world_args])
    assert result.exit_code == 2
    assert "`datasets`" in result.stderr
    unknown_key = write_config(tmp_path, "bad.yaml", {"base_model": "x", "datasets": ["y"], "output": "o", "lr": 1})
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(unknown_key), *world_args])
    assert result.exit_code == 2 and "`lr`: unknown key" in result.stderr


def test_a_policy_file_refuses_a_run_the_verdict_alone_would_allow(
    tmp_path: Path, tiny_gpt2: Path, sft_data: Path, world_args: list[str], steps_taken: list[int]
) -> None:
    config = sft_config(tmp_path, {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)}, sft_data)
    policy = tmp_path / "licaudit.yaml"
    policy.write_text("schema_version: 1\nextends: commercial\nlicenses:\n  deny: [Apache-2.0]\n")
    args = ["run", "sft", "--config", str(config), "--policy", str(policy), "--format", "json", *world_args]
    refused = RUNNER.invoke(app, args)
    assert refused.exit_code == 1, refused.output
    decision = json.loads(refused.stdout)
    assert decision["allowed"] is False
    assert any("license-denied" in reason for reason in decision["refusals"])
    assert steps_taken == [] and not (tmp_path / "out").exists()
    preset = RUNNER.invoke(
        app, ["run", "sft", "--config", str(config), "--policy", "commercial", "--dry-run", *world_args]
    )
    assert preset.exit_code == 0, preset.output
