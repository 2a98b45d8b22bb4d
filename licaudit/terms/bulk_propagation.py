"""Propagation over the whole Hub at once: each artifact's effective terms as one integer bit set.

The same rules as `propagation.py` (relations.yaml, uses.yaml, the stance), encoded as masks: bit j
is term j of the catalog binding the artifact, bit j + N the same term binding its outputs. Crossing
an edge is `(parent & passes[relation]) | outputs-made-content`, one pass in flow order, linear in
nodes + edges. Paths are not carried (that would cost a tuple per term per node): the path that
explains one artifact's verdict is recovered afterwards by a backward search over its ancestors.
"""

from __future__ import annotations

from dataclasses import dataclass

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.lineage.compact import KINDS, RELATIONS, UNRESOLVED_CODE, CompactGraph
from licaudit.terms.catalog import Term
from licaudit.terms.expressions import UNKNOWN_LICENSE_ID, LicenseNormaliser, expression_terms
from licaudit.terms.flow_rules import FlowRules, Reading, Stance
from licaudit.terms.propagation import UNRESOLVED_TERM, terms_effect
from licaudit.terms.vocabulary import Effect, Scope, TermKind

SERVICE_CODE = KINDS.index(ArtifactKind.SERVICE)
EFFECTS: tuple[Effect, ...] = (Effect.ALLOWED, Effect.CONDITIONAL, Effect.UNKNOWN, Effect.FORBIDDEN)
MISSING = ("LicenseRef-licaudit-unrecognised", "missing")
UNRECOGNISED = ("LicenseRef-licaudit-unrecognised", "unrecognised")


@dataclass(frozen=True)
class Slot:
    """One catalog term (unrecognised licenses share one slot: for the verdict they are alike)."""

    license_id: str
    term_id: str
    kind: TermKind
    summary: str


@dataclass(frozen=True)
class Carrier:
    """The path that brings one term to an artifact: origin first, the artifact last."""

    slot: Slot
    path: tuple[int, ...]
    relations: tuple[Relation, ...]
    contested: bool


