"""Walking a target's ancestry through a source into a lineage graph, unknowns kept as findings."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.lineage.fan_out import DEFAULT_MAX_PARENTS, bound_parents
from licaudit.lineage.graph import Edge, LineageGraph
from licaudit.sources.facts import ArtifactFacts

Resolver = Callable[[ArtifactId], ArtifactFacts | None]


def unresolved_artifact(artifact: ArtifactId, named_by: ArtifactId) -> ArtifactFacts:
    """A stand-in node for a parent nobody knows: its license is unknown, never assumed."""
    return ArtifactFacts(
        id=artifact,
        kind=ArtifactKind.UNRESOLVED,
        name=artifact,
        license_expression=None,
        declared_license=None,
        license_evidence=(Evidence(Origin.INFERRED, f"named as a parent by {named_by}"),),
        parents=(),
    )


def build_lineage(
    target: ArtifactFacts, resolve: Resolver, max_depth: int | None = None, max_parents: int = DEFAULT_MAX_PARENTS
) -> tuple[LineageGraph, list[Finding]]:
    """Breadth-first over parents; each artifact is resolved once, however many paths reach it.
    An artifact with more than `max_parents` parents keeps the first ones and an unresolved
    stand-in for the rest (its terms are unknown), with a `too-many-parents` finding."""
    graph = LineageGraph()
    findings: list[Finding] = []

    def bounded(facts: ArtifactFacts) -> ArtifactFacts:
        facts, finding = bound_parents(facts, max_parents)
        if finding is not None:
            findings.append(finding)
        return facts

    target = bounded(target)
    graph.add_artifact(target)
    queue: deque[tuple[ArtifactFacts, int]] = deque([(target, 0)])
    while queue:
        facts, depth = queue.popleft()
        if max_depth is not None and depth >= max_depth:
            continue
        for link in facts.parents:
            parent_id = link.parent
            if parent_id not in graph:
                parent = resolve(parent_id)
                if parent is None:
                    findings.append(
                        Finding(
                            FindingKind.UNRESOLVED_PARENT,
                            Severity.ERROR,
                            parent_id,
                            f"{facts.id} names {parent_id} as its {link.relation.value} parent, "
                            "but no source knows it: its terms are unknown",
                            (parent_id, facts.id),
                        )
                    )
                    parent = unresolved_artifact(parent_id, facts.id)
                    graph.add_artifact(parent)
                else:
                    parent = bounded(parent)
                    parent_id = parent.id
                    if parent_id not in graph:
                        graph.add_artifact(parent)
                        queue.append((parent, depth + 1))
            graph.add_edge(Edge(parent_id, facts.id, link.relation, link.evidence))
    for edge in graph.self_loops():
        findings.append(
            Finding(
                FindingKind.SELF_LOOP,
                Severity.ERROR,
                edge.child,
                f"{edge.child} names itself as its own {edge.relation.value} parent; the edge is ignored",
            )
        )
    for cycle in graph.cycles():
        findings.append(
            Finding(
                FindingKind.CYCLE,
                Severity.ERROR,
                cycle[0],
                "lineage cycle: "
                + " -> ".join([*cycle, cycle[0]])
                + "; every artifact in it receives the terms of all the others",
                tuple(cycle),
            )
        )
    return graph, findings
