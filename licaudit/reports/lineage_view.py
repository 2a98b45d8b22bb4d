"""The lineage as exports see it: per-artifact license facts and verdicts, read from a `TraceResult`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.pipeline import TraceResult
from licaudit.terms.catalog import License
from licaudit.terms.expressions import AllOf, AnyOf, LicenseExpr, LicenseLeaf, is_unknown, leaves, render

# XML 1.0 forbids these characters outright; GraphML, SVG and HTML exports drop them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LICENSE_REF_CHARS = re.compile(r"[^A-Za-z0-9.\-]")


def xml_safe(text: str) -> str:
    """Text XML can carry: characters XML 1.0 forbids are removed (escaping is the writer's job)."""
    return _XML_ILLEGAL.sub("", text)


@dataclass(frozen=True)
class NodeView:
    """One artifact's license facts as every export renders them."""

    id: ArtifactId
    kind: ArtifactKind
    name: str
    concluded: LicenseExpr  # the curated expression
    declared: LicenseExpr | None  # what the card says, None when no source quoted it
    verdicts: dict[str, str]  # use -> effect
    on_hub: bool

    @property
    def concluded_text(self) -> str:
        return render(self.concluded)

    @property
    def declared_text(self) -> str | None:
        return None if self.declared is None else render(self.declared)

    @property
    def licenses(self) -> list[License]:
        return catalogued(self.concluded)


def node_views(result: TraceResult) -> list[NodeView]:
    normaliser = result.knowledge.normaliser
    views = []
    for artifact in result.graph.artifacts():
        facts = result.graph.facts(artifact)
        views.append(
            NodeView(
                id=artifact,
                kind=facts.kind,
                name=facts.name or artifact,
                concluded=normaliser.normalise(facts.license_expression)
                if facts.kind is not ArtifactKind.UNRESOLVED
                else LicenseLeaf(None, ""),
                declared=None if facts.declared_license is None else normaliser.normalise(facts.declared_license),
                verdicts={use: per[artifact].verdict.value for use, per in result.verdicts.items()},
                on_hub=facts.on_hub,
            )
        )
    return views


def catalogued(expr: LicenseExpr) -> list[License]:
    found: dict[str, License] = {}
    for leaf in leaves(expr):
        if leaf.license is not None:
            found.setdefault(leaf.license.id, leaf.license)
    return list(found.values())


def spdx_license_id(license_: License) -> str:
    """The id an SPDX document can carry: SPDX ids as they are, others as a valid `LicenseRef-`."""
    if license_.id.startswith("LicenseRef-"):
        return "LicenseRef-" + _LICENSE_REF_CHARS.sub("-", license_.id.removeprefix("LicenseRef-"))
    if _LICENSE_REF_CHARS.search(license_.id):
        return "LicenseRef-licaudit-" + _LICENSE_REF_CHARS.sub("-", license_.id)
    return license_.id


def spdx_expression(expr: LicenseExpr, rename: dict[str, str] | None = None) -> str | None:
    """An SPDX license expression, or None when any part is unknown (exported as NOASSERTION)."""
    if is_unknown(expr):
        return None
    rename = rename or {}

    def walk(node: LicenseExpr, nested: bool) -> str:
        match node:
            case LicenseLeaf(license=license_):
                assert license_ is not None
                return rename.get(license_.id, spdx_license_id(license_))
            case AllOf(parts=parts):
                text = " AND ".join(walk(p, True) for p in parts)
                return f"({text})" if nested and len(parts) > 1 else text
            case AnyOf(options=options):
                text = " OR ".join(walk(o, True) for o in options)
                return f"({text})" if nested and len(options) > 1 else text

    return walk(expr, False)


def hub_url(view: NodeView) -> str | None:
    """Where the artifact lives on the Hub, when it does."""
    if not view.on_hub or view.kind in (ArtifactKind.SERVICE, ArtifactKind.UNRESOLVED):
        return None
    return f"https://huggingface.co/{view.id}"
