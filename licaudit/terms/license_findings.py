"""Findings about an artifact's own license: missing, unrecognised, placeholder, several at once."""

from __future__ import annotations

from licaudit.artifacts import ArtifactKind
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.lineage.graph import LineageGraph
from licaudit.terms.expressions import AllOf, LicenseNormaliser, leaves


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
            elif leaf.license is None:
                findings.append(
                    Finding(
                        FindingKind.UNRECOGNISED_LICENSE,
                        Severity.ERROR,
                        artifact,
                        f"{artifact}: license {leaf.raw!r} is not in the catalog; its terms are unknown",
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
