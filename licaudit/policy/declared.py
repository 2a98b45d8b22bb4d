"""Declared vs effective: a card that claims a license more permissive than its lineage allows."""

from __future__ import annotations

from collections.abc import Callable

from licaudit.artifacts import ArtifactKind
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.lineage.graph import LineageGraph
from licaudit.policy.verdicts import Verdict
from licaudit.terms.catalog import Term
from licaudit.terms.expressions import LicenseNormaliser, expression_terms, render
from licaudit.terms.flow_rules import FlowRules
from licaudit.terms.propagation import terms_effect
from licaudit.terms.vocabulary import Effect


def _judge(rules: FlowRules, use: str) -> Callable[[list[Term]], Effect]:
    return lambda terms: terms_effect(rules, use, terms)


def declared_vs_effective(
    graph: LineageGraph,
    normaliser: LicenseNormaliser,
    rules: FlowRules,
    verdicts: dict[str, dict[str, Verdict]],
) -> list[Finding]:
    findings: list[Finding] = []
    for artifact in graph.artifacts():
        facts = graph.facts(artifact)
        if facts.kind is ArtifactKind.UNRESOLVED:
            continue
        claimed = facts.declared_license or facts.license_expression
        if claimed is None:
            continue
        expr = normaliser.normalise(claimed)
        for use, per_artifact in verdicts.items():
            effective = per_artifact[artifact]
            declared_effect = terms_effect(rules, use, expression_terms(expr, _judge(rules, use)))
            if declared_effect is Effect.UNKNOWN or declared_effect.rank >= effective.verdict.rank:
                continue
            cause = effective.reasons[0].carried if effective.reasons else None
            via = f"; {cause.term.license_id} reaches it via {' -> '.join(cause.path)}" if cause else ""
            findings.append(
                Finding(
                    FindingKind.DECLARED_MORE_PERMISSIVE,
                    Severity.ERROR if effective.verdict is Effect.FORBIDDEN else Severity.WARNING,
                    artifact,
                    f"{artifact} declares {render(expr)} ({declared_effect.value} for {use}) "
                    f"but its lineage makes it {effective.verdict.value}{via}",
                    cause.path if cause else (artifact,),
                )
            )
    return findings
