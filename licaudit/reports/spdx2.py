"""SPDX 2.3 JSON: one package per artifact, lineage relationships, the verdict as annotations."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from typing import TYPE_CHECKING

from licaudit import __version__
from licaudit.artifacts import ArtifactId, Relation
from licaudit.pipeline import TraceResult
from licaudit.reports.lineage_view import NodeView, catalogued, hub_url, node_views, spdx_expression, spdx_license_id
from licaudit.reports.verdict_text import verdict_statement
from licaudit.terms.catalog import License

if TYPE_CHECKING:
    from spdx_tools.spdx.model import Document, Package

_SPDX_ID_CHARS = re.compile(r"[^A-Za-z0-9.\-]+")
NAMESPACE_BASE = "https://licaudit.invalid/spdx"  # .invalid: an identifier, never fetched

# "child <relation> parent" -> (SPDX type name, True when the SPDX element is the child)
RELATIONSHIPS: dict[Relation, tuple[str, bool]] = {
    Relation.FINETUNE: ("DESCENDANT_OF", True),
    Relation.ADAPTER: ("DESCENDANT_OF", True),
    Relation.MERGE: ("DESCENDANT_OF", True),
    Relation.WEIGHT_DIFF: ("DESCENDANT_OF", True),
    Relation.DISTILLED_FROM: ("DESCENDANT_OF", True),
    Relation.DERIVED_FROM: ("DESCENDANT_OF", True),
    Relation.QUANTIZED: ("VARIANT_OF", True),
    Relation.CONVERTED: ("VARIANT_OF", True),
    Relation.TRAINED_ON: ("GENERATED_FROM", True),
    Relation.GENERATED_BY: ("GENERATED_FROM", True),
    Relation.TRANSLATED_BY: ("GENERATED_FROM", True),
    Relation.EVALUATED_ON: ("TEST_OF", False),  # the dataset is a test of the model
}


def spdx_ids(artifacts: list[ArtifactId]) -> dict[ArtifactId, str]:
    """Readable, unique SPDXIDs (only letters, digits, '.' and '-' are allowed)."""
    ids: dict[ArtifactId, str] = {}
    for artifact in artifacts:
        slug = _SPDX_ID_CHARS.sub("-", artifact).strip("-")[:80] or "artifact"
        digest = hashlib.sha256(artifact.encode("utf-8")).hexdigest()[:8]
        ids[artifact] = f"SPDXRef-{slug}-{digest}"
    return ids


def build_document(result: TraceResult, created: datetime) -> Document:
    from license_expression import get_spdx_licensing
    from spdx_tools.spdx.model import (
        Actor,
        ActorType,
        Annotation,
        AnnotationType,
        CreationInfo,
        Document,
        ExtractedLicensingInfo,
        Relationship,
        RelationshipType,
    )

    licensing = get_spdx_licensing()
    views = node_views(result)
    ids = spdx_ids([v.id for v in views])
    refs: dict[str, License] = {}
    for view in views:
        for expr in (view.concluded, view.declared):
            for license_ in catalogued(expr) if expr is not None else []:
                if _needs_ref(license_, licensing):
                    refs.setdefault(license_.id, license_)
    rename = {lic_id: _ref_id(lic) for lic_id, lic in refs.items()}
    tool = Actor(ActorType.TOOL, f"licaudit-{__version__}")
    packages = [_package(view, ids[view.id], rename, licensing) for view in views]
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, ids[result.target])]
    for edge in result.graph.edges():
        name, child_first = RELATIONSHIPS[edge.relation]
        first, second = (edge.child, edge.parent) if child_first else (edge.parent, edge.child)
        relationships.append(
            Relationship(ids[first], RelationshipType[name], ids[second], comment=f"licaudit relation: {edge.relation}")
        )
    annotations = [
        Annotation(ids[view.id], AnnotationType.REVIEW, tool, created, verdict_statement(result, view.id))
        for view in views
    ]
    extracted = [
        ExtractedLicensingInfo(
            license_id=rename[lic.id],
            extracted_text=_reference_text(lic),
            license_name=lic.name,
            cross_references=[lic.url] if lic.url else [],
            comment=f"licaudit catalog license {lic.id} ({lic.category.value})",
        )
        for lic in sorted(refs.values(), key=lambda lic: lic.id)
    ]
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"licaudit lineage of {result.target}",
        document_namespace=_namespace(result, created),
        creators=[tool],
        created=created,
        creator_comment=f"licaudit trace, stance {result.settings.stance.label}",
    )
    return Document(
        creation_info=creation,
        packages=packages,
        relationships=relationships,
        annotations=annotations,
        extracted_licensing_info=extracted,
    )


def render_spdx2(result: TraceResult, created: datetime) -> str:
    from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

    stream = io.StringIO()
    write_document_to_stream(build_document(result, created), stream, validate=False)
    return stream.getvalue() + "\n"


def _package(view: NodeView, spdx_id: str, rename: dict[str, str], licensing: object) -> Package:
    from spdx_tools.spdx.model import Package, PackagePurpose, SpdxNoAssertion

    url = hub_url(view)
    concluded = spdx_expression(view.concluded, rename)
    declared = spdx_expression(view.declared, rename) if view.declared is not None else None
    notes = [f"licaudit license: {view.concluded_text}"]
    if view.declared_text is not None:
        notes.append(f"declared on the card: {view.declared_text}")
    if concluded is None or declared is None:
        notes.append("NOASSERTION where licaudit does not know the license")
    return Package(
        spdx_id=spdx_id,
        name=view.id,
        download_location=url or SpdxNoAssertion(),
        homepage=url,
        files_analyzed=False,
        license_concluded=_parse(concluded, licensing),
        license_declared=_parse(declared, licensing),
        license_comment="; ".join(notes),
        copyright_text=SpdxNoAssertion(),
        summary=view.name if view.name != view.id else None,
        comment=f"licaudit kind: {view.kind.value}",
        primary_package_purpose=PackagePurpose.OTHER,  # SPDX 2.3 has no model or dataset purpose
    )


def _parse(expression: str | None, licensing: object) -> object:
    from spdx_tools.spdx.model import SpdxNoAssertion

    if expression is None:
        return SpdxNoAssertion()
    return licensing.parse(expression)  # type: ignore[attr-defined]


def _needs_ref(license_: License, licensing: object) -> bool:
    """True for licenses spdx-tools' SPDX license list does not know (they become `LicenseRef-`s)."""
    if license_.id.startswith("LicenseRef-"):
        return True
    return license_.id.lower() not in _known_ids(licensing)


_KNOWN: dict[int, frozenset[str]] = {}


def _known_ids(licensing: object) -> frozenset[str]:
    known = _KNOWN.get(id(licensing))
    if known is None:
        known = frozenset(str(k).lower() for k in licensing.known_symbols)  # type: ignore[attr-defined]
        _KNOWN[id(licensing)] = known
    return known


def _ref_id(license_: License) -> str:
    ref = spdx_license_id(license_)
    return ref if ref.startswith("LicenseRef-") else "LicenseRef-" + ref


def _reference_text(license_: License) -> str:
    lines = [f"{license_.name}.", f"Full text: {license_.url}" if license_.url else "Full text: not recorded."]
    quoted = dict.fromkeys(f'{term.kind.value}: "{term.clause}"' for term in license_.terms if term.clause)
    return "\n".join([*lines, *quoted])


def _namespace(result: TraceResult, created: datetime) -> str:
    """Unique per document content and time, and the same for the same inputs."""
    seed = "\n".join([result.target, created.isoformat(), __version__, *result.graph.artifacts()])
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    slug = _SPDX_ID_CHARS.sub("-", result.target).strip("-")[:80]
    return f"{NAMESPACE_BASE}/{slug}-{digest}"
