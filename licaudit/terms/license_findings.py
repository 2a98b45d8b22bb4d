"""Findings about an artifact's own license: missing, unrecognised, placeholder, several at once."""

from __future__ import annotations

from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.lineage.graph import LineageGraph
from licaudit.terms.expressions import AllOf, LicenseExpr, LicenseNormaliser, leaves
from licaudit.terms.license_conflict import prose_conflict
from licaudit.terms.recognition import Method


def license_findings(graph: LineageGraph, normaliser: LicenseNormaliser) -> list[Finding]:
    findings: list[Finding] = []
    for artifact in graph.artifacts():
        facts = graph.facts(artifact)
        if facts.kind is ArtifactKind.UNRESOLVED:
            continue  # reported as an unresolved parent
        expr = normaliser.normalise(facts.license_expression)
        for leaf in leaves(expr):
            if leaf.license is None and not leaf.raw:
                findings.append(
                    Finding(FindingKind.MISSING_LICENSE, Severity.ERROR, artifact, f"{artifact} declares no license")
                )
            elif leaf.license is None and leaf.recognition is not None:
                known = leaf.recognition
                findings.append(
                    Finding(
                        FindingKind.UNRECOGNISED_LICENSE,
                        Severity.ERROR,
                        artifact,
                        f"{artifact}: license {_quote(leaf.raw)} reads as {known.known_as} "
                        f"({known.category.value}, by {known.method.value}), which is not in the catalog; "
                        "its terms are unknown",
                    )
                )
            elif leaf.license is None:
                findings.append(
                    Finding(
                        FindingKind.UNRECOGNISED_LICENSE,
                        Severity.ERROR,
                        artifact,
                        f"{artifact}: license {_quote(leaf.raw)} is not in the catalog; its terms are unknown",
                    )
                )
            elif leaf.license.is_unknown:
                findings.append(
                    Finding(
                        FindingKind.UNKNOWN_LICENSE,
                        Severity.ERROR,
                        artifact,
                        f"{artifact}: license {leaf.raw!r} ({leaf.license.id}) names no terms licaudit can know",
                    )
                )
        findings += _recognition_findings(artifact, expr)
        conflict = prose_conflict(normaliser, facts.license_expression, facts.license_prose)
        if conflict is not None:
            findings.append(
                Finding(
                    FindingKind.DECLARED_LICENSE_CONFLICT,
                    Severity.ERROR,
                    artifact,
                    f"{artifact}: the card's metadata declares {_quote(facts.license_expression or '')} but its "
                    f"License section says {_quote(facts.license_prose or '')}; under the strict stance the more "
                    "restrictive reading binds",
                )
            )
        declared = facts.declared_license
        if declared is not None and isinstance(normaliser.normalise(declared), AllOf) and "," in declared:
            findings.append(
                Finding(
                    FindingKind.MULTI_LICENSE,
                    Severity.WARNING,
                    artifact,
                    f"{artifact} declares several licenses ({declared!r}); licaudit applies all of them",
                )
            )
    return findings


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= 120 else flat[:119] + "…")


def _recognition_findings(artifact: ArtifactId, expr: LicenseExpr) -> list[Finding]:
    """How licenses read from free text were read: restrictive wording, ports, families, modified
    texts. Each quotes the words it was read from."""
    found: list[Finding] = []
    for leaf in leaves(expr):
        recognition = leaf.recognition
        if recognition is None or leaf.license is None:
            continue
        if recognition.method is Method.PHRASE:
            message = f"{artifact}: the card says {recognition.quote!r}: read as {leaf.license.name}"
            found.append(Finding(FindingKind.RECOGNISED_LICENSE, Severity.WARNING, artifact, message))
        elif recognition.note:
            message = f"{artifact}: {recognition.quote!r} read as {leaf.license.id}: {recognition.note}"
            found.append(Finding(FindingKind.RECOGNISED_LICENSE, Severity.INFO, artifact, message))
    return found
