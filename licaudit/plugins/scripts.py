"""Gating from users' own scripts: a plain function over a list of inputs, no config file needed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import LicauditError
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.plugins.api import InputSpec, OutputSpec, PlannedInput, RunPlan
from licaudit.plugins.run_gate import PolicySettings, RunGateResult, explain_decision, gate_plan
from licaudit.terms.flow_rules import STRICT, Reading, Stance

InputLike = str | InputSpec | tuple[str | InputSpec, Relation]


class LicenseGateError(LicauditError):
    """A run was refused before it started; the message carries the explanation."""

    def __init__(self, decision: RunGateResult) -> None:
        self.decision = decision
        lines = [f"licaudit refused this run for {decision.use} use:"]
        lines += [f"  - {refusal}" for refusal in decision.refusals]
        super().__init__("\n".join(lines) + "\n\n" + explain_decision(decision))


def default_relation(kind: ArtifactKind, produces: ArtifactKind) -> Relation:
    match kind:
        case ArtifactKind.MODEL:
            return Relation.FINETUNE if produces is ArtifactKind.MODEL else Relation.GENERATED_BY
        case ArtifactKind.DATASET:
            return Relation.TRAINED_ON if produces is ArtifactKind.MODEL else Relation.DERIVED_FROM
        case ArtifactKind.SERVICE:
            return Relation.GENERATED_BY if produces is ArtifactKind.DATASET else Relation.DISTILLED_FROM
        case ArtifactKind.UNRESOLVED:
            return Relation.DERIVED_FROM
        case _ as unreachable:  # pragma: no cover
            from typing import assert_never

            assert_never(unreachable)


def plan_inputs(
    inputs: Sequence[InputLike], knowledge: Knowledge, produces: ArtifactKind, output: OutputSpec, source: str
) -> RunPlan:
    planned: list[PlannedInput] = []
    for item in inputs:
        relation: Relation | None = None
        if isinstance(item, tuple):
            item, relation = item
        spec = item if isinstance(item, InputSpec) else _spec_for(item, knowledge)
        planned.append(PlannedInput(spec, relation or default_relation(spec.kind, produces)))
    return RunPlan("script", produces, tuple(planned), output, source)


def _spec_for(artifact_id: str, knowledge: Knowledge) -> InputSpec:
    found = knowledge.registry.get(artifact_id)
    kind = found.kind if found is not None else ArtifactKind.UNRESOLVED
    role = {ArtifactKind.MODEL: "base_model", ArtifactKind.SERVICE: "teacher"}.get(kind, "dataset")
    return InputSpec(role=role, kind=kind, id=artifact_id)


def gate_inputs(
    inputs: Sequence[InputLike],
    use: str = "commercial",
    *,
    produces: ArtifactKind = ArtifactKind.MODEL,
    output: Path | str = "output",
    output_id: str | None = None,
    stance: str = "strict",
    policy_file: Path | None = None,
    knowledge: Knowledge | None = None,
    raise_on_refusal: bool = False,
) -> RunGateResult:
    """Decide whether artifacts made from `inputs` may serve `use`. Inputs are ids, `InputSpec`s,
    or (input, relation) pairs; relations default by kind (a model is fine-tuned, a dataset trained on).

    The answer is the gate result every gate returns, under `policy_file` or else the shipped preset
    named like the use, as `licaudit.gate.gate_artifacts` decides: `.allowed`, `.blocking` findings
    (rule, severity, artifact, message, fix), `.refusals` one line each."""
    knowledge = knowledge or load_knowledge()
    settings = PolicySettings(use, STRICT if stance == "strict" else Stance(Reading(stance)), policy_file)
    plan = plan_inputs(inputs, knowledge, produces, OutputSpec(Path(output), output_id), "gate_inputs()")
    decision = gate_plan(plan, settings, knowledge)
    if raise_on_refusal and not decision.allowed:
        raise LicenseGateError(decision)
    return decision
