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
    DECLARED_LICENSE_CONFLICT = "declared-license-conflict"  # card metadata and License section disagree
    RECOGNISED_LICENSE = "recognised-license"  # a license read from free text: how, and how sure
    DECLARED_MORE_PERMISSIVE = "declared-more-permissive"
    CONTESTED_RISK = "contested-risk"
    # Found while crawling the Hub and local folders
    REGISTRY_CARD_DISAGREEMENT = "registry-card-disagreement"  # curated and declared facts differ
    HINT = "hint"  # card text suggests a parent; never a fact
    GATED = "gated"  # 401/403: gated or private, recorded and skipped
    NOT_FOUND = "not-found"  # the Hub has no such repo
    INVALID_ID = "invalid-id"  # a name that cannot be a Hub id (e.g. ../../etc); never fetched
    CARD_PROBLEM = "card-problem"  # malformed YAML, no front matter, too large, bad UTF-8, ...
    UNREACHABLE = "unreachable"  # a source still failing after retries: the trace is incomplete
    TOO_MANY_PARENTS = "too-many-parents"  # past --max-parents: the rest are not followed, terms unknown
    # A folder a licaudit run wrote
    INCOMPLETE_RUN = "incomplete-run"  # its provenance says the run did not finish
    # The gate (policy, repository references, waivers) and the pre-release card check.
    USE_FORBIDDEN = "use-forbidden"
    TERMS_UNKNOWN = "terms-unknown"
    CONDITION_NOT_ACCEPTED = "condition-not-accepted"
    LICENSE_DENIED = "license-denied"
    LICENSE_NOT_ALLOWED = "license-not-allowed"
    CATEGORY_DENIED = "category-denied"
    CATEGORY_NOT_ALLOWED = "category-not-allowed"
    UNRESOLVED_ARTIFACT = "unresolved-artifact"
    UNRESOLVABLE_REFERENCE = "unresolvable-reference"
    UNPARSABLE_FILE = "unparsable-file"
    WAIVER_EXPIRED = "waiver-expired"
    CARD_MISSING_BASE_MODEL = "card-missing-base-model"
    CARD_MISSING_RELATION = "card-missing-relation"
    CARD_MISSING_DATASETS = "card-missing-datasets"
    CARD_MISSING_LICENSE = "card-missing-license"
    CARD_LICENSE_TOO_PERMISSIVE = "card-license-too-permissive"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}[self]


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    severity: Severity
    artifact: ArtifactId
    message: str
    path: tuple[ArtifactId, ...] = ()
