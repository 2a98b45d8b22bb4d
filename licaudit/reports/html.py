"""The HTML report: one self-contained file, the lineage as an SVG coloured by verdict, details on click.

No network, no CDN: the script, the style and the data are inline, and a Content-Security-Policy
with their hashes forbids everything else, so even a mistake in escaping could not run injected
script. Card text reaches the page only escaped (in the SVG) or as JSON read with `textContent`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from importlib.resources import files
from typing import Any

from licaudit import __version__
from licaudit.artifacts import ArtifactId, Evidence
from licaudit.pipeline import TraceResult
from licaudit.policy.verdicts import Reason, Verdict
from licaudit.reports.lineage_view import NodeView, catalogued, node_views, xml_safe
from licaudit.terms.catalog import License

NODE_WIDTH = 230
NODE_HEIGHT = 52
GAP_X = 24
GAP_Y = 70
ROW_LIMIT = 14  # a layer wider than this wraps onto more rows, so 500 nodes stay legible when zoomed
EDGE_LABEL_LIMIT = 80  # above this many edges, relations show on hover and in details only
MAX_LABEL = 30


def render_html(result: TraceResult, use: str) -> str:
    views = node_views(result)
    keys = {view.id: f"n{index}" for index, view in enumerate(views)}
    positions, width, height = _layout(result, views)
    data = _report_data(result, views, keys, use)
    svg = _svg(result, views, keys, positions, width, height, use)
    script = _asset("html_report.js")
    style = _asset("html_report.css")
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src '{_csp_hash(style)}'; script-src '{_csp_hash(script)}'; base-uri 'none'; form-action 'none'"
    )
    title = f"licaudit: {result.target}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp, quote=False)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="licaudit {escape(__version__)}">
<title>{_text(title)}</title>
<style>{style}</style>
</head>
<body>
<header id="verdict-panel" aria-label="Verdicts"></header>
<nav id="controls" aria-label="Graph controls">
  <label>Colour by <select id="use-select"></select></label>
  <input id="search" type="search" placeholder="Filter by id, license or kind" aria-label="Filter nodes">
  <span id="verdict-filters"></span>
  <button id="zoom-in" type="button" title="Zoom in">+</button>
  <button id="zoom-out" type="button" title="Zoom out">&#8722;</button>
  <button id="zoom-fit" type="button" title="Fit the graph">Fit</button>
  <button id="expand-all" type="button" title="Show collapsed ancestors again">Expand all</button>
  <span id="match-count" aria-live="polite"></span>
</nav>
<main>
<div id="graph-wrap">{svg}</div>
<aside id="details" aria-live="polite">
<p class="hint">Click a node to see its license, terms, evidence and findings.</p></aside>
</main>
<section id="findings-panel" aria-label="Findings"></section>
<script type="application/json" id="report-data">{_json_for_script(data)}</script>
<script>{script}</script>
</body>
</html>
"""


def _layout(result: TraceResult, views: list[NodeView]) -> tuple[dict[ArtifactId, tuple[float, float]], float, float]:
    """Target on top, each ancestor in the layer of its fewest hops; wide layers wrap onto rows."""
    depths = result.graph.depths_from(result.target)
    deepest = max(depths.values(), default=0)
    layers: dict[int, list[ArtifactId]] = {}
    for view in views:
        layers.setdefault(depths.get(view.id, deepest + 1), []).append(view.id)
    positions: dict[ArtifactId, tuple[float, float]] = {}
    row = 0
    width = NODE_WIDTH + 2 * GAP_X
    for depth in sorted(layers):
        # Order each layer by where its children sit, so edges cross less.
        def anchor(artifact: ArtifactId) -> tuple[float, str]:
            xs = [positions[e.child][0] for e in result.graph.child_edges(artifact) if e.child in positions]
            return (sum(xs) / len(xs) if xs else 0.0, artifact)

        members = sorted(layers[depth], key=anchor)
        for start in range(0, len(members), ROW_LIMIT):
            chunk = members[start : start + ROW_LIMIT]
            for index, artifact in enumerate(chunk):
                positions[artifact] = (GAP_X + index * (NODE_WIDTH + GAP_X), GAP_X + row * (NODE_HEIGHT + GAP_Y))
            width = max(width, GAP_X + len(chunk) * (NODE_WIDTH + GAP_X))
            row += 1
    height = GAP_X + row * (NODE_HEIGHT + GAP_Y)
    return positions, float(width), float(height)


