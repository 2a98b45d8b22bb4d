"""The whole-Hub lineage graph, compact: integer node ids, CSR adjacency, a flow order.

A million artifacts as Python objects per node and per edge would cost gigabytes; here a node is an
index into a few flat arrays, and the edges of each node are a slice of one array (CSR). The flow
order lists parents before children; strongly connected components (cycles) come as groups.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from licaudit.artifacts import ArtifactKind, Relation

KINDS: tuple[ArtifactKind, ...] = tuple(ArtifactKind)
RELATIONS: tuple[Relation, ...] = tuple(Relation)
_KIND_CODE = {kind.value: code for code, kind in enumerate(KINDS)}
_RELATION_CODE = {relation.value: code for code, relation in enumerate(RELATIONS)}
UNRESOLVED_CODE = _KIND_CODE[ArtifactKind.UNRESOLVED.value]


@dataclass
class CompactGraph:
    ids: list[str]
    kinds: bytearray
    downloads: array[int]
    licenses: array[int]  # index into `license_texts` of the license licaudit applies
    declared: array[int]  # index into `license_texts` of the license the artifact declares
    license_texts: list[str | None]
    parent_start: array[int]  # parents of node v: parent_node[parent_start[v]:parent_start[v + 1]]
    parent_node: array[int]
    parent_relation: bytearray
    child_start: array[int] = field(default_factory=lambda: array("i"))
    child_node: array[int] = field(default_factory=lambda: array("i"))
    index: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def edge_count(self) -> int:
        return len(self.parent_node)

    def kind(self, node: int) -> ArtifactKind:
        return KINDS[self.kinds[node]]

    def parents(self, node: int) -> Iterator[tuple[int, Relation]]:
        for slot in range(self.parent_start[node], self.parent_start[node + 1]):
            yield self.parent_node[slot], RELATIONS[self.parent_relation[slot]]

    def descendants(self, roots: Iterable[int]) -> set[int]:
        """Every artifact downstream of the roots (the roots included)."""
        seen = set(roots)
        stack = list(seen)
        child_start, child_node = self.child_start, self.child_node
        while stack:
            node = stack.pop()
            for slot in range(child_start[node], child_start[node + 1]):
                child = child_node[slot]
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def flow_order(self) -> Iterator[int | list[int]]:
        """Nodes with parents first (Kahn); what is left sits on or below a cycle, grouped by component."""
        count = len(self.ids)
        pending = array("i", (self.parent_start[v + 1] - self.parent_start[v] for v in range(count)))
        ready = [v for v in range(count) if pending[v] == 0]
        child_start, child_node = self.child_start, self.child_node
        done = 0
        while ready:
            node = ready.pop()
            done += 1
            yield node
            for slot in range(child_start[node], child_start[node + 1]):
                child = child_node[slot]
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(child)
        if done < count:
            yield from self._components([v for v in range(count) if pending[v] > 0])

    def _components(self, nodes: list[int]) -> Iterator[int | list[int]]:
        """Tarjan's strongly connected components over the leftover nodes, emitted in flow order."""
        members = set(nodes)
        index_of: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        found: list[list[int]] = []
        counter = 0
        for start in sorted(members):
            if start in index_of:
                continue
            work = [(start, self.child_start[start])]
            index_of[start] = low[start] = counter
            counter += 1
            stack.append(start)
            on_stack.add(start)
            while work:
                node, slot = work[-1]
                if slot < self.child_start[node + 1]:
                    work[-1] = (node, slot + 1)
                    child = self.child_node[slot]
                    if child not in members:
                        continue
                    if child not in index_of:
                        index_of[child] = low[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, self.child_start[child]))
                    elif child in on_stack:
                        low[node] = min(low[node], index_of[child])
                    continue
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index_of[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))
        # Tarjan along child edges finishes descendants first: reversed, parents come first.
        for component in reversed(found):
            yield component[0] if len(component) == 1 else component


def build_compact_graph(
    nodes: Iterable[tuple[str, str, int, str | None, str | None]],
    edges: Iterable[tuple[str, str, str]],
    resolve_alias: Callable[[str], str | None] = lambda _name: None,
) -> CompactGraph:
    """Nodes are (id, kind, downloads, license, declared license); edges (child, parent, relation).

    A parent no node names becomes an `unresolved` node (its terms are unknown), unless
    `resolve_alias` maps the name onto a known node. Self-loops are dropped, as propagation ignores them.
    """
    ids: list[str] = []
    index: dict[str, int] = {}
    kinds = bytearray()
    downloads = array("q")
    licenses = array("i")
    declared = array("i")
    texts: dict[str | None, int] = {None: 0}
    for artifact, kind, count, license_, declared_license in nodes:
        if artifact in index:
            continue
        index[artifact] = len(ids)
        ids.append(artifact)
        kinds.append(_KIND_CODE[kind])
        downloads.append(count)
        licenses.append(texts.setdefault(license_, len(texts)))
        declared.append(texts.setdefault(declared_license, len(texts)))
    children = array("i")
    parents = array("i")
    relations = bytearray()
    for child, parent, relation in edges:
        child_index = index.get(child)
        if child_index is None:
            continue
        parent_index = index.get(parent)
        if parent_index is None:
            canonical = resolve_alias(parent)
            parent_index = index.get(canonical) if canonical is not None else None
        if parent_index is None:
            parent_index = index[parent] = len(ids)
            ids.append(parent)
            kinds.append(UNRESOLVED_CODE)
            downloads.append(0)
            licenses.append(0)
            declared.append(0)
        if parent_index == child_index:
            continue
        children.append(child_index)
        parents.append(parent_index)
        relations.append(_RELATION_CODE[relation])
    count = len(ids)
    parent_start, parent_node, parent_relation = _csr(count, children, parents, relations)
    child_start, child_node, _ = _csr(count, parents, children, None)
    return CompactGraph(
        ids=ids,
        kinds=kinds,
        downloads=downloads,
        licenses=licenses,
        declared=declared,
        license_texts=[text for text, _ in sorted(texts.items(), key=lambda item: item[1])],
        parent_start=parent_start,
        parent_node=parent_node,
        parent_relation=parent_relation,
        child_start=child_start,
        child_node=child_node,
        index=index,
    )


def _csr(
    count: int, owners: array[int], targets: array[int], labels: bytearray | None
) -> tuple[array[int], array[int], bytearray]:
    """Counting sort of edges by owner: owner v's targets are targets[start[v]:start[v + 1]]."""
    start = array("i", bytes(4 * (count + 1)))
    for owner in owners:
        start[owner + 1] += 1
    for v in range(count):
        start[v + 1] += start[v]
    fill = array("i", start)
    node = array("i", bytes(4 * len(owners)))
    label = bytearray(len(owners))
    for edge, owner in enumerate(owners):
        slot = fill[owner]
        fill[owner] = slot + 1
        node[slot] = targets[edge]
        if labels is not None:
            label[slot] = labels[edge]
    return start, node, label
