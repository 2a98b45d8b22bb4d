"""Every gate returns one result type, and the two Python APIs give the same answer to the same question."""

from __future__ import annotations

import pytest

from licaudit.gate import GateResult, gate_artifacts
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.plugins.run_gate import GateDecision, RunGateResult
from licaudit.plugins.scripts import gate_inputs


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


CASES = [
    (["huggyllama/llama-7b"], "commercial"),
    (["huggyllama/llama-7b"], "research"),
    (["tatsu-lab/alpaca-7b-wdiff"], "commercial"),
    (["databricks/dolly-v2-12b"], "commercial"),
    (["bigscience/bloom-560m"], "commercial"),
]


@pytest.mark.parametrize(("ids", "use"), CASES)
def test_the_run_gate_and_the_artifacts_gate_agree(ids: list[str], use: str, knowledge: Knowledge) -> None:
    run = gate_inputs(ids, use, knowledge=knowledge)
    listed = gate_artifacts(ids, use=use, knowledge=knowledge)
    assert isinstance(run, GateResult) and run.kind == "run"
    assert run.allowed == listed.passed
    # The same causes: the rules that block, whichever artifact (the input or the planned output) carries them.
    assert {f.rule for f in run.blocking} == {f.rule for f in listed.blocking}


def test_a_refusal_is_a_finding_with_its_fields_and_no_cause_is_repeated(knowledge: Knowledge) -> None:
    run = gate_inputs(["huggyllama/llama-7b"], "commercial", knowledge=knowledge)
    assert not run.allowed and run.refusals
    assert run.refusals == tuple(f"{f.rule}: {f.message}" for f in run.blocking)
    for finding in run.blocking:
        assert finding.rule and finding.severity and finding.artifact and finding.message and finding.fix
    causes = [(f.rule, f.message) for f in run.findings]
    assert len(causes) == len(set(causes))
    # Before one gate result, the verdict refusal repeated what the policy's findings said.
    assert not any("the output would be" in refusal for refusal in run.refusals)


def test_an_unknown_input_is_refused_as_an_unresolved_artifact(knowledge: Knowledge) -> None:
    run = gate_inputs(["datasets/nobody/mystery"], "research", knowledge=knowledge)
    assert not run.allowed
    unresolved = [f for f in run.blocking if f.rule == "unresolved-artifact"]
    assert [f.artifact for f in unresolved] == ["datasets/nobody/mystery"]
    assert unresolved[0].fix


def test_the_old_name_still_reads_the_same_result() -> None:
    assert GateDecision is RunGateResult and issubclass(GateDecision, GateResult)
