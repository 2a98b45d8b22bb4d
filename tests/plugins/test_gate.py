"""The gate as a plain function: decisions, computed licenses, the policy digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import UsageError
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.plugins.api import InputSpec
from licaudit.plugins.run_gate import PolicySettings
from licaudit.plugins.scripts import LicenseGateError, gate_inputs
from licaudit.terms.flow_rules import STRICT, Reading, Stance

PERMISSIVE = Stance(Reading.PERMISSIVE)


@pytest.fixture
def knowledge(world_dirs: tuple[Path, Path]) -> Knowledge:
    return load_knowledge(*world_dirs)


def test_llama1_base_is_refused_for_commercial_and_allowed_for_research(knowledge: Knowledge) -> None:
    commercial = gate_inputs(["huggyllama/llama-7b"], "commercial", knowledge=knowledge)
    assert not commercial.allowed and commercial.verdict.verdict.value == "forbidden"
    assert commercial.license.hub_license == "other"
    research = gate_inputs(["huggyllama/llama-7b"], "research", knowledge=knowledge)
    assert research.allowed
    with pytest.raises(LicenseGateError, match="refused this run for commercial use"):
        gate_inputs(["huggyllama/llama-7b"], knowledge=knowledge, raise_on_refusal=True)


def test_unknown_inputs_are_refused_under_any_stance(knowledge: Knowledge) -> None:
    decision = gate_inputs(
        ["local/tiny-gpt2", "datasets/nobody/mystery"], "research", stance="permissive", knowledge=knowledge
    )
    assert not decision.allowed
    assert any("datasets/nobody/mystery" in r and "unknown" in r for r in decision.refusals)


def test_computed_license_maps_one_license_to_its_hub_id_and_several_to_other(knowledge: Knowledge) -> None:
    one = gate_inputs(["local/tiny-gpt2"], knowledge=knowledge)
    assert (one.license.expression, one.license.hub_license, one.license.license_name) == (
        "Apache-2.0",
        "apache-2.0",
        None,
    )
    several = gate_inputs(
        ["local/tiny-gpt2", ("datasets/local/tiny-nc-eval", Relation.TRAINED_ON)], "research", knowledge=knowledge
    )
    assert several.license.ids == ("Apache-2.0", "CC-BY-NC-4.0")
    assert several.license.hub_license == "other" and several.license.license_name == "apache-2.0-and-cc-by-nc-4.0"
    # Under the permissive stance the dataset's terms do not bind the weights: not in the license either.
    relaxed = gate_inputs(
        ["local/tiny-gpt2", "datasets/local/tiny-nc-eval"], "commercial", stance="permissive", knowledge=knowledge
    )
    assert relaxed.allowed and relaxed.license.ids == ("Apache-2.0",)
    assert relaxed.verdict.risks  # the contested NC term is still reported


def test_declared_local_inputs_and_their_evidence(knowledge: Knowledge) -> None:
    spec = InputSpec("dataset", ArtifactKind.DATASET, id="datasets/me/own", path=Path("own.jsonl"), license="mit")
    decision = gate_inputs(["local/tiny-gpt2", spec], knowledge=knowledge)
    assert decision.allowed
    facts = next(i.facts for i in decision.inputs if i.planned.spec is spec)
    assert facts is not None and facts.license_evidence[0].origin.value == "declared"


def test_policy_digest_is_stable_and_changes_with_the_settings(tmp_path: Path) -> None:
    assert PolicySettings("commercial", STRICT).digest() == PolicySettings("commercial", STRICT).digest()
    assert PolicySettings("commercial", STRICT).digest() != PolicySettings("research", STRICT).digest()
    assert PolicySettings("commercial", STRICT).digest() != PolicySettings("commercial", PERMISSIVE).digest()
    policy = tmp_path / "licaudit.yaml"
    policy.write_text("use: commercial\n")
    with_file = PolicySettings("commercial", STRICT, policy).digest()
    policy.write_text("use: research\n")
    assert with_file != PolicySettings("commercial", STRICT, policy).digest()


def test_a_policy_file_refuses_what_the_verdict_alone_allows_and_a_waiver_lets_it_pass(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    assert gate_inputs(["local/tiny-gpt2"], knowledge=knowledge).allowed
    policy = tmp_path / "licaudit.yaml"
    policy.write_text("schema_version: 1\nextends: commercial\nlicenses:\n  deny: [Apache-2.0]\n")
    refused = gate_inputs(["local/tiny-gpt2"], policy_file=policy, knowledge=knowledge)
    assert not refused.allowed
    assert any(r.startswith("license-denied") and "Apache-2.0" in r for r in refused.refusals)
    policy.write_text(
        "schema_version: 1\nextends: commercial\nlicenses:\n  deny: [Apache-2.0]\nwaivers:\n"
        "  - artifact: 'local/*'\n    finding: license-denied\n    reason: legal-approved\n"
        "    justification: reviewed by counsel\n    approved_by: legal@example.org\n"
        "    approved: 2026-01-01\n    expires: 2099-01-01\n"
    )
    assert gate_inputs(["local/tiny-gpt2"], policy_file=policy, knowledge=knowledge).allowed


def test_a_preset_name_works_as_the_policy(knowledge: Knowledge) -> None:
    assert gate_inputs(["local/tiny-gpt2"], policy_file=Path("commercial"), knowledge=knowledge).allowed
    assert not gate_inputs(["huggyllama/llama-7b"], policy_file=Path("commercial"), knowledge=knowledge).allowed


def test_an_unknown_use_is_a_usage_error(knowledge: Knowledge) -> None:
    with pytest.raises(UsageError, match="unknown use"):
        gate_inputs(["local/tiny-gpt2"], "world-domination", knowledge=knowledge)


def test_an_earlier_runs_output_feeds_the_next_run_with_its_recorded_inputs(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    import json

    generated = tmp_path / "generated"
    generated.mkdir()
    (generated / "licaudit-provenance.json").write_text(
        json.dumps(
            {
                "schema_version": 1,
                "status": "complete",
                "artifact": {"id": "datasets/me/generated", "kind": "dataset", "license": "MIT AND CC-BY-NC-4.0"},
                "inputs": [
                    {"role": "seed_tasks", "id": "datasets/me/own-seeds", "kind": "dataset",
                     "relation": "derived_from", "license": "cc-by-nc-4.0"},
                    {"role": "teacher", "id": "services/openai/gpt-4", "kind": "service", "relation": "generated_by"},
                ],
            }
        )
    )  # fmt: skip
    spec = InputSpec("dataset", ArtifactKind.DATASET, path=generated)
    decision = gate_inputs(["local/tiny-gpt2", spec], "commercial", knowledge=knowledge)
    assert decision.result.graph.facts("datasets/me/own-seeds").license_expression == "cc-by-nc-4.0"  # type: ignore[arg-type]
    assert "services/openai/gpt-4" in decision.result.graph
    assert not decision.allowed and decision.verdict.verdict.value == "forbidden"
