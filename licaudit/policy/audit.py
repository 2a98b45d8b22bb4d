"""The whole-Hub audit: license laundering ranked by downloads, counts by family and verdict, unknowns.

Laundering is `declared_vs_effective` at scale for one use: an artifact whose own card license,
judged alone, is better for the use than what its lineage makes it (an effective `unknown` is
counted among the unknowns instead). The graph is every imported artifact plus
the curated registry and the imported Data Provenance Collection; a registry record replaces the card
facts of the same artifact, and a DPI annotation the card facts of one the registry does not know, as
in `trace` (registry > DPI > card).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import UsageError
from licaudit.knowledge import Knowledge
from licaudit.lineage.compact import UNRESOLVED_CODE, CompactGraph, build_compact_graph
from licaudit.sources.dumps.store import DumpStore
from licaudit.sources.facts import ArtifactFacts

if TYPE_CHECKING:
    from licaudit.sources.dpi.layer import CollectionLayer
from licaudit.terms.bulk_propagation import EFFECTS, BulkPropagation, propagate_bulk
from licaudit.terms.expressions import leaves
from licaudit.terms.flow_rules import STRICT, Stance
from licaudit.terms.vocabulary import Effect


@dataclass(frozen=True)
class AuditSettings:
    use: str = "commercial"
    stance: Stance = field(default_factory=lambda: STRICT)
    downstream_of: str | None = None
    limit: int = 100  # laundering cases and descendants listed (all are counted); 0 lists all


@dataclass(frozen=True)
class LaunderingCase:
    id: str
    kind: ArtifactKind
    downloads: int
    declared_license: str
    declared_effect: Effect
    effective: Effect
    severity: str
    license_id: str | None  # the license whose term sets the effective verdict
    term_id: str | None
    summary: str | None
    path: tuple[str, ...]  # origin first, this artifact last
    relations: tuple[Relation, ...]
    contested: bool


@dataclass(frozen=True)
class ListedArtifact:
    id: str
    kind: ArtifactKind
    downloads: int
    license: str | None
    verdict: Effect


@dataclass(frozen=True)
class Unknowns:
    missing_license: int
    unrecognised_license: int
    placeholder_license: int  # `other`, `unknown`: a license that names no terms
    unresolved_parents: int
    effective_unknown: int
    card_errors: int
    top_unrecognised: tuple[tuple[str, int], ...]
    top_unresolved: tuple[tuple[str, int], ...]  # parent id, number of children naming it


@dataclass(frozen=True)
class AuditResult:
    use: str
    stance: str
    scope: str | None  # what --downstream-of named, resolved
    artifacts: int
    edges: int
    verdicts: dict[Effect, int]
    families: dict[str, dict[Effect, int]]
    laundering_total: int
    laundering_errors: int
    laundering: tuple[LaunderingCase, ...]
    downstream_total: int
    downstream: tuple[ListedArtifact, ...]
    unknowns: Unknowns
    seconds: dict[str, float]


def load_audit_graph(store: DumpStore, knowledge: Knowledge, collection: CollectionLayer | None = None) -> CompactGraph:
    """Every imported artifact, every registry record and every artifact of the imported collection:
    registry first, then DPI, then the cards (curated beats declared)."""
    registry = knowledge.registry
    downloads: dict[str, int] = {}
    # DPI's artifacts the registry does not know, by id in lower case; the card license beside each
    annotated: dict[str, tuple[ArtifactFacts, str | None]] = {}
    if collection is not None:
        for found in collection.all_artifacts():
            if registry.get(found.facts.id) is None:
                annotated[found.facts.id.lower()] = (found.facts, found.recorded_card)

    def curated(artifact: str, kind: str) -> str | None:
        record = registry.get(artifact)
        return record.id if record is not None and record.kind.value == kind else None

    replaced: set[str] = set()  # dump rows a registry record replaces: their card edges do not apply

    def nodes() -> Iterator[tuple[str, str, int, str | None, str | None]]:
        for artifact, kind, count, license_ in store.nodes():
            canonical = curated(artifact, kind)
            if canonical is not None:
                downloads[canonical] = downloads.get(canonical, 0) + count
                replaced.add(artifact)
                continue
            layer = annotated.get(artifact.lower()) if annotated else None
            if layer is not None:
                facts, _ = layer
                downloads[facts.id] = downloads.get(facts.id, 0) + count
                if license_ is not None:  # the card itself beats the card as DPI recorded it
                    annotated[artifact.lower()] = (facts, license_)
                replaced.add(artifact)
                continue
            yield artifact, kind, count, license_, license_
        for record in registry.records.values():
            declared = record.declared_license or record.license_expression
            yield record.id, record.kind.value, downloads.get(record.id, 0), record.license_expression, declared
        for facts, card in annotated.values():
            count = downloads.get(facts.id, 0)
            yield facts.id, facts.kind.value, count, facts.license_expression, card or facts.license_expression

    def edges() -> Iterator[tuple[str, str, str]]:
        for child, parent, relation in store.edges():
            if child not in replaced:
                yield child, parent, relation
        for record in registry.records.values():
            for link in record.parents:
                yield record.id, link.parent, link.relation.value
        for facts, _ in annotated.values():
            for link in facts.parents:
                yield facts.id, link.parent, link.relation.value

    def resolve_alias(name: str) -> str | None:
        record = registry.get(name)
        return record.id if record is not None else None

    return build_compact_graph(nodes(), edges(), resolve_alias)


def run_audit(graph: CompactGraph, knowledge: Knowledge, settings: AuditSettings, card_errors: int = 0) -> AuditResult:
    if settings.use not in knowledge.rules.uses:
        raise UsageError(f"unknown use {settings.use!r}; known: {sorted(knowledge.rules.uses)}")
    clock = time.perf_counter()
    propagation = propagate_bulk(graph, knowledge.normaliser, knowledge.rules, settings.use, settings.stance)
    seconds = {"propagate": time.perf_counter() - clock}
    clock = time.perf_counter()
    scope_label: str | None = None
    scope: range | list[int] = range(len(graph))
    roots: set[int] = set()
    if settings.downstream_of is not None:
        scope_label, roots = _roots(graph, knowledge, settings.downstream_of)
        scope = sorted(graph.descendants(roots))
    families_of = _families(graph, knowledge)
    verdicts = dict.fromkeys(EFFECTS, 0)
    families: dict[str, dict[Effect, int]] = {}
    candidates: list[int] = []
    errors = 0
    effective, masks = propagation.effective, propagation.effect_masks
    forbidden, unknown, conditional = masks[Effect.FORBIDDEN], masks[Effect.UNKNOWN], masks[Effect.CONDITIONAL]
    own_effect, declared, licenses, kinds = propagation.own_effect, graph.declared, graph.licenses, graph.kinds
    for node in scope:
        if kinds[node] == UNRESOLVED_CODE:
            continue
        bits = effective[node]
        code = 3 if bits & forbidden else 2 if bits & unknown else 1 if bits & conditional else 0
        verdict = EFFECTS[code]
        verdicts[verdict] += 1
        family = families.setdefault(families_of[licenses[node]], dict.fromkeys(EFFECTS, 0))
        family[verdict] += 1
        claimed = own_effect[declared[node]]
        # As declared_vs_effective: an effective `unknown` is unprovable, not shown wrong (see unknowns).
        if claimed is not Effect.UNKNOWN and code != 2 and claimed.rank < code:
            candidates.append(node)
            errors += code == 3
    downloads = graph.downloads
    candidates.sort(key=lambda v: (-downloads[v], graph.ids[v]))
    listed = candidates if settings.limit == 0 else candidates[: settings.limit]
    laundering = tuple(_case(propagation, node) for node in listed)
    downstream: tuple[ListedArtifact, ...] = ()
    below: list[int] = []
    if settings.downstream_of is not None:
        below = [v for v in scope if v not in roots and kinds[v] != UNRESOLVED_CODE]
        below.sort(key=lambda v: (-downloads[v], graph.ids[v]))
        shown = below if settings.limit == 0 else below[: settings.limit]
        downstream = tuple(
            ListedArtifact(
                graph.ids[v], graph.kind(v), downloads[v], graph.license_texts[licenses[v]], propagation.verdict(v)
            )
            for v in shown
        )
    unknowns = _unknowns(graph, knowledge, propagation, scope, card_errors)
    seconds["report"] = time.perf_counter() - clock
    return AuditResult(
        use=settings.use,
        stance=settings.stance.label,
        scope=scope_label,
        artifacts=sum(verdicts.values()),
        edges=graph.edge_count,
        verdicts=verdicts,
        families=dict(sorted(families.items(), key=lambda item: (-sum(item[1].values()), item[0]))),
        laundering_total=len(candidates),
        laundering_errors=errors,
        laundering=laundering,
        downstream_total=len(below),
        downstream=downstream,
        unknowns=unknowns,
        seconds=seconds,
    )


def _case(propagation: BulkPropagation, node: int) -> LaunderingCase:
    graph = propagation.graph
    verdict = propagation.verdict(node)
    carrier = propagation.explain(node)
    declared_text = graph.license_texts[graph.declared[node]] or ""
    return LaunderingCase(
        id=graph.ids[node],
        kind=graph.kind(node),
        downloads=graph.downloads[node],
        declared_license=declared_text,
        declared_effect=propagation.own_effect[graph.declared[node]],
        effective=verdict,
        severity="error" if verdict is Effect.FORBIDDEN else "warning",
        license_id=carrier.slot.license_id if carrier else None,
        term_id=carrier.slot.term_id if carrier else None,
        summary=carrier.slot.summary if carrier else None,
        path=tuple(graph.ids[v] for v in carrier.path) if carrier else (graph.ids[node],),
        relations=carrier.relations if carrier else (),
        contested=carrier.contested if carrier else False,
    )


def _roots(graph: CompactGraph, knowledge: Knowledge, name: str) -> tuple[str, set[int]]:
    node = graph.index.get(name)
    if node is None:
        record = knowledge.registry.get(name)
        node = graph.index.get(record.id) if record is not None else None
    if node is not None:
        return graph.ids[node], {node}
    license_ = knowledge.catalog.lookup(name)
    if license_ is None:
        raise UsageError(f"{name!r} is neither an imported artifact nor a catalogued license")
    codes = {
        code
        for code, text in enumerate(graph.license_texts)
        if any(leaf.license is license_ for leaf in leaves(knowledge.normaliser.normalise(text)))
    }
    return f"license {license_.id}", {v for v in range(len(graph)) if graph.licenses[v] in codes}


def _families(graph: CompactGraph, knowledge: Knowledge) -> list[str]:
    families = []
    for text in graph.license_texts:
        found = leaves(knowledge.normaliser.normalise(text))
        names = set()
        for leaf in found:
            if leaf.license is not None:
                names.add(leaf.license.category.value)
            else:
                names.add("missing" if not leaf.raw else "unrecognised")
        families.append(" + ".join(sorted(names)))
    return families


def _unknowns(
    graph: CompactGraph, knowledge: Knowledge, propagation: BulkPropagation, scope: range | list[int], card_errors: int
) -> Unknowns:
    missing: set[int] = set()
    placeholder: set[int] = set()
    unrecognised_raw: dict[int, list[str]] = {}
    for code, text in enumerate(graph.license_texts):
        for leaf in leaves(knowledge.normaliser.normalise(text)):
            if leaf.license is None and not leaf.raw:
                missing.add(code)
            elif leaf.license is None:
                unrecognised_raw.setdefault(code, []).append(leaf.raw)
            elif leaf.license.is_unknown:
                placeholder.add(code)
    counts = Counter[str]()
    missing_count = placeholder_count = unrecognised_count = effective_unknown = 0
    unresolved: Counter[str] = Counter()
    for node in scope:
        if graph.kinds[node] == UNRESOLVED_CODE:
            continue
        code = graph.licenses[node]
        missing_count += code in missing
        placeholder_count += code in placeholder
        raw = unrecognised_raw.get(code)
        if raw:
            unrecognised_count += 1
            counts.update(raw)
        effective_unknown += propagation.verdict(node) is Effect.UNKNOWN
        for slot in range(graph.parent_start[node], graph.parent_start[node + 1]):
            parent = graph.parent_node[slot]
            if graph.kinds[parent] == UNRESOLVED_CODE:
                unresolved[graph.ids[parent]] += 1
    return Unknowns(
        missing_license=missing_count,
        unrecognised_license=unrecognised_count,
        placeholder_license=placeholder_count,
        unresolved_parents=len(unresolved),
        effective_unknown=effective_unknown,
        card_errors=card_errors,
        top_unrecognised=tuple(counts.most_common(10)),
        top_unresolved=tuple(unresolved.most_common(10)),
    )