def _svg(
    result: TraceResult,
    views: list[NodeView],
    keys: dict[ArtifactId, str],
    positions: dict[ArtifactId, tuple[float, float]],
    width: float,
    height: float,
    use: str,
) -> str:
    parts = [
        f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-label="Lineage graph of {_text(result.target)}">',
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
        '<g id="viewport"><g id="edges">',
    ]
    edges = result.graph.edges()
    for index, edge in enumerate(edges):
        px, py = positions[edge.parent]
        cx, cy = positions[edge.child]
        x1, y1 = px + NODE_WIDTH / 2, py  # parent's top
        x2, y2 = cx + NODE_WIDTH / 2, cy + NODE_HEIGHT  # child's bottom
        if edge.parent == edge.child:
            path = f"M{x1 - 20:.0f},{y1 + NODE_HEIGHT} c-40,40 80,40 40,0"
        else:
            bend = max(30.0, abs(y1 - y2) / 2)
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 - bend:.0f} {x2:.0f},{y2 + bend:.0f} {x2:.0f},{y2:.0f}"
        relation = edge.relation.value
        parts.append(
            f'<g class="edge" data-edge="{index}" data-from="{keys[edge.parent]}" data-to="{keys[edge.child]}">'
            f'<path d="{path}" marker-end="url(#arrow)"/><title>{_text(edge.parent)} {relation} → {_text(edge.child)}'
            f"</title>"
        )
        if len(edges) <= EDGE_LABEL_LIMIT:
            parts.append(
                f'<text class="edge-label" x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2:.0f}">{_text(relation)}</text>'
            )
        parts.append("</g>")
    parts.append('</g><g id="nodes">')
    for view in views:
        x, y = positions[view.id]
        verdict = view.verdicts.get(use, "unknown")
        target = " target" if view.id == result.target else ""
        parts.append(
            f'<g class="node{target}" id="node-{keys[view.id]}" data-key="{keys[view.id]}" data-verdict="{verdict}" '
            f'transform="translate({x:.0f},{y:.0f})" tabindex="0" role="button" aria-label="{_text(view.id)}">'
            f"<title>{_text(view.id)}: {_text(view.concluded_text)}</title>"
            f'<rect width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8"/>'
            f'<text class="node-id" x="10" y="20">{_text(_short(view.id))}</text>'
            f'<text class="node-license" x="10" y="40">{_text(_short(view.kind.value + " · " + view.concluded_text))}'
            "</text>"
            f'<text class="collapsed-badge" x="{NODE_WIDTH - 10}" y="20" text-anchor="end"></text></g>'
        )
    parts.append("</g></g></svg>")
    return "".join(parts)


def _report_data(result: TraceResult, views: list[NodeView], keys: dict[ArtifactId, str], use: str) -> dict[str, Any]:
    graph = result.graph
    licenses: dict[str, License] = {}
    nodes = []
    for view in views:
        facts = graph.facts(view.id)
        for license_ in catalogued(view.concluded):
            licenses.setdefault(license_.id, license_)
        nodes.append(
            {
                "key": keys[view.id],
                "id": view.id,
                "name": view.name,
                "kind": view.kind.value,
                "license": view.concluded_text,
                "declared": view.declared_text,
                "licenses": [lic.id for lic in catalogued(view.concluded)],
                "verdicts": view.verdicts,
                "evidence": [_evidence(e) for e in facts.license_evidence],
                "parents": [
                    {
                        "key": keys[e.parent],
                        "relation": e.relation.value,
                        "evidence": [_evidence(x) for x in e.evidence],
                    }
                    for e in graph.parent_edges(view.id)
                ],
                "children": [keys[e.child] for e in graph.child_edges(view.id)],
                "reasons": {u: _reasons(per[view.id], keys) for u, per in result.verdicts.items()},
                "findings": [
                    {"severity": f.severity.value, "kind": f.kind.value, "message": f.message}
                    for f in result.findings
                    if f.artifact == view.id
                ],
            }
        )
    return {
        "tool": f"licaudit {__version__}",
        "target": keys[result.target],
        "use": use,
        "uses": list(result.verdicts),
        "stance": result.settings.stance.label,
        "nodes": nodes,
        "licenses": {
            lic.id: {
                "name": lic.name,
                "url": lic.url,
                "category": lic.category.value,
                "terms": [
                    {"id": t.id, "kind": t.kind.value, "summary": t.summary, "clause": t.clause, "source": t.source}
                    for t in lic.terms
                ],
            }
            for lic in sorted(licenses.values(), key=lambda lic: lic.id)
        },
        "findings": [
            {
                "severity": f.severity.value,
                "kind": f.kind.value,
                "message": f.message,
                "artifact": keys.get(f.artifact),
            }
            for f in result.findings
        ],
    }


def _reasons(verdict: Verdict, keys: dict[ArtifactId, str]) -> dict[str, Any]:
    def reason(r: Reason) -> dict[str, Any]:
        carried, term = r.carried, r.carried.term
        return {
            "license": term.license_id,
            "kind": term.kind.value,
            "effect": r.effect.value,
            "summary": term.summary,
            "clause": term.clause,
            "source": term.source,
            "path": [keys[a] for a in carried.path],
            "relations": [rel.value for rel in carried.relations],
            "contested": carried.question,
            "also_via": [[keys[a] for a in other.path] for other in carried.also_via],
        }

    return {
        "verdict": verdict.verdict.value,
        "reasons": [reason(r) for r in verdict.reasons],
        "conditions": [reason(r) for r in verdict.conditions if r not in verdict.reasons],
        "duties": [reason(r) for r in verdict.duties],
        "risks": [reason(r) for r in verdict.risks],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"origin": evidence.origin.value, "url": evidence.url, "quote": evidence.quote}


def _asset(name: str) -> str:
    return files("licaudit.reports").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element or open a comment: <, >, & and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return xml_safe(text)


def _text(value: str) -> str:
    return escape(xml_safe(value), quote=True)


def _short(value: str) -> str:
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"
