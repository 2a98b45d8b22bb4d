"""Mermaid flowchart: the lineage for Markdown renderers, nodes styled by verdict for the primary use."""

from __future__ import annotations

from licaudit.pipeline import TraceResult
from licaudit.reports.dot import VERDICT_COLOURS
from licaudit.reports.lineage_view import node_views, xml_safe


def label(text: str) -> str:
    """Mermaid label text: anything but letters, digits, space and a few safe marks as an entity code."""
    safe = []
    for char in xml_safe(text).replace("\n", " "):
        safe.append(char if char.isascii() and (char.isalnum() or char in " ./:-_,") else f"#{ord(char)};")
    return "".join(safe)


def render_mermaid(result: TraceResult, use: str) -> str:
    views = node_views(result)
    ids = {view.id: f"n{index}" for index, view in enumerate(views)}
    lines = ["flowchart TB"]
    for verdict, colour in VERDICT_COLOURS.items():
        lines.append(f"  classDef {verdict} fill:{colour},stroke:#333,color:#000")
    lines.append("  classDef target stroke-width:3px")
    for view in views:
        verdict = view.verdicts.get(use, "unknown")
        text = f"{label(view.id)}<br/>{label(view.concluded_text)}<br/>{label(use)}: {verdict}"
        lines.append(f'  {ids[view.id]}["{text}"]:::{verdict}')
    for edge in result.graph.edges():
        lines.append(f'  {ids[edge.parent]} -->|"{label(edge.relation.value)}"| {ids[edge.child]}')
    lines.append(f"  class {ids[result.target]} target")
    return "\n".join(lines) + "\n"
