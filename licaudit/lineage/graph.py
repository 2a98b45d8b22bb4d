"""The lineage graph: artifacts as nodes, typed parent -> child edges. networkx stays in here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from licaudit.artifacts import ArtifactId, Evidence, Relation
from licaudit.sources.facts import ArtifactFacts


@dataclass(frozen=True)
class Edge:
    parent: ArtifactId
    child: ArtifactId
    relation: Relation
    evidence: tuple[Evidence, ...]


class LineageGraph:
    """A multigraph: one artifact can relate to a parent in more than one way."""

    def __init__(self) -> None:
        self._graph: nx.MultiDiGraph[ArtifactId] = nx.MultiDiGraph()

    def add_artifact(self, facts: ArtifactFacts) -> None:
        self._graph.add_node(facts.id, facts=facts)

    def add_edge(self, edge: Edge) -> None:
        self._graph.add_edge(edge.parent, edge.child, key=edge.relation.value, edge=edge)

    def __contains__(self, artifact: object) -> bool:
        return artifact in self._graph

    def __len__(self) -> int:
        return int(self._graph.number_of_nodes())

    def facts(self, artifact: ArtifactId) -> ArtifactFacts:
        facts: ArtifactFacts = self._graph.nodes[artifact]["facts"]
        return facts

    def artifacts(self) -> list[ArtifactId]:
        return sorted(self._graph.nodes)

    def edges(self) -> list[Edge]:
        found = [data["edge"] for _, _, data in self._graph.edges(data=True)]
        return sorted(found, key=lambda e: (e.child, e.parent, e.relation.value))

    def parent_edges(self, child: ArtifactId) -> list[Edge]:
        found = [data["edge"] for _, _, data in self._graph.in_edges(child, data=True)]
        return sorted(found, key=lambda e: (e.parent, e.relation.value))

    def child_edges(self, parent: ArtifactId) -> list[Edge]:
        found = [data["edge"] for _, _, data in self._graph.out_edges(parent, data=True)]
        return sorted(found, key=lambda e: (e.child, e.relation.value))

    def components_in_flow_order(self) -> Iterator[list[ArtifactId]]:
        """Strongly connected components, parents before children; a cycle is one component."""
        condensed = nx.condensation(self._graph)
        for component in nx.lexicographical_topological_sort(
            condensed, key=lambda c: min(condensed.nodes[c]["members"])
        ):
            yield sorted(condensed.nodes[component]["members"])

    def cycles(self) -> list[list[ArtifactId]]:
        """Every non-trivial strongly connected component (self-loops are reported apart)."""
        return sorted(
            sorted(component) for component in nx.strongly_connected_components(self._graph) if len(component) > 1
        )

    def self_loops(self) -> list[Edge]:
        return [data["edge"] for u, v, data in self._graph.edges(data=True) if u == v]

    def to_graphml(
        self,
        node_attributes: dict[ArtifactId, dict[str, str]],
        edge_attributes: list[tuple[Edge, dict[str, str]]],
    ) -> str:
        """GraphML of the lineage with the given string attributes (networkx writes and escapes it)."""
        out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for artifact in self.artifacts():
            out.add_node(artifact, **node_attributes.get(artifact, {}))
        for edge, attributes in edge_attributes:
            out.add_edge(edge.parent, edge.child, key=edge.relation.value, **attributes)
        return "\n".join(nx.generate_graphml(out, encoding="utf-8", prettyprint=True)) + "\n"

    def depths_from(self, target: ArtifactId) -> dict[ArtifactId, int]:
        """Fewest parent hops from `target` to each ancestor (target 0); cycles are harmless."""
        lengths: dict[ArtifactId, int] = nx.single_source_shortest_path_length(self._graph.reverse(copy=False), target)
        return lengths
