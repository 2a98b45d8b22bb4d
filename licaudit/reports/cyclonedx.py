"""CycloneDX 1.6 JSON ML-BOM: models, data and services, model cards, pedigree and dependencies.

Written as plain JSON: cyclonedx-python-lib has no `modelCard` writer, and building most of the
BOM with it only to patch the model cards into its output would split one document across two
writers. The tests validate the result against the official 1.6 schema the library bundles.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from licaudit import __version__
from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import UsageError
from licaudit.pipeline import TraceResult
from licaudit.reports.lineage_view import NodeView, hub_url, node_views, spdx_expression
from licaudit.terms.expressions import AllOf, AnyOf, LicenseExpr, LicenseLeaf, is_unknown, leaves

SPEC_VERSION = "1.6"
_UUID_NAMESPACE = uuid.UUID("6f1c1e2a-4c1b-5e8e-9a59-6c6963617564")  # fixed: serial numbers are reproducible

# Relations whose parent is an ancestor of the child's own content (weights or data), for `pedigree`.
PEDIGREE_RELATIONS = frozenset(
    {
        Relation.FINETUNE,
        Relation.ADAPTER,
        Relation.MERGE,
        Relation.QUANTIZED,
        Relation.CONVERTED,
        Relation.WEIGHT_DIFF,
        Relation.DISTILLED_FROM,
        Relation.DERIVED_FROM,
    }
)


def render_cyclonedx(result: TraceResult, created: datetime) -> str:
    return json.dumps(cyclonedx_document(result, created), indent=2, ensure_ascii=False) + "\n"


def cyclonedx_document(result: TraceResult, created: datetime) -> dict[str, Any]:
    views = {view.id: view for view in node_views(result)}
    graph = result.graph
    entries: dict[str, dict[str, Any]] = {}
    for artifact, view in views.items():
        entry = _service(view) if view.kind is ArtifactKind.SERVICE else _component(view)
        entry["properties"] = [
            *entry.get("properties", []),
            *({"name": f"licaudit:verdict:{use}", "value": effect} for use, effect in view.verdicts.items()),
        ]
        ancestors = [
            _ancestor(views[edge.parent], edge.relation)
            for edge in graph.parent_edges(artifact)
            if edge.relation in PEDIGREE_RELATIONS and edge.parent != artifact
        ]
        if ancestors and view.kind is not ArtifactKind.SERVICE:
            entry["pedigree"] = {"ancestors": ancestors}
        if view.kind is ArtifactKind.MODEL:
            datasets = [
                {"ref": edge.parent} for edge in graph.parent_edges(artifact) if edge.relation is Relation.TRAINED_ON
            ]
            card: dict[str, Any] = {"bom-ref": f"{artifact}#model-card"}
            if datasets:
                card["modelParameters"] = {"datasets": datasets}
            entry["modelCard"] = card
        entries[artifact] = entry
    # The BOM's subject is a component; a traced service (an API) stays among the services.
    target = entries.pop(result.target) if views[result.target].kind is not ArtifactKind.SERVICE else None
    components = [e for e in entries.values() if "type" in e]
    services = [e for e in entries.values() if "type" not in e]
    seed = "\n".join([result.target, created.isoformat(), __version__, *views])
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid5(_UUID_NAMESPACE, hashlib.sha256(seed.encode()).hexdigest())}",
        "version": 1,
        "metadata": {
            "timestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "licaudit", "version": __version__}]},
            **({"component": target} if target is not None else {}),
            "properties": [
                {"name": "licaudit:target", "value": result.target},
                {"name": "licaudit:stance", "value": result.settings.stance.label},
            ],
        },
        **({"components": components} if components else {}),
        **({"services": services} if services else {}),
        "dependencies": [
            {
                "ref": artifact,
                "dependsOn": sorted({edge.parent for edge in graph.parent_edges(artifact) if edge.parent != artifact}),
            }
            for artifact in views
        ],
    }


def _component(view: NodeView) -> dict[str, Any]:
    kind = view.kind
    if kind is ArtifactKind.UNRESOLVED:
        kind = ArtifactKind.DATASET if view.id.startswith("datasets/") else ArtifactKind.MODEL
    component: dict[str, Any] = {
        "type": "data" if kind is ArtifactKind.DATASET else "machine-learning-model",
        "bom-ref": view.id,
        "name": view.id,
    }
    if view.name != view.id:
        component["description"] = view.name
    component.update(_licenses(view))
    url = hub_url(view)
    if url is not None:
        component["externalReferences"] = [{"type": "website", "url": url}]
    component["properties"] = [{"name": "licaudit:kind", "value": view.kind.value}, *_license_properties(view)]
    return component


def _service(view: NodeView) -> dict[str, Any]:
    service: dict[str, Any] = {"bom-ref": view.id, "name": view.id}
    if view.name != view.id:
        service["description"] = view.name
    service.update(_licenses(view))
    service["properties"] = [{"name": "licaudit:kind", "value": view.kind.value}, *_license_properties(view)]
    return service


def _ancestor(view: NodeView, relation: Relation) -> dict[str, Any]:
    kind = "data" if view.kind is ArtifactKind.DATASET or view.id.startswith("datasets/") else "machine-learning-model"
    return {
        "type": kind,
        "name": view.id,
        "properties": [
            {"name": "licaudit:relation", "value": relation.value},
            {"name": "licaudit:ref", "value": view.id},
        ],
    }


def _licenses(view: NodeView) -> dict[str, Any]:
    """Declared and concluded licenses; unknown parts are left out (never invented) and named in properties."""
    sets = [("concluded", view.concluded)] + ([("declared", view.declared)] if view.declared is not None else [])
    if all(not _has_choice(expr) for _, expr in sets):
        licenses = [
            {"license": {**_license_ref(leaf), "acknowledgement": ack}}
            for ack, expr in sets
            for leaf in leaves(expr)
            if leaf.license is not None and not leaf.license.is_unknown
        ]
        return {"licenses": licenses} if licenses else {}
    expression = spdx_expression(view.concluded)  # one expression only: the concluded one
    if expression is None:
        return {}
    return {"licenses": [{"expression": expression, "acknowledgement": "concluded"}]}


def _license_ref(leaf: LicenseLeaf) -> dict[str, Any]:
    try:
        from cyclonedx.spdx import is_supported_id  # the SPDX ids the CycloneDX schema accepts
    except ImportError as error:
        raise UsageError(
            "CycloneDX export needs cyclonedx-python-lib: pip install 'licaudit-lineage[export]'"
        ) from error
    license_ = leaf.license
    assert license_ is not None
    if is_supported_id(license_.id):
        return {"id": license_.id}
    named: dict[str, Any] = {"name": license_.name}
    if license_.url:
        named["url"] = license_.url
    return named


def _has_choice(expr: LicenseExpr) -> bool:
    match expr:
        case LicenseLeaf():
            return False
        case AnyOf():
            return True
        case AllOf(parts=parts):
            return any(_has_choice(p) for p in parts)


def _license_properties(view: NodeView) -> list[dict[str, str]]:
    props = [{"name": "licaudit:license", "value": view.concluded_text}]
    if view.declared_text is not None:
        props.append({"name": "licaudit:declared-license", "value": view.declared_text})
    if is_unknown(view.concluded):
        props.append({"name": "licaudit:license-status", "value": "unknown"})
    return props
