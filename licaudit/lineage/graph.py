"""The lineage graph: artifacts as nodes, typed parent -> child edges.

Plain dictionaries rather than networkx: a trace's graph has tens to hundreds of nodes, and
importing networkx alone cost more than the whole trace (about 150 ms of a `licaudit trace`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from licaudit.artifacts import ArtifactId, Evidence, Relation
from licaudit.sources.facts import ArtifactFacts


@dataclass(frozen=True)
class Edge:
    parent: ArtifactId
    child: ArtifactId
    relation: Relation
    evidence: tuple[Evidence, ...]


class LineageGraph:
    """A multigraph: one artifact can relate to a parent in more than one way (one edge per relation)."""

    def __init__(self) -> None:
        self._facts: dict[ArtifactId, ArtifactFacts] = {}
        self._parents: dict[ArtifactId, dict[tuple[ArtifactId, Relation], Edge]] = {}
        self._children: dict[ArtifactId, dict[tuple[ArtifactId, Relation], Edge]] = {}

    def add_artifact(self, facts: ArtifactFacts) -> None:
        self._facts[facts.id] = facts
        self._parents.setdefault(facts.id, {})
        self._children.setdefault(facts.id, {})

    def add_edge(self, edge: Edge) -> None:
        for artifact in (edge.parent, edge.child):
            self._parents.setdefault(artifact, {})
            self._children.setdefault(artifact, {})
        self._parents[edge.child][(edge.parent, edge.relation)] = edge
        self._children[edge.parent][(edge.child, edge.relation)] = edge

    def __contains__(self, artifact: object) -> bool:
        return artifact in self._parents

    def __len__(self) -> int:
        return len(self._parents)

    def facts(self, artifact: ArtifactId) -> ArtifactFacts:
        return self._facts[artifact]

    def artifacts(self) -> list[ArtifactId]:
        return sorted(self._parents)

    def edges(self) -> list[Edge]:
        found = [edge for edges in self._parents.values() for edge in edges.values()]
        return sorted(found, key=lambda e: (e.child, e.parent, e.relation.value))

    def parent_edges(self, child: ArtifactId) -> list[Edge]:
        return sorted(self._parents.get(child, {}).values(), key=lambda e: (e.parent, e.relation.value))

    def child_edges(self, parent: ArtifactId) -> list[Edge]:
        return sorted(self._children.get(parent, {}).values(), key=lambda e: (e.child, e.relation.value))

    def components_in_flow_order(self) -> Iterator[list[ArtifactId]]:
        """Strongly connected components, parents before children; a cycle is one component.

        Among components ready at the same time, the one with the smallest member comes first, so
        the order (and so every explaining path) is the same on every run.
        """
        components = self._components()
        owner = {artifact: index for index, members in enumerate(components) for artifact in members}
        waiting = [0] * len(components)
        below: list[set[int]] = [set() for _ in components]
        for index, members in enumerate(components):
            for artifact in members:
                for child, _relation in self._children[artifact]:
                    target = owner[child]
                    if target != index and target not in below[index]:
                        below[index].add(target)
                        waiting[target] += 1
        ready = [(members[0], index) for index, members in enumerate(components) if waiting[index] == 0]
        heapq.heapify(ready)
        while ready:
            _, index = heapq.heappop(ready)
            yield components[index]
            for target in below[index]:
                waiting[target] -= 1
                if waiting[target] == 0:
                    heapq.heappush(ready, (components[target][0], target))

    def _components(self) -> list[list[ArtifactId]]:
        """Tarjan's strongly connected components (iterative), each sorted."""
        index_of: dict[ArtifactId, int] = {}
        low: dict[ArtifactId, int] = {}
        on_stack: set[ArtifactId] = set()
        stack: list[ArtifactId] = []
        found: list[list[ArtifactId]] = []
        for start in sorted(self._parents):
            if start in index_of:
                continue
            index_of[start] = low[start] = len(index_of)
            stack.append(start)
            on_stack.add(start)
            work = [(start, iter(sorted({child for child, _ in self._children[start]})))]
            while work:
                artifact, children = work[-1]
                advanced = False
                for child in children:
                    if child not in index_of:
                        index_of[child] = low[child] = len(index_of)
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(sorted({c for c, _ in self._children[child]}))))
                        advanced = True
                        break
                    if child in on_stack:
                        low[artifact] = min(low[artifact], index_of[child])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[artifact])
                if low[artifact] == index_of[artifact]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == artifact:
                            break
                    found.append(sorted(members))
        return found

    def cycles(self) -> list[list[ArtifactId]]:
        """Every non-trivial strongly connected component (self-loops are reported apart)."""
        return sorted(component for component in self._components() if len(component) > 1)

    def self_loops(self) -> list[Edge]:
        return [edge for edges in self._parents.values() for edge in edges.values() if edge.parent == edge.child]

    def to_graphml(
        self,
        node_attributes: dict[ArtifactId, dict[str, str]],
        edge_attributes: list[tuple[Edge, dict[str, str]]],
    ) -> str:
        """GraphML of the lineage with the given string attributes (networkx writes and escapes it).

        networkx is imported here only: exports pay for it, traces do not.
        """
        import networkx as nx

        out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for artifact in self.artifacts():
            out.add_node(artifact, **node_attributes.get(artifact, {}))
        for edge, attributes in edge_attributes:
            out.add_edge(edge.parent, edge.child, key=edge.relation.value, **attributes)
        return "\n".join(nx.generate_graphml(out, encoding="utf-8", prettyprint=True)) + "\n"

    def depths_from(self, target: ArtifactId) -> dict[ArtifactId, int]:
        """Fewest parent hops from `target` to each ancestor (target 0); cycles are harmless."""
        depths = {target: 0}
        frontier = [target]
        while frontier:
            following: list[ArtifactId] = []
            for artifact in frontier:
                for parent, _relation in sorted(self._parents.get(artifact, {})):
                    if parent not in depths:
                        depths[parent] = depths[artifact] + 1
                        following.append(parent)
            frontier = following
        return depths
