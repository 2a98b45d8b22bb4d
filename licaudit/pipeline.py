"""The map of licaudit: sources -> lineage -> terms -> verdicts -> one immutable result."""

from __future__ import annotations

from dataclasses import dataclass, field

from licaudit.artifacts import ArtifactId
from licaudit.errors import UnknownArtifactError, UsageError
from licaudit.findings import Finding
from licaudit.knowledge import Knowledge
from licaudit.lineage.build import Resolver, build_lineage
from licaudit.lineage.graph import LineageGraph
from licaudit.policy.declared import declared_vs_effective
from licaudit.policy.verdicts import Verdict, decide
from licaudit.sources.facts import ArtifactFacts
from licaudit.terms.flow_rules import STRICT, Stance
from licaudit.terms.license_findings import license_findings
from licaudit.terms.propagation import propagate_terms


@dataclass(frozen=True)
class TraceSettings:
    uses: tuple[str, ...] = ("commercial", "research")
    stance: Stance = field(default_factory=lambda: STRICT)
    max_depth: int | None = None


@dataclass(frozen=True)
class TraceResult:
    target: ArtifactId
    settings: TraceSettings
    graph: LineageGraph
    verdicts: dict[str, dict[str, Verdict]]  # use -> artifact -> verdict
    findings: tuple[Finding, ...]
    knowledge: Knowledge

    def verdict(self, use: str, artifact: str | None = None) -> Verdict:
        return self.verdicts[use][artifact or self.target]


def trace(target: str, settings: TraceSettings, knowledge: Knowledge, resolve: Resolver | None = None) -> TraceResult:
    unknown_uses = [u for u in settings.uses if u not in knowledge.rules.uses]
    if unknown_uses:
        raise UsageError(f"unknown use(s) {unknown_uses}; known: {sorted(knowledge.rules.uses)}")
    resolve = resolve or registry_resolver(knowledge)
    facts = resolve(ArtifactId(target))
    if facts is None:
        raise UnknownArtifactError(target, knowledge.registry.suggest(target))
    graph, findings = build_lineage(facts, resolve, settings.max_depth)
    verdicts: dict[str, dict[str, Verdict]] = {}
    for use in settings.uses:
        chosen = propagate_terms(graph, knowledge.normaliser, knowledge.rules, use, settings.stance)
        strict = (
            chosen
            if settings.stance == STRICT
            else propagate_terms(graph, knowledge.normaliser, knowledge.rules, use, STRICT)
        )
        verdicts[use] = {a: decide(knowledge.rules, chosen, a, strict) for a in graph.artifacts()}
    findings += license_findings(graph, knowledge.normaliser)
    findings += declared_vs_effective(graph, knowledge.normaliser, knowledge.rules, verdicts)
    ordered = sorted(findings, key=lambda f: (f.severity != "error", f.kind.value, f.artifact, f.message))
    return TraceResult(facts.id, settings, graph, verdicts, tuple(ordered), knowledge)


def registry_resolver(knowledge: Knowledge) -> Resolver:
    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        return knowledge.registry.get(artifact)

    return resolve


def chained_resolver(*resolvers: Resolver) -> Resolver:
    """The first source that knows an artifact answers (registry first: curated beats declared)."""

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        for candidate in resolvers:
            found = candidate(artifact)
            if found is not None:
                return found
        return None

    return resolve
