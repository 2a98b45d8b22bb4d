"""An imported Data Provenance Collection record as source facts: the layer between registry and cards.

Licenses are mapped to the catalog by name (an unmapped name stays as DPI wrote it, so it is an
unrecognised license and fails closed); generators become `generated_by` parents (a registry record
when one has the name, e.g. an OpenAI model's terms service), the datasets a record derives from
become `derived_from` parents. Every fact cites the DPI file, the record and the checkout's revision.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.sources.cards.license_text import LicenseIdentifier
from licaudit.sources.dpi.collection import DatasetRecord, Generator, hub_dataset_id, slug
from licaudit.sources.dpi.store import CollectionStore, StoredRecord
from licaudit.sources.facts import ArtifactFacts, ParentLink
from licaudit.sources.registry import Registry

LAYER_ORIGIN = Origin.DPI
LAYER_NAME = "the Data Provenance Collection"
UNNAMED_GENERATOR = "dpi/_generator"  # parents DPI names that no source can resolve: unresolved on purpose
UNNAMED_DATASET = "dpi/_dataset"
_NOT_MODELS = frozenset({"templates"})  # DPI's word for data built from templates, not by a model
MAX_NOTES = 2_000


@dataclass(frozen=True)
class Annotated:
    """An artifact as the layer knows it, and the card license DPI recorded for it (if any)."""

    facts: ArtifactFacts
    recorded_card: str | None  # "HF Yaml License" of its records, as DPI read the card
    recorded_evidence: tuple[Evidence, ...]


class CollectionLayer:
    """Looks artifacts up in the imported collection and turns their records into facts."""

    def __init__(self, store: CollectionStore, registry: Registry, identifier: LicenseIdentifier) -> None:
        self.store = store
        self.registry = registry
        self.identifier = identifier
        # Vendors the registry has terms services for (`services/<vendor>/...`): a generator of that
        # group without a record of its own is named under it, and so is unresolved, not guessed.
        self._vendors = frozenset(
            str(record.id).split("/")[1]
            for record in registry.records.values()
            if record.kind is ArtifactKind.SERVICE and str(record.id).count("/") >= 2
        )

    def lookup(self, artifact: str) -> Annotated | None:
        stored = self.store.records(artifact)
        return self.annotated(stored) if stored else None

    def facts(self, artifact: str) -> ArtifactFacts | None:
        found = self.lookup(artifact)
        return found.facts if found is not None else None

    def all_artifacts(self) -> Iterator[Annotated]:
        """Every artifact of the collection, each from all its records (for the whole audit)."""
        for _, group in itertools.groupby(self.store.all_records(), key=lambda s: s.record.artifact_id.lower()):
            yield self.annotated(list(group))

    def annotated(self, stored: list[StoredRecord]) -> Annotated:
        """The facts of one artifact from all its records (subsets or configs of one repository)."""
        first = stored[0].record
        artifact = ArtifactId(first.artifact_id)
        licenses: dict[str, None] = {}
        evidence: list[Evidence] = []
        parents: dict[tuple[str, Relation], list[Evidence]] = {}
        cards: dict[str, None] = {}
        card_evidence: list[Evidence] = []
        notes: list[str] = []
        for item in stored:
            record = item.record
            where = f"{record.collection}/{record.uid}"
            for annotated in record.licenses:
                licenses.setdefault(self.identifier.lookup_name(annotated.name) or annotated.name)
                quote = f'{record.uid}: "License": "{annotated.name}", "License URL": "{annotated.url}"'
                if annotated.license_class is not None:
                    c = annotated.license_class
                    quote += f" (DPI class: use {c.use}, attribution {c.attribution}, share-alike {c.share_alike})"
                evidence.append(Evidence(LAYER_ORIGIN, item.url, quote, item.revision, f"{where}: Licenses"))
            for generator in record.generators:
                parent = self.generator_parent(generator)
                if parent is not None:
                    quote = f'{record.uid}: "Model Generated": "{generator.name}"'
                    parents.setdefault((parent, Relation.GENERATED_BY), []).append(
                        Evidence(LAYER_ORIGIN, item.url, quote, item.revision, f"{where}: Model Generated")
                    )
            for source in record.derived_from:
                parent = self.dataset_parent(source)
                if parent != artifact.lower():
                    quote = f'{record.uid}: "Derived from Datasets": "{source}"'
                    parents.setdefault((parent, Relation.DERIVED_FROM), []).append(
                        Evidence(LAYER_ORIGIN, item.url, quote, item.revision, f"{where}: Derived from Datasets")
                    )
            if record.card_license:
                cards.setdefault(record.card_license)
                read = f" (card read {record.card_license_date})" if record.card_license_date else ""
                card_evidence.append(
                    Evidence(
                        Origin.DECLARED,
                        item.url,
                        f'{record.uid}: "HF Yaml License": "{record.card_license}"{read}',
                        item.revision,
                        f"{where}: Inferred Metadata",
                    )
                )
            if record.license_notes:
                notes.append(f"{record.uid}: {record.license_notes}")
        name = first.name if len(stored) == 1 else str(artifact)
        facts = ArtifactFacts(
            id=artifact,
            kind=ArtifactKind.DATASET,
            name=name,
            license_expression=" AND ".join(licenses) if licenses else None,
            declared_license=None,
            license_evidence=tuple(evidence),
            parents=tuple(
                ParentLink(ArtifactId(parent), relation, tuple(found)) for (parent, relation), found in parents.items()
            ),
            on_hub=first.hub_id is not None,
            notes=_notes(notes),
            record_path=stored[0].url,
        )
        recorded = ", ".join(cards) if cards else None
        return Annotated(facts, recorded, tuple(card_evidence))

    def generator_parent(self, generator: Generator) -> str | None:
        """The artifact a generator name means: a registry record (model or service), a Hub model id,
        else a name under its vendor's services or the unresolved generators."""
        name = generator.name.strip()
        if name.lower() in _NOT_MODELS:
            return None
        bare = name
        if generator.group and name.lower().startswith(generator.group.lower() + " "):
            bare = name[len(generator.group) + 1 :].strip()
        for candidate in dict.fromkeys((name, bare)):
            record = self.registry.get(candidate)
            if record is not None and record.kind in (ArtifactKind.MODEL, ArtifactKind.SERVICE):
                return str(record.id)
        if "/" in name and " " not in name:
            return name  # a Hub model id, e.g. 01-ai/Yi-34B-Chat
        vendor = slug(generator.group) if generator.group else None
        if vendor is not None and vendor in self._vendors:
            return f"services/{vendor}/{slug(bare)}"
        return f"{UNNAMED_GENERATOR}/{slug(name)}"

    def dataset_parent(self, source: str) -> str:
        """The artifact a "Derived from Datasets" entry means: a Hub URL, a registry record, a dataset
        of the collection, else a name among the unresolved datasets."""
        hub = hub_dataset_id(source)
        if hub is not None:
            record = self.registry.get(hub)
            return str(record.id) if record is not None else hub
        record = self.registry.get(source)
        if record is not None and record.kind is ArtifactKind.DATASET:
            return str(record.id)
        named = self.store.named(source)
        if named is not None:
            return named
        return f"{UNNAMED_DATASET}/{slug(source)}"


def _notes(notes: list[str]) -> str | None:
    if not notes:
        return None
    text = "DPI license notes: " + " | ".join(dict.fromkeys(notes))
    return text if len(text) <= MAX_NOTES else text[: MAX_NOTES - 1] + "…"


def is_layer_id(artifact: str) -> bool:
    """Ids only the layer can answer (never looked up on the Hub)."""
    return artifact.strip().lower().startswith("dpi/")


__all__ = ["LAYER_NAME", "Annotated", "CollectionLayer", "DatasetRecord", "is_layer_id"]
