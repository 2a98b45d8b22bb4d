"""GraphML: the lineage with license and verdicts per node and the relation per edge."""

from __future__ import annotations

from licaudit.artifacts import ArtifactId
from licaudit.pipeline import TraceResult
from licaudit.reports.lineage_view import NodeView, node_views, xml_safe


def node_attributes(view: NodeView, target: ArtifactId) -> dict[str, str]:
    """The attributes every graph format carries for one artifact (strings only)."""
    attributes = {
        "label": view.id,
        "name": view.name,
        "kind": view.kind.value,
        "license": view.concluded_text,
        "declared_license": view.declared_text or "",
        "target": "true" if view.id == target else "false",
    }
    attributes.update({f"verdict_{use}": effect for use, effect in view.verdicts.items()})
    return {key: xml_safe(value) for key, value in attributes.items()}


def render_graphml(result: TraceResult) -> str:
    nodes = {view.id: node_attributes(view, result.target) for view in node_views(result)}
    edges = [(edge, {"relation": edge.relation.value}) for edge in result.graph.edges()]
    return result.graph.to_graphml(nodes, edges)
