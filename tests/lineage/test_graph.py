"""The lineage graph's flow order against networkx: same components, parents always first."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.lineage.graph import Edge, LineageGraph
from licaudit.sources.facts import ArtifactFacts

EVIDENCE = (Evidence(Origin.CURATED, "https://example.org"),)


def _graph(size: int, edges: list[tuple[int, int, Relation]]) -> LineageGraph:
    graph = LineageGraph()
    for index in range(size):
        name = ArtifactId(f"n{index:02d}")
        graph.add_artifact(ArtifactFacts(name, ArtifactKind.MODEL, name, "mit", None, EVIDENCE, ()))
    for parent, child, relation in edges:
        graph.add_edge(Edge(ArtifactId(f"n{parent:02d}"), ArtifactId(f"n{child:02d}"), relation, EVIDENCE))
    return graph


@st.composite
def multigraphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, Relation]]]:
    size = draw(st.integers(1, 12))
    node = st.integers(0, size - 1)
    return size, draw(st.lists(st.tuples(node, node, st.sampled_from(list(Relation))), max_size=30))


@settings(max_examples=300, deadline=None)
@given(multigraphs())
def test_components_match_networkx_and_come_parents_first(case: tuple[int, list[tuple[int, int, Relation]]]) -> None:
    size, edges = case
    ours = list(_graph(size, edges).components_in_flow_order())
    reference: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    reference.add_nodes_from(f"n{i:02d}" for i in range(size))
    reference.add_edges_from((f"n{p:02d}", f"n{c:02d}") for p, c, _ in edges)
    expected = {frozenset(c) for c in nx.strongly_connected_components(reference)}
    assert {frozenset(c) for c in ours} == expected
    position = {artifact: index for index, component in enumerate(ours) for artifact in component}
    for parent, child, _ in edges:
        assert position[f"n{parent:02d}"] <= position[f"n{child:02d}"]  # equal only inside a cycle
    assert ours == list(_graph(size, list(reversed(edges))).components_in_flow_order())  # deterministic


def test_cycles_and_self_loops_are_reported() -> None:
    graph = _graph(3, [(0, 1, Relation.FINETUNE), (1, 0, Relation.FINETUNE), (2, 2, Relation.MERGE)])
    assert graph.cycles() == [["n00", "n01"]]
    assert [(e.parent, e.child) for e in graph.self_loops()] == [("n02", "n02")]
    assert graph.depths_from(ArtifactId("n01")) == {"n01": 0, "n00": 1}
