"""The JSON report: a stable, versioned document (schema in README.md)."""

from __future__ import annotations

import json
from typing import Any

from licaudit import __version__
from licaudit.artifacts import Evidence
from licaudit.pipeline import TraceResult
from licaudit.policy.verdicts import Reason, Verdict
from licaudit.reports.fact_layers import fact_layer
from licaudit.terms.expressions import leaves, render, unrecognised

JSON_SCHEMA_VERSION = "1.0"


def render_json(result: TraceResult) -> str:
    return json.dumps(trace_document(result), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def trace_document(result: TraceResult) -> dict[str, Any]:
    knowledge = result.knowledge
    graph = result.graph
    nodes = []
    for artifact in graph.artifacts():
        facts = graph.facts(artifact)
        expr = knowledge.normaliser.normalise(facts.license_expression)
        catalogued = [leaf.license for leaf in leaves(expr) if leaf.license is not None]
        nodes.append(
            {
                "id": artifact,
                "kind": facts.kind.value,
                "name": facts.name,
                "declared_license": facts.declared_license,
                "license": facts.license_expression,
                "normalised_license": render(expr),
                "licenses": [lic.id for lic in catalogued],
                "categories": sorted({lic.category.value for lic in catalogued}),
                "unrecognised_licenses": unrecognised(expr),
                "on_hub": facts.on_hub,
                "layer": fact_layer(facts),
                "verdicts": {use: result.verdicts[use][artifact].verdict.value for use in result.verdicts},
                "sources": [_evidence(e) for e in facts.license_evidence],
                "hints": list(facts.hints),
                "license_history": [
                    {"date": c.date, "license": c.expression, "note": c.note, "source": c.source}
                    for c in facts.license_history
                ],
            }
        )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "licaudit", "version": __version__},
        "target": result.target,
        "stance": result.settings.stance.label,
        "verdicts": {use: _verdict(per[result.target]) for use, per in result.verdicts.items()},
        "nodes": nodes,
        "edges": [
            {
                "parent": edge.parent,
                "child": edge.child,
                "relation": edge.relation.value,
                "sources": [_evidence(e) for e in edge.evidence],
            }
            for edge in graph.edges()
        ],
        "incomplete": result.incomplete,
        "descendants": [{"id": d.id, "relation": d.relation} for d in result.descendants],
        "findings": [
            {
                "kind": f.kind.value,
                "severity": f.severity.value,
                "artifact": f.artifact,
                "message": f.message,
                "path": list(f.path),
            }
            for f in result.findings
        ],
    }


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict.value,
        "reasons": [_reason(r) for r in verdict.reasons],
        "conditions": [_reason(r) for r in verdict.conditions],
        "duties": [_reason(r) for r in verdict.duties],
        "risks": [_reason(r) for r in verdict.risks],
    }


def _reason(reason: Reason) -> dict[str, Any]:
    carried, term = reason.carried, reason.carried.term
    return {
        "license": term.license_id,
        "term": term.id,
        "kind": term.kind.value,
        "effect": reason.effect.value,
        "summary": term.summary,
        "clause": term.clause,
        "source": term.source,
        "value": term.value,
        "origin": carried.origin,
        "path": list(carried.path),
        "relations": [r.value for r in carried.relations],
        "contested_question": carried.question,
        "also_via": [
            {
                "path": list(other.path),
                "relations": [r.value for r in other.relations],
                "contested_question": other.question,
            }
            for other in carried.also_via
        ],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "origin": evidence.origin.value,
        "url": evidence.url,
        "quote": evidence.quote,
        "revision": evidence.revision,
        "field": evidence.field,
    }
