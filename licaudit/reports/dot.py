"""Graphviz DOT: the lineage, parents above children, nodes filled by verdict for the primary use.

Written directly rather than through pydot: every id and label is a quoted DOT string, so names
with quotes, backslashes or braces cannot break the graph.
"""

from __future__ import annotations

from licaudit.pipeline import TraceResult
from licaudit.reports.graphml import node_attributes
from licaudit.reports.lineage_view import node_views, xml_safe

VERDICT_COLOURS = {"allowed": "#b7e4c7", "conditional": "#ffe8a3", "unknown": "#e0c3fc", "forbidden": "#f4a5a5"}


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as \\n."""
    escaped = xml_safe(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def render_dot(result: TraceResult, use: str) -> str:
    lines = [
        f"digraph {quote('lineage of ' + result.target)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for view in node_views(result):
        attributes = node_attributes(view, result.target)
        attributes["artifact_name"] = attributes.pop("name")  # `name` would clash with the node id in DOT tools
        verdict = view.verdicts.get(use, "unknown")
        attributes["label"] = f"{view.id}\n{view.concluded_text}\n{use}: {verdict}"
        attributes["fillcolor"] = VERDICT_COLOURS[verdict]
        if view.id == result.target:
            attributes["penwidth"] = "3"
        rendered = ", ".join(f"{key}={quote(value)}" for key, value in attributes.items())
        lines.append(f"  {quote(view.id)} [{rendered}];")
    for edge in result.graph.edges():
        relation = edge.relation.value
        lines.append(
            f"  {quote(edge.parent)} -> {quote(edge.child)} [label={quote(relation)}, relation={quote(relation)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
