"""The plain Python API (`gate_artifacts`) and the resolver extension point: unreachable means incomplete."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.artifacts import ArtifactId
from licaudit.cli import app
from licaudit.errors import SourceUnreachableError
from licaudit.gate import ArtifactStatus, GateStatus, gate_artifacts
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.lineage.build import Resolver
from licaudit.pipeline import registry_resolver
from licaudit.sources.facts import ArtifactFacts

TODAY = dt.date(2026, 11, 22)


def test_gate_artifacts_for_a_training_run() -> None:
    passed = gate_artifacts(["mistralai/Mistral-7B-v0.1"], use="commercial", today=TODAY)
    assert passed.status is GateStatus.PASSED and passed.passed
    failed = gate_artifacts(["mistralai/Mistral-7B-v0.1", "huggyllama/llama-7b"], use="commercial", today=TODAY)
    assert failed.status is GateStatus.FAILED
    assert [a.status for a in failed.artifacts] == [ArtifactStatus.FAILED, ArtifactStatus.PASSED]
    blocking = failed.blocking[0]
    assert blocking.artifact == "huggyllama/llama-7b" and blocking.locations[0].file == "<arguments>"
    assert blocking.locations[0].line == 2
    research = gate_artifacts(["huggyllama/llama-7b"], use="research", today=TODAY)
    assert research.passed


def unreachable_for(knowledge: Knowledge, down: str) -> Resolver:
    registry = registry_resolver(knowledge)

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        if artifact == down:
            raise SourceUnreachableError(artifact, "connection timed out after 3 retries")
        return registry(artifact)

    return resolve


def test_an_unreachable_source_makes_the_result_incomplete() -> None:
    knowledge = load_knowledge()
    result = gate_artifacts(
        ["mistralai/Mistral-7B-v0.1", "org/on-the-hub"],
        knowledge=knowledge,
        today=TODAY,
        resolve=unreachable_for(knowledge, "org/on-the-hub"),
    )
    assert result.status is GateStatus.INCOMPLETE
    assert [f.kind.value for f in result.findings] == ["unreachable"]


def test_the_cli_exits_3_when_a_source_is_unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Hub client against a port nobody listens on: the gate says incomplete, not passed."""
    from functools import partial

    from huggingface_hub import constants

    import licaudit.sources.hub.settings as hub_settings

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    quick = partial(
        hub_settings.HubSettings, endpoint="http://127.0.0.1:9", retries=0, timeout=0.5, requests_per_second=0
    )
    monkeypatch.setattr(hub_settings, "HubSettings", quick)
    (tmp_path / "train.py").write_text('AutoModel.from_pretrained("org/on-the-hub")\n')
    result = CliRunner().invoke(app, ["gate", str(tmp_path), "--today", "2026-11-22", "--format", "json"])
    assert result.exit_code == 3, result.stdout
    assert '"status": "incomplete"' in result.stdout
