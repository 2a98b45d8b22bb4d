"""Propagation: each artifact's effective terms = its own + what flows in, each with its path.

One pass over the graph in flow order (parents first), so the cost is linear in nodes + edges
times the number of distinct terms; no per-artifact walk over all ancestors. Cycles are strongly
connected components, iterated to a fixed point.
"""

from __future__ import annotations

from dataclasses import dataclass

from licaudit.artifacts import ArtifactId, ArtifactKind, Relation
from licaudit.lineage.graph import Edge, LineageGraph
from licaudit.terms.catalog import Term
from licaudit.terms.expressions import LicenseNormaliser, expression_terms
from licaudit.terms.flow_rules import FlowRules, Reading, RelationRule, Stance
from licaudit.terms.license_conflict import prose_conflict, with_prose
from licaudit.terms.vocabulary import Effect, Scope, TermKind

UNRESOLVED_TERM = Term(
    license_id="LicenseRef-licaudit-unresolved",
    id="unresolved",
    kind=TermKind.UNKNOWN,
    summary="no source knows this artifact, so its terms are unknown",
    clause=None,
    source=None,
)

TermKey = tuple[str, str, str]


@dataclass(frozen=True)
class CarriedTerm:
    """A term as it binds one artifact: where it comes from and the path it travelled."""

    term: Term
    scope: Scope
    path: tuple[ArtifactId, ...]  # origin first, this artifact last
    relations: tuple[Relation, ...]  # one per hop
    question: str | None = None  # the unsettled question whose strict reading let it flow
    also_via: tuple[CarriedTerm, ...] = ()  # the same term from other origins, a bounded few

    @property
    def origin(self) -> ArtifactId:
        return self.path[0]

    @property
    def key(self) -> TermKey:
        # Unknowns stay apart per origin: each unknown artifact must be named.
        origin = self.origin if self.term.kind is TermKind.UNKNOWN else ""
        return (self.term.license_id, self.term.id, origin + "|" + self.scope.value)


@dataclass
class Propagation:
    """Effective terms of every artifact for one intended use under one stance."""

    use: str
    stance: Stance
    effective: dict[ArtifactId, dict[TermKey, CarriedTerm]]

    def terms(self, artifact: ArtifactId, scope: Scope = Scope.ARTIFACT) -> list[CarriedTerm]:
        return [c for c in self.effective[artifact].values() if c.scope is scope]


def own_terms(
    graph: LineageGraph,
    normaliser: LicenseNormaliser,
    rules: FlowRules,
    use: str,
    artifact: ArtifactId,
    stance: Stance | None = None,
) -> list[Term]:
    facts = graph.facts(artifact)
    if facts.kind is ArtifactKind.UNRESOLVED:
        return [UNRESOLVED_TERM]
    expr = normaliser.normalise(facts.license_expression)
    if stance is not None and stance.default is Reading.STRICT:
        conflict = prose_conflict(normaliser, facts.license_expression, facts.license_prose)
        if conflict is not None:
            expr = with_prose(expr, conflict)  # metadata and License section disagree: the stricter binds
    return expression_terms(
        expr,
        lambda terms: terms_effect(rules, use, terms),
        service=facts.kind is ArtifactKind.SERVICE,
    )


def terms_effect(rules: FlowRules, use: str, terms: list[Term]) -> Effect:
    return Effect.worst([rules.effect(use, t.kind, t.override_for(use)) for t in terms if t.scope is Scope.ARTIFACT])


def propagate_terms(
    graph: LineageGraph, normaliser: LicenseNormaliser, rules: FlowRules, use: str, stance: Stance
) -> Propagation:
    own = {artifact: own_terms(graph, normaliser, rules, use, artifact, stance) for artifact in graph.artifacts()}
    return _propagate(graph, own, rules, use, stance)


class Propagator:
    """`propagate_terms` for several uses of one graph. A use only picks among the alternatives of
    an OR expression, so uses whose artifacts carry the same own terms share one pass."""

    def __init__(self, graph: LineageGraph, normaliser: LicenseNormaliser, rules: FlowRules) -> None:
        self.graph = graph
        self.normaliser = normaliser
        self.rules = rules
        self._done: list[tuple[dict[ArtifactId, list[Term]], Stance, Propagation]] = []

    def propagate(self, use: str, stance: Stance) -> Propagation:
        own = {a: own_terms(self.graph, self.normaliser, self.rules, use, a, stance) for a in self.graph.artifacts()}
        for earlier_own, earlier_stance, earlier in self._done:
            if earlier_stance == stance and earlier_own == own:
                return Propagation(use, stance, earlier.effective)  # never mutated once built: shared
        propagation = _propagate(self.graph, own, self.rules, use, stance)
        self._done.append((own, stance, propagation))
        return propagation