@dataclass
class BulkPropagation:
    graph: CompactGraph
    use: str
    stance: Stance
    slots: list[Slot]
    own: list[int]  # per license text: the bits the license puts on its artifact
    own_effect: list[Effect]  # per license text: the verdict of the license alone
    effective: list[int]  # per node
    effect_masks: dict[Effect, int]  # artifact-scope bits whose effect for `use` is this
    passes: list[int]  # per relation code: bits that cross an edge of that relation
    contested: list[int]  # per relation code: bits that cross only by a strict reading
    activates: list[bool]  # per relation code: outputs terms become the child's own
    unresolved: int  # the bit of the unresolved-parent term
    own_service: list[int]  # per license text, declared by a service: its terms of use bind outputs

    @property
    def width(self) -> int:
        return len(self.slots)

    def own_bits(self, node: int) -> int:
        if self.graph.kinds[node] == UNRESOLVED_CODE:
            return self.unresolved
        if self.graph.kinds[node] == SERVICE_CODE:
            return self.own_service[self.graph.licenses[node]]
        return self.own[self.graph.licenses[node]]

    def verdict(self, node: int) -> Effect:
        return _verdict(self.effective[node], self.effect_masks)

    def explain(self, node: int) -> Carrier | None:
        """The carrier of the term that sets the verdict, as `decide` picks its first reason."""
        verdict = self.verdict(node)
        if verdict is Effect.ALLOWED:
            return None
        bits = self.effective[node] & self.effect_masks[verdict]
        best: Carrier | None = None
        for bit in _bits(bits):
            carrier = self._carrier(node, bit)
            if carrier is None:
                continue
            rank = (len(carrier.path), carrier.slot.license_id, carrier.slot.term_id)
            if best is None or rank < (len(best.path), best.slot.license_id, best.slot.term_id):
                best = carrier
        return best

    def _carrier(self, node: int, bit: int) -> Carrier | None:
        # Uncontested paths first (as propagation prefers them), then any; breadth-first = shortest.
        return self._search(node, bit, allow_contested=False) or self._search(node, bit, allow_contested=True)

    def _search(self, node: int, bit: int, allow_contested: bool) -> Carrier | None:
        graph, width = self.graph, self.width
        start = (node, bit)
        previous: dict[tuple[int, int], tuple[tuple[int, int], int, bool] | None] = {start: None}
        frontier = [start]
        while frontier:
            following: list[tuple[int, int]] = []
            for state in frontier:
                at, state_bit = state
                if self.own_bits(at) >> state_bit & 1:
                    return self._carrier_from(state, bit, previous)
                for slot in range(graph.parent_start[at], graph.parent_start[at + 1]):
                    parent, code = graph.parent_node[slot], graph.parent_relation[slot]
                    for parent_bit, contested in self._sources(code, state_bit, width):
                        if contested and not allow_contested:
                            continue
                        key = (parent, parent_bit)
                        if key in previous or not self.effective[parent] >> parent_bit & 1:
                            continue
                        previous[key] = (state, code, contested)
                        following.append(key)
            frontier = following
        return None

    def _sources(self, code: int, bit: int, width: int) -> list[tuple[int, bool]]:
        """Which bit of a parent becomes `bit` of the child across a relation, and whether contested."""
        found: list[tuple[int, bool]] = []
        if self.passes[code] >> bit & 1:
            found.append((bit, bool(self.contested[code] >> bit & 1)))
        if bit < width and self.activates[code]:
            found.append((bit + width, False))
        return found

    def _carrier_from(
        self,
        origin: tuple[int, int],
        bit: int,
        previous: dict[tuple[int, int], tuple[tuple[int, int], int, bool] | None],
    ) -> Carrier:
        path = [origin[0]]
        relations: list[Relation] = []
        contested = False
        step = previous[origin]
        while step is not None:
            child_state, code, was_contested = step
            path.append(child_state[0])
            relations.append(RELATIONS[code])
            contested = contested or was_contested
            step = previous[child_state]
        return Carrier(self.slots[bit % self.width], tuple(path), tuple(relations), contested)


def _bits(value: int) -> list[int]:
    found = []
    while value:
        low = value & -value
        found.append(low.bit_length() - 1)
        value ^= low
    return found


def _verdict(bits: int, masks: dict[Effect, int]) -> Effect:
    if bits & masks[Effect.FORBIDDEN]:
        return Effect.FORBIDDEN
    if bits & masks[Effect.UNKNOWN]:
        return Effect.UNKNOWN
    if bits & masks[Effect.CONDITIONAL]:
        return Effect.CONDITIONAL
    return Effect.ALLOWED


def _slot_key(term: Term) -> tuple[str, str]:
    if term.license_id == UNKNOWN_LICENSE_ID:
        return MISSING if term.id == "missing" else UNRECOGNISED
    return (term.license_id, term.id)


