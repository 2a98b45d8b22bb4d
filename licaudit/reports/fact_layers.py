"""Which layer an artifact's facts came from, as reports name it: registry > dpi > card."""

from __future__ import annotations

from licaudit.artifacts import Origin
from licaudit.sources.facts import ArtifactFacts

LAYER_TITLES = {
    "registry": "the registry (curated)",
    "dpi": "the Data Provenance Collection (imported)",
    "card": "the card",
}


def fact_layer(facts: ArtifactFacts) -> str | None:
    """`registry`, `dpi` or `card` for the license and lineage the trace uses; None when no source
    gave evidence (an unresolved parent)."""
    origins = {e.origin for e in facts.license_evidence} | {e.origin for p in facts.parents for e in p.evidence}
    if Origin.CURATED in origins:
        return "registry"
    if Origin.DPI in origins:
        return "dpi"
    return "card" if origins else None
