"""The map of licaudit: sources -> lineage -> terms -> verdicts -> one immutable result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from licaudit.artifacts import ArtifactId
from licaudit.errors import SourceUnreachableError, UnknownArtifactError, UsageError
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.knowledge import Knowledge
from licaudit.lineage.build import Resolver, build_lineage
from licaudit.lineage.fan_out import TraceBudget
from licaudit.lineage.graph import LineageGraph
from licaudit.policy.declared import declared_vs_effective
from licaudit.policy.verdicts import Verdict, decide
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.hub.settings import HubSettings
from licaudit.terms.flow_rules import STRICT, Stance
from licaudit.terms.license_findings import license_findings
from licaudit.terms.propagation import Propagator

if TYPE_CHECKING:  # the crawl machinery is imported only when a trace needs it
    from licaudit.lineage.crawl import Crawl, ProgressCallback
    from licaudit.sources.resolution import LayeredSource


@dataclass(frozen=True)
class TraceSettings:
    uses: tuple[str, ...] = ("commercial", "research")
    stance: Stance = field(default_factory=lambda: STRICT)
    max_depth: int | None = None
    hub: HubSettings | None = None  # None: the registry alone, never the network
    descendants: int = 0  # list up to this many children the Hub knows
    budget: TraceBudget = field(default_factory=TraceBudget)  # parents per artifact, artifacts, seconds


@dataclass(frozen=True)
class Descendant:
    id: str
    relation: str


@dataclass(frozen=True)
class TraceResult:
    target: ArtifactId
    settings: TraceSettings
    graph: LineageGraph
    verdicts: dict[str, dict[str, Verdict]]  # use -> artifact -> verdict
    findings: tuple[Finding, ...]
    knowledge: Knowledge
    descendants: tuple[Descendant, ...] = ()
    incomplete: bool = False  # a source was unreachable: a re-run resumes from the cache

    def verdict(self, use: str, artifact: str | None = None) -> Verdict:
        return self.verdicts[use][artifact or self.target]


def trace(
    target: str,
    settings: TraceSettings,
    knowledge: Knowledge,
    resolve: Resolver | None = None,
    progress: ProgressCallback | None = None,
    source: LayeredSource | None = None,
) -> TraceResult:
    """Trace `target` and decide its verdicts. Ancestors come from `resolve`, else (with Hub
    settings) from `source`, the command run's open source, else the registry alone. Without a
    source, a trace that must reach the Hub opens one for its own duration and closes it."""
    unknown_uses = [u for u in settings.uses if u not in knowledge.rules.uses]
    if unknown_uses:
        raise UsageError(f"unknown use(s) {unknown_uses}; known: {sorted(knowledge.rules.uses)}")
    crawl: Crawl | None = None
    descendants: tuple[Descendant, ...] = ()
    incomplete = False
    if resolve is None and settings.hub is not None and _needs_crawl(target, settings, settings.hub, knowledge):
        crawl, descendants, incomplete = _crawl_hub(target, settings, settings.hub, knowledge, progress, source)
        resolve = crawl.resolve
    layered: list[Finding] = []  # what the layer below the registry said of the parents it answered
    close: Callable[[], None] | None = None
    if resolve is None and settings.hub is not None:
        resolve, close = _registry_then_layers(knowledge, settings.hub, layered, source)
    resolve = resolve or registry_resolver(knowledge)
    try:
        facts = resolve(ArtifactId(target)) if crawl is None else crawl.target.facts
        if facts is None:
            if crawl is not None and crawl.target.unreachable:
                raise SourceUnreachableError(target, crawl.target.unreachable)
            suggestions = list(crawl.target.suggestions) if crawl is not None else []
            raise UnknownArtifactError(target, suggestions or knowledge.registry.suggest(target))
        graph, findings = build_lineage(facts, resolve, settings.max_depth, settings.budget.max_parents)
    finally:
        if close is not None:
            close()
    findings += crawl.findings() if crawl is not None else []
    findings += layered
    verdicts: dict[str, dict[str, Verdict]] = {}
    propagator = Propagator(graph, knowledge.normaliser, knowledge.rules)
    for use in settings.uses:
        chosen = propagator.propagate(use, settings.stance)
        strict = chosen if settings.stance == STRICT else propagator.propagate(use, STRICT)
        verdicts[use] = {a: decide(knowledge.rules, chosen, a, strict) for a in graph.artifacts()}
    findings += license_findings(graph, knowledge.normaliser)
    findings += declared_vs_effective(graph, knowledge.normaliser, knowledge.rules, verdicts)
    ordered = sorted(findings, key=lambda f: (f.severity != "error", f.kind.value, f.artifact, f.message))
    return TraceResult(facts.id, settings, graph, verdicts, tuple(ordered), knowledge, descendants, incomplete)


def _registry_then_layers(
    knowledge: Knowledge, hub: HubSettings, findings: list[Finding], source: LayeredSource | None
) -> tuple[Resolver, Callable[[], None]]:
    """A registry trace: the registry, then the imported Data Provenance Collection for a parent the
    registry misses (through the command's source, else one opened only then: a registry that knows
    every ancestor costs nothing more); never the network."""
    opened: list[LayeredSource] = [source.for_target(use_hub=False)] if source is not None else []

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        curated = knowledge.registry.get(artifact)
        if curated is not None:
            return curated
        if not opened:
            from licaudit.sources.resolution import open_source
            from licaudit.terms.identify import CatalogIdentifier

            opened.append(open_source(knowledge.registry, hub, CatalogIdentifier(knowledge.catalog), use_hub=False))
        found = opened[0].lookup(artifact)
        findings.extend(f for f in found.findings if f not in findings)
        return found.facts

    def close() -> None:
        if source is None:  # the command closes its own
            for own in opened:
                own.close()

    return resolve, close


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


def _needs_crawl(target: str, settings: TraceSettings, hub: HubSettings, knowledge: Knowledge) -> bool:
    """A registry target with no card check and no descendants asked for is traced from the
    registry alone (the crawl would answer exactly the same), without loading the Hub client."""
    return hub.check_cards or settings.descendants > 0 or knowledge.registry.get(target) is None


def _crawl_hub(
    target: str,
    settings: TraceSettings,
    hub: HubSettings,
    knowledge: Knowledge,
    progress: ProgressCallback | None,
    source: LayeredSource | None,
) -> tuple[Crawl, tuple[Descendant, ...], bool]:
    """Ancestors through the registry, local folders and the Hub (via the cache); a registry target
    is traced from the registry alone unless cards are checked, so it never needs the network."""
    from licaudit.artifact_ref import is_local_folder
    from licaudit.sources.resolution import open_source
    from licaudit.terms.identify import CatalogIdentifier

    use_hub = hub.check_cards or is_local_folder(target) or knowledge.registry.get(target) is None
    if source is not None:
        return _crawl(target, settings, source.for_target(use_hub), progress)
    with open_source(
        knowledge.registry, hub, CatalogIdentifier(knowledge.catalog, knowledge.normaliser), use_hub
    ) as own:
        return _crawl(target, settings, own, progress)


def _crawl(
    target: str, settings: TraceSettings, source: LayeredSource, progress: ProgressCallback | None
) -> tuple[Crawl, tuple[Descendant, ...], bool]:
    from licaudit.lineage.crawl import crawl_ancestors

    workers = settings.hub.workers if settings.hub is not None else 1
    crawl = crawl_ancestors(ArtifactId(target), source, settings.max_depth, workers, progress, settings.budget)
    incomplete = crawl.incomplete
    found: tuple[Descendant, ...] = ()
    if settings.descendants and crawl.target.facts is not None:
        children = source.descendants(crawl.target.facts.id, settings.descendants)
        if children is None:
            incomplete = True
            message = "the Hub did not answer the descendants query; re-run to resume"
            crawl.target = replace(
                crawl.target,
                findings=(
                    *crawl.target.findings,
                    Finding(FindingKind.UNREACHABLE, Severity.ERROR, crawl.target.facts.id, message),
                ),
            )
        found = tuple(Descendant(child, relation) for child, relation in children or [])
    return crawl, found, incomplete