def propagate_bulk(
    graph: CompactGraph, normaliser: LicenseNormaliser, rules: FlowRules, use: str, stance: Stance
) -> BulkPropagation:
    # Slots: every catalog term, the unresolved term, and the shared unrecognised/missing terms.
    catalog_terms = [t for lic in normaliser.catalog.licenses.values() for t in lic.terms]
    slot_terms: dict[tuple[str, str], Term] = {}
    for term in [*catalog_terms, UNRESOLVED_TERM]:
        slot_terms.setdefault(term.key, term)
    for key in (MISSING, UNRECOGNISED):
        slot_terms[key] = Term(key[0], key[1], TermKind.UNKNOWN, "license missing or not recognised", None, None)
    slots = [Slot(k[0], k[1], t.kind, t.summary) for k, t in slot_terms.items()]
    index = {(s.license_id, s.term_id): i for i, s in enumerate(slots)}
    width = len(slots)
    artifact_all = (1 << width) - 1

    masks = dict.fromkeys(EFFECTS, 0)
    for key, term in slot_terms.items():
        masks[rules.effect(use, term.kind, term.override_for(use))] |= 1 << index[key]

    def judge(terms: list[Term]) -> Effect:
        return terms_effect(rules, use, terms)

    def bits_of(terms: list[Term]) -> int:
        bits = 0
        for term in terms:
            bits |= 1 << (index[_slot_key(term)] + (width if term.scope is Scope.OUTPUTS else 0))
        return bits

    own: list[int] = []
    own_effect: list[Effect] = []
    own_service: list[int] = []  # the same texts declared by a service: terms of use bind its outputs
    for text in graph.license_texts:
        expr = normaliser.normalise(text)
        terms = expression_terms(expr, judge)
        own.append(bits_of(terms))
        own_effect.append(judge(terms))
        own_service.append(bits_of(expression_terms(expr, judge, service=True)))

    passes: list[int] = []
    contested: list[int] = []
    activates: list[bool] = []
    for relation in RELATIONS:
        rule = rules.relations[relation]
        mask = contested_mask = 0
        for key, term in slot_terms.items():
            bit = 1 << index[key]
            if term.kind in rule.passes:
                mask |= bit
            else:
                question = rule.question_for(term.kind)
                if question is not None and stance.reading(question) is Reading.STRICT:
                    mask |= bit
                    contested_mask |= bit
        if rule.passes_all:
            mask |= artifact_all << width  # the outputs of weights derived from weights
        passes.append(mask)
        contested.append(contested_mask)
        activates.append(rule.activates_outputs and not rule.passes_all)

    unresolved = 1 << index[(UNRESOLVED_TERM.license_id, UNRESOLVED_TERM.id)]
    effective = _flow(graph, own, own_service, unresolved, passes, activates, width)
    return BulkPropagation(
        graph,
        use,
        stance,
        slots,
        own,
        own_effect,
        effective,
        masks,
        passes,
        contested,
        activates,
        unresolved,
        own_service,
    )


def _flow(
    graph: CompactGraph,
    own: list[int],
    own_service: list[int],
    unresolved: int,
    passes: list[int],
    activates: list[bool],
    width: int,
) -> list[int]:
    count = len(graph)
    effective = [0] * count
    shared: dict[int, int] = {}  # equal bit sets share one int object: a few distinct values, not millions
    licenses, kinds = graph.licenses, graph.kinds
    parent_start, parent_node, parent_relation = graph.parent_start, graph.parent_node, graph.parent_relation
    artifact_all = (1 << width) - 1

    def incoming(node: int) -> int:
        bits = 0
        for slot in range(parent_start[node], parent_start[node + 1]):
            parent = effective[parent_node[slot]]
            if parent:
                code = parent_relation[slot]
                bits |= parent & passes[code]
                if activates[code]:
                    bits |= (parent >> width) & artifact_all
        return bits

    for step in graph.flow_order():
        if isinstance(step, int):
            node = step
            kind = kinds[node]
            bits = (
                unresolved
                if kind == UNRESOLVED_CODE
                else (own_service if kind == SERVICE_CODE else own)[licenses[node]]
            )
            if parent_start[node] != parent_start[node + 1]:
                bits |= incoming(node)
            effective[node] = shared.setdefault(bits, bits)
            continue
        # A cycle: every member gets what flows around it; iterate to a fixed point.
        for node in step:
            kind = kinds[node]
            effective[node] = (
                unresolved
                if kind == UNRESOLVED_CODE
                else (own_service if kind == SERVICE_CODE else own)[licenses[node]]
            )
        changed = True
        while changed:
            changed = False
            for node in step:
                bits = effective[node] | incoming(node)
                if bits != effective[node]:
                    effective[node] = bits
                    changed = True
    return effective
