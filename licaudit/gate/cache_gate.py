"""The gate over what a machine holds: every model and dataset in the local Hugging Face cache.

"Which of the models we downloaded may we ship?": each cache folder becomes a reference located at
the folder (`models--org--name`), with the revisions present, and is gated like any reference. Facts
come from the registry first (curated beats declared), then from the card and configs downloaded into
the cache (read as a local folder is read), then, unless offline, from the Hub.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.errors import SourceUnreachableError
from licaudit.gate.references import Reference, ReferenceKind, SkippedFile
from licaudit.gate.repository import GateResult, evaluate_references
from licaudit.knowledge import Knowledge
from licaudit.lineage.build import Resolver
from licaudit.locations import Location
from licaudit.pipeline import chained_resolver, registry_resolver
from licaudit.policy.policy_file import Policy
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.hub.settings import HubSettings
from licaudit.sources.local.hf_cache import CachedArtifact, read_hf_cache
from licaudit.sources.resolution import LayeredSource


def gate_hf_cache(
    cache: Path,
    policy: Policy,
    knowledge: Knowledge,
    today: dt.date,
    resolve: Resolver | None = None,
    hub: HubSettings | None = None,
    source: LayeredSource | None = None,
) -> GateResult:
    """Every artifact in the cache folder `cache`, gated; unreadable folders are warnings. Ids neither
    the registry nor the cached cards answer go to `source` (opened by the caller), if any."""
    artifacts, problems = read_hf_cache(cache)
    references = [_reference(artifact) for artifact in artifacts]
    skipped = tuple(SkippedFile(Location(p.folder, 1), p.message) for p in problems)
    if resolve is None:
        resolve = _resolver(cache, artifacts, knowledge, source)
    settings_hub = hub if source is not None else None
    return evaluate_references(
        "gate", cache.as_posix(), references, skipped, policy, knowledge, today, resolve, settings_hub
    )


def _resolver(
    cache: Path, artifacts: list[CachedArtifact], knowledge: Knowledge, source: LayeredSource | None
) -> Resolver:
    """Registry, then the cached card and configs, then the caller's source (the Hub through its cache)."""
    from licaudit.sources.cards.snapshot import facts_from_snapshot
    from licaudit.sources.local.folder import read_folder
    from licaudit.terms.identify import CatalogIdentifier

    identifier = CatalogIdentifier(knowledge.catalog)
    held = {_key(a.kind, a.id): a for a in artifacts}

    def from_cache(artifact: ArtifactId) -> ArtifactFacts | None:
        cached = held.get(artifact.lower())
        card = cached.card_path(cache) if cached is not None else None
        if cached is None or card is None:
            return None
        kind = ArtifactKind.DATASET if cached.kind == "dataset" else ArtifactKind.MODEL
        snapshot = replace(
            read_folder(str(card.parent)),
            artifact=artifact,
            kind=kind,
            revision=card.parent.name,
            web_url=f"https://huggingface.co/{'datasets/' if cached.kind == 'dataset' else ''}{cached.id}",
            on_hub=True,
        )
        facts, _ = facts_from_snapshot(snapshot, identifier)
        return facts

    resolvers: list[Resolver] = [registry_resolver(knowledge), from_cache]
    if source is not None:
        opened = source

        def from_source(artifact: ArtifactId) -> ArtifactFacts | None:
            found = opened.lookup(artifact)
            if found.facts is None and found.unreachable:
                raise SourceUnreachableError(artifact, found.unreachable)
            return found.facts

        resolvers.append(from_source)
    return chained_resolver(*resolvers)


def _key(kind: str, artifact_id: str) -> str:
    return (f"datasets/{artifact_id}" if kind == "dataset" else artifact_id).lower()


def _reference(artifact: CachedArtifact) -> Reference:
    kind = ReferenceKind.DATASET if artifact.kind == "dataset" else ReferenceKind.MODEL
    return Reference(Location(artifact.folder, 1), kind, artifact.id, f"hf cache {revisions_text(artifact)}")


def revisions_text(artifact: CachedArtifact) -> str:
    """`main@1a2b3c4, 9f8e7d6`: the revisions present, each with the refs that resolved to it."""
    parts = []
    for revision in artifact.revisions:
        names = ",".join(revision.refs)
        parts.append(f"{names}@{revision.commit[:7]}" if names else revision.commit[:7])
    return ", ".join(parts)
