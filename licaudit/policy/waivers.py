"""Waivers: a named, justified, approved and expiring exception to one kind of finding."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from enum import StrEnum

from licaudit.findings import Finding, FindingKind


class WaiverReason(StrEnum):
    """Why a finding may be waived: a closed list, so waivers can be reviewed and counted."""

    LICENSE_ACQUIRED = "license-acquired"  # a separate license or written permission was obtained
    LEGAL_APPROVED = "legal-approved"  # counsel reviewed the terms and accepts the risk
    NOT_DISTRIBUTED = "not-distributed"  # used internally only, never shipped or offered as a service
    RESEARCH_ONLY = "research-only"  # this code path is research and never reaches a product
    FALSE_POSITIVE = "false-positive"  # licaudit is wrong here (say why in the justification)
    UPSTREAM_FIX_PENDING = "upstream-fix-pending"  # the upstream card or license is being corrected


@dataclass(frozen=True)
class Waiver:
    artifact: str  # an id or a glob (`huggyllama/*`), matched case-insensitively
    finding: FindingKind
    reason: WaiverReason
    justification: str
    approved_by: str
    approved: dt.date | None
    expires: dt.date
    file: str
    line: int

    def is_expired(self, today: dt.date) -> bool:
        """A waiver holds through its expiry date and stops matching the day after."""
        return today > self.expires

    def matches(self, finding: Finding) -> bool:
        return finding.kind is self.finding and fnmatch.fnmatchcase(finding.artifact.lower(), self.artifact.lower())


def find_waiver(finding: Finding, waivers: tuple[Waiver, ...], today: dt.date) -> Waiver | None:
    """The first live waiver that matches; expired ones never do."""
    for waiver in waivers:
        if not waiver.is_expired(today) and waiver.matches(finding):
            return waiver
    return None
