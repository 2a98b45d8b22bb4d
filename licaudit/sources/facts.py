"""What a source learned about one artifact, every fact with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Relation


@dataclass(frozen=True)
class ParentLink:
    """ "This artifact <relation> parent", and who says so."""

    parent: ArtifactId
    relation: Relation
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class LicenseChange:
    date: str
    expression: str | None
    note: str
    source: str | None


@dataclass(frozen=True)
class ArtifactFacts:
    """One artifact as one source knows it.

    `license_expression` is the license licaudit concludes; `declared_license` is what the
    artifact's own card or repo says, verbatim. They may disagree: both are kept.
    """

    id: ArtifactId
    kind: ArtifactKind
    name: str
    license_expression: str | None
    declared_license: str | None
    license_evidence: tuple[Evidence, ...]
    parents: tuple[ParentLink, ...]
    aliases: tuple[str, ...] = ()
    on_hub: bool = True
    license_history: tuple[LicenseChange, ...] = ()
    notes: str | None = None
    record_path: str | None = None
    hints: tuple[str, ...] = field(default=())
    # The card's License section when the metadata also declares a license: the terms layer reads
    # both and reports `declared-license-conflict` when they disagree.
    license_prose: str | None = None
