"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, written directly as JSON.

Direct JSON because spdx-tools' SPDX 3 writer follows a 2023 draft that validators reject, and
the document is small and fixed in shape; tests validate it against the official JSON schema.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from licaudit import __version__
from licaudit.artifacts import ArtifactKind, Relation
from licaudit.pipeline import TraceResult
from licaudit.reports.lineage_view import NodeView, catalogued, hub_url, node_views, spdx_expression, spdx_license_id
from licaudit.reports.verdict_text import verdict_statement
from licaudit.terms.expressions import LicenseExpr

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
NO_ASSERTION_LICENSE = "spdx:ExpandedLicensing/NoAssertionLicense"
NAMESPACE_BASE = "https://licaudit.invalid/spdx3"  # .invalid: an identifier, never fetched
CREATION = "_:creationinfo"

# "child <relation> parent" -> (relationshipType, True when `from` is the child)
RELATIONSHIPS: dict[Relation, tuple[str, bool]] = {
    Relation.FINETUNE: ("descendantOf", True),
    Relation.ADAPTER: ("descendantOf", True),
    Relation.MERGE: ("descendantOf", True),
    Relation.WEIGHT_DIFF: ("descendantOf", True),
    Relation.DISTILLED_FROM: ("descendantOf", True),
    Relation.DERIVED_FROM: ("descendantOf", True),
    Relation.QUANTIZED: ("hasVariant", False),
    Relation.CONVERTED: ("hasVariant", False),
    Relation.TRAINED_ON: ("trainedOn", True),
    Relation.EVALUATED_ON: ("testedOn", True),
    Relation.GENERATED_BY: ("generates", False),
    Relation.TRANSLATED_BY: ("generates", False),
}


def render_spdx3(result: TraceResult, created: datetime) -> str:
    return json.dumps(spdx3_document(result, created), indent=2, ensure_ascii=False) + "\n"


def spdx3_document(result: TraceResult, created: datetime) -> dict[str, Any]:
    base = _namespace(result, created)
    views = node_views(result)
    ids = {view.id: f"{base}/artifact/{quote(view.id, safe='')}" for view in views}
    tool_agent = f"{base}/agent/licaudit"
    graph: list[dict[str, Any]] = [
        {
            "type": "CreationInfo",
            "@id": CREATION,
            "specVersion": "3.0.1",
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "createdBy": [tool_agent],
            "comment": f"licaudit {__version__}, stance {result.settings.stance.label}",
        },
        {"type": "SoftwareAgent", "spdxId": tool_agent, "creationInfo": CREATION, "name": f"licaudit {__version__}"},
    ]
    elements: list[str] = [tool_agent]
    licenses: dict[str, dict[str, Any]] = {}  # expression text -> element
    for view in views:
        graph.append(_package(view, ids[view.id]))
        elements.append(ids[view.id])
        for rel_type, expr in (("hasConcludedLicense", view.concluded), ("hasDeclaredLicense", view.declared)):
            target = _license_element(expr, base, licenses)
            rel_id = f"{ids[view.id]}/{rel_type}"
            graph.append(_relationship(rel_id, ids[view.id], rel_type, target))
            elements.append(rel_id)
        annotation_id = f"{ids[view.id]}/verdict"
        graph.append(
            {
                "type": "Annotation",
                "spdxId": annotation_id,
                "creationInfo": CREATION,
                "annotationType": "review",
                "subject": ids[view.id],
                "statement": verdict_statement(result, view.id),
            }
        )
        elements.append(annotation_id)
    for index, edge in enumerate(result.graph.edges()):
        rel_type, child_first = RELATIONSHIPS[edge.relation]
        first, second = (edge.child, edge.parent) if child_first else (edge.parent, edge.child)
        rel_id = f"{base}/relationship/{index}"
        rel = _relationship(rel_id, ids[first], rel_type, ids[second])
        rel["comment"] = f"licaudit relation: {edge.child} {edge.relation.value} {edge.parent}"
        graph.append(rel)
        elements.append(rel_id)
    graph.extend(licenses.values())
    elements.extend(element["spdxId"] for element in licenses.values())
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": f"{base}/document",
            "creationInfo": CREATION,
            "name": f"licaudit lineage of {result.target}",
            "profileConformance": ["core", "software", "simpleLicensing", "ai", "dataset"],
            "dataLicense": "https://spdx.org/licenses/CC0-1.0",
            "rootElement": [ids[result.target]],
            "element": elements,
        }
    )
    return {"@context": CONTEXT, "@graph": graph}


def _package(view: NodeView, spdx_id: str) -> dict[str, Any]:
    url = hub_url(view)
    element: dict[str, Any] = {"spdxId": spdx_id, "creationInfo": CREATION, "name": view.id}
    match view.kind:
        case ArtifactKind.MODEL:
            element.update({"type": "ai_AIPackage", "software_primaryPurpose": "model"})
        case ArtifactKind.DATASET:
            # The data's type is not something licaudit knows: never invent it.
            element.update(
                {
                    "type": "dataset_DatasetPackage",
                    "software_primaryPurpose": "data",
                    "dataset_datasetType": ["noAssertion"],
                }
            )
        case ArtifactKind.SERVICE | ArtifactKind.UNRESOLVED:
            element.update({"type": "software_Package", "software_primaryPurpose": "other"})
    if url is not None:
        element["software_downloadLocation"] = url
    if view.name != view.id:
        element["summary"] = view.name
    element["comment"] = f"licaudit kind: {view.kind.value}; license: {view.concluded_text}"
    return element


def _license_element(expr: LicenseExpr | None, base: str, licenses: dict[str, dict[str, Any]]) -> str:
    expression = spdx_expression(expr) if expr is not None else None
    if expression is None or expr is None:
        return NO_ASSERTION_LICENSE
    if expression not in licenses:
        digest = hashlib.sha256(expression.encode("utf-8")).hexdigest()[:16]
        element: dict[str, Any] = {
            "type": "simplelicensing_LicenseExpression",
            "spdxId": f"{base}/license/{digest}",
            "creationInfo": CREATION,
            "simplelicensing_licenseExpression": expression,
        }
        custom = [
            {"type": "DictionaryEntry", "key": spdx_license_id(lic), "value": lic.url}
            for lic in catalogued(expr)
            if spdx_license_id(lic).startswith("LicenseRef-") and lic.url
        ]
        if custom:
            element["simplelicensing_customIdToUri"] = custom
        licenses[expression] = element
    spdx_id: str = licenses[expression]["spdxId"]
    return spdx_id


def _relationship(spdx_id: str, source: str, rel_type: str, target: str) -> dict[str, Any]:
    return {
        "type": "Relationship",
        "spdxId": spdx_id,
        "creationInfo": CREATION,
        "from": source,
        "relationshipType": rel_type,
        "to": [target],
    }


def _namespace(result: TraceResult, created: datetime) -> str:
    seed = "\n".join([result.target, created.isoformat(), __version__, *result.graph.artifacts()])
    return f"{NAMESPACE_BASE}/{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:32]}"
