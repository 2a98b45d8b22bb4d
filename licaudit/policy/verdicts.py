"""Verdicts: what an artifact's effective terms mean for one intended use, and why."""

from __future__ import annotations

from dataclasses import dataclass

from licaudit.artifacts import ArtifactId
from licaudit.terms.flow_rules import FlowRules
from licaudit.terms.propagation import CarriedTerm, Propagation
from licaudit.terms.vocabulary import Effect, Scope


@dataclass(frozen=True)
class Reason:
    """One term that shapes the verdict, with its effect and the path that brought it."""

    carried: CarriedTerm
    effect: Effect


@dataclass(frozen=True)
class Verdict:
    use: str
    verdict: Effect
    reasons: tuple[Reason, ...]  # the terms that set the verdict (worst effect)
    conditions: tuple[Reason, ...]  # every conditional term, met or not
    duties: tuple[Reason, ...]  # attribution and notice duties
    risks: tuple[Reason, ...]  # contested terms that did not flow under this stance


def decide(
    rules: FlowRules, propagation: Propagation, artifact: ArtifactId, strict: Propagation | None = None
) -> Verdict:
    use = propagation.use
    judged = [_judge(rules, use, c) for c in propagation.terms(artifact, Scope.ARTIFACT)]
    judged.sort(key=_order)
    verdict = Effect.worst([r.effect for r in judged])
    reasons = tuple(r for r in judged if r.effect is verdict and verdict is not Effect.ALLOWED)
    conditions = tuple(r for r in judged if r.effect is Effect.CONDITIONAL)
    duties = tuple(r for r in judged if r.effect is Effect.ALLOWED)
    risks: tuple[Reason, ...] = ()
    if strict is not None and strict is not propagation:
        present = set(propagation.effective[artifact])
        missing = [c for k, c in strict.effective[artifact].items() if k not in present and c.scope is Scope.ARTIFACT]
        risks = tuple(sorted((_judge(rules, use, c) for c in missing), key=_order))
    return Verdict(use, verdict, reasons, conditions, duties, risks)


def _judge(rules: FlowRules, use: str, carried: CarriedTerm) -> Reason:
    term = carried.term
    return Reason(carried, rules.effect(use, term.kind, term.override_for(use)))


def _order(reason: Reason) -> tuple[int, int, str, str]:
    return (-reason.effect.rank, len(reason.carried.path), reason.carried.term.license_id, reason.carried.term.id)
