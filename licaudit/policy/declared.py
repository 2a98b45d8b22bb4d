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
    """One finding per artifact whose claimed license allows more, for some use, than its lineage.

    An effective `unknown` is left to the unknown-license findings: the claim is not shown wrong,
    only unprovable.
    """
    findings: list[Finding] = []
    for artifact in graph.artifacts():
        facts = graph.facts(artifact)
        claimed = facts.declared_license or facts.license_expression
        if facts.kind is ArtifactKind.UNRESOLVED or claimed is None:
            continue
        expr = normaliser.normalise(claimed)
        gaps: list[tuple[str, Effect, Verdict]] = []
        for use, per_artifact in verdicts.items():
            effective = per_artifact[artifact]
            declared_effect = terms_effect(rules, use, expression_terms(expr, _judge(rules, use)))
            if Effect.UNKNOWN in (declared_effect, effective.verdict):
                continue
            if declared_effect.rank < effective.verdict.rank:
                gaps.append((use, declared_effect, effective))
        if not gaps:
            continue
        claims = ", ".join(f"{declared.value} for {use}" for use, declared, _ in gaps)
        actual = ", ".join(f"{effective.verdict.value} for {use}" for use, _, effective in gaps)
        worst = max((effective for _, _, effective in gaps), key=lambda v: v.verdict.rank)
        cause = worst.reasons[0].carried if worst.reasons else None
        via = f"; {cause.term.license_id} reaches it via {' -> '.join(cause.path)}" if cause else ""
        findings.append(
            Finding(
                FindingKind.DECLARED_MORE_PERMISSIVE,
                Severity.ERROR if worst.verdict is Effect.FORBIDDEN else Severity.WARNING,
                artifact,
                f"{artifact} declares {render(expr)} ({claims}) but its lineage makes it {actual}{via}",
                cause.path if cause else (artifact,),
            )
        )
    return findings
