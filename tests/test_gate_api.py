"""The plain Python API (`gate_artifacts`) and the resolver extension point: unreachable means incomplete."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from licaudit import gate as gate_module
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


def test_the_cli_exits_3_when_a_source_is_unreachable(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    knowledge = load_knowledge()
    monkeypatch.setattr(gate_module, "registry_resolver", lambda k: unreachable_for(k, "org/on-the-hub"))
    (tmp_path / "train.py").write_text('AutoModel.from_pretrained("org/on-the-hub")\n')
    del knowledge
    result = CliRunner().invoke(app, ["gate", str(tmp_path), "--today", "2026-11-22", "--format", "json"])
    assert result.exit_code == 3, result.stdout
    assert '"status": "incomplete"' in result.stdout