def _propagate(
    graph: LineageGraph, own: dict[ArtifactId, list[Term]], rules: FlowRules, use: str, stance: Stance
) -> Propagation:
    effective: dict[ArtifactId, dict[TermKey, CarriedTerm]] = {}
    for component in graph.components_in_flow_order():
        members = set(component)
        for artifact in component:
            carried: dict[TermKey, CarriedTerm] = {}
            for term in own[artifact]:
                _merge(carried, CarriedTerm(term, term.scope, (artifact,), ()))
            effective[artifact] = carried
            for edge in graph.parent_edges(artifact):
                if edge.parent not in members:
                    _flow_edge(effective, edge, rules.relations[edge.relation], stance)
        if len(component) > 1:
            inner = [e for a in component for e in graph.parent_edges(a) if e.parent in members and e.parent != a]
            changed = True
            while changed:
                changed = any([_flow_edge(effective, edge, rules.relations[edge.relation], stance) for edge in inner])
    return Propagation(use, stance, effective)


def _flow_edge(
    effective: dict[ArtifactId, dict[TermKey, CarriedTerm]], edge: Edge, rule: RelationRule, stance: Stance
) -> bool:
    changed = False
    child_terms = effective[edge.child]
    for carried in list(effective[edge.parent].values()):
        if edge.child in carried.path:
            continue  # around a cycle and back: nothing new
        flowed = flow_term(carried, edge, rule, stance)
        if flowed is not None and _merge(child_terms, flowed):
            changed = True
    return changed


def flow_term(carried: CarriedTerm, edge: Edge, rule: RelationRule, stance: Stance) -> CarriedTerm | None:
    """The term as it binds the child, or None when the relation's rule stops it."""
    scope, question = carried.scope, carried.question
    if carried.scope is Scope.OUTPUTS:
        if rule.passes_all:
            pass  # a derivative of the weights: its outputs are the parent's outputs
        elif rule.activates_outputs:
            scope = Scope.ARTIFACT  # the parent's outputs are the child's content
        else:
            return None
    elif carried.term.kind not in rule.passes:
        contested = rule.question_for(carried.term.kind)
        if contested is None or stance.reading(contested) is not Reading.STRICT:
            return None
        question = contested
    # The constructor, not dataclasses.replace: this runs once per term per edge, and replace()
    # re-reads the field list each call (a third of a deep trace's propagation time).
    return CarriedTerm(
        carried.term,
        scope,
        (*carried.path, edge.child),
        (*carried.relations, edge.relation),
        question,
        tuple(flowed for other in carried.also_via if (flowed := flow_term(other, edge, rule, stance)) is not None),
    )


def _strength(carried: CarriedTerm) -> tuple[int, int]:
    # An uncontested path beats a contested one; then the shortest path explains best.
    return (0 if carried.question is None else 1, len(carried.path))


MAX_ALSO_VIA = 3


def _merge(carried: dict[TermKey, CarriedTerm], new: CarriedTerm) -> bool:
    """Keep one carrier per term (the most certain and shortest path) and a few other origins.

    The bound keeps propagation linear while the explanation can still name, say, both the
    base model and the dataset that carry the same non-commercial clause.
    """
    existing = carried.get(new.key)
    if existing is None:
        carried[new.key] = new
        return True
    candidates = [existing, *existing.also_via, new, *new.also_via]
    by_origin: dict[ArtifactId, CarriedTerm] = {}
    for candidate in sorted(candidates, key=_strength):
        if candidate.origin not in by_origin:
            by_origin[candidate.origin] = _with_also_via(candidate, ())
    ranked = list(by_origin.values())
    merged = _with_also_via(ranked[0], tuple(ranked[1 : 1 + MAX_ALSO_VIA]))
    if merged == existing:
        return False
    carried[new.key] = merged
    return True


def _with_also_via(carried: CarriedTerm, also_via: tuple[CarriedTerm, ...]) -> CarriedTerm:
    if carried.also_via == also_via:
        return carried  # frozen: sharing is safe, and equal either way
    return CarriedTerm(carried.term, carried.scope, carried.path, carried.relations, carried.question, also_via)
