"""Findings: everything a reviewer must see that is not a term (unknowns, cycles, disagreements)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from licaudit.artifacts import ArtifactId


class FindingKind(StrEnum):
    UNRESOLVED_PARENT = "unresolved-parent"
    CYCLE = "cycle"
    SELF_LOOP = "self-loop"
    MISSING_LICENSE = "missing-license"
    UNRECOGNISED_LICENSE = "unrecognised-license"
    UNKNOWN_LICENSE = "unknown-license"
    MULTI_LICENSE = "multi-license"
    DECLARED_MORE_PERMISSIVE = "declared-more-permissive"
    CONTESTED_RISK = "contested-risk"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    severity: Severity
    artifact: ArtifactId
    message: str
    path: tuple[ArtifactId, ...] = ()
