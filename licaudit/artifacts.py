"""The shared vocabulary of every stage: artifacts, how they relate, and the evidence for a fact."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NewType

ArtifactId = NewType("ArtifactId", str)


class ArtifactKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"
    SERVICE = "service"
    UNRESOLVED = "unresolved"  # named as a parent, but no source knows it


class Relation(StrEnum):
    """How a child artifact came from a parent, read "child <relation> parent"."""

    FINETUNE = "finetune"
    ADAPTER = "adapter"
    MERGE = "merge"
    QUANTIZED = "quantized"
    CONVERTED = "converted"
    WEIGHT_DIFF = "weight_diff"
    DISTILLED_FROM = "distilled_from"
    TRAINED_ON = "trained_on"
    GENERATED_BY = "generated_by"
    TRANSLATED_BY = "translated_by"
    DERIVED_FROM = "derived_from"
    EVALUATED_ON = "evaluated_on"


class Origin(StrEnum):
    """Where a fact came from; curated beats dpi beats declared beats inferred."""

    CURATED = "curated"  # a registry record reviewed by people
    DPI = "dpi"  # an annotation of the Data Provenance Collection, imported by `licaudit import`
    DECLARED = "declared"  # a card field or a file in the artifact's repo
    TAG = "tag"  # a Hub tag
    INFERRED = "inferred"  # read from free text: a hint, never a fact


@dataclass(frozen=True)
class Evidence:
    """Who said so: the origin, the document (URL, repo path or file) and the quoted words."""

    origin: Origin
    url: str
    quote: str | None = None
    revision: str | None = None
    field: str | None = None
