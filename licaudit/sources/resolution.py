"""Resolution: the registry first, then the imported Data Provenance Collection, then a local folder
or the Hub (through the cache), merged.

Curated beats declared (registry > DPI > card): when the registry or the collection knows an
artifact, its license and parents stand; what the card says is kept as evidence beside them, and any
disagreement is a finding.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from licaudit.artifact_ref import is_local_folder, ref_key
from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.sources.cards.license_text import LicenseIdentifier
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.hub.settings import HubSettings
from licaudit.sources.registry import Registry

if TYPE_CHECKING:
    # The Hub client, its cache and the card and folder readers are imported when first needed:
    # a trace answered by the registry and the imported dumps never loads them (~50 ms of start-up).
    from licaudit.sources.cards.snapshot import LicenseTextFetcher
    from licaudit.sources.dpi.layer import Annotated, CollectionLayer
    from licaudit.sources.dumps.store import DumpStore
    from licaudit.sources.hub.client import HubClient

_EXPRESSION_SPLIT = re.compile(r"\s*(?:,|;|\bAND\b|\bOR\b|\bWITH\b)\s*", re.I)
REGISTRY_LAYER = "the registry (curated)"
_LAYER_PREFIXES = ("services/", "dpi/")  # ids only local layers answer: never looked up on the Hub


@dataclass(frozen=True)
class Lookup:
    """One artifact as the sources know it (or None), the findings on the way, and whether a
    source was unreachable (then the trace is incomplete and a re-run resumes)."""

    facts: ArtifactFacts | None
    findings: tuple[Finding, ...] = ()
    unreachable: str | None = None
    suggestions: tuple[str, ...] = ()


class _Opened:
    """What a source opens on first use (the Hub client, the imported dumps), opened once and shared
    by every view of one command run, closed once."""

    def __init__(
        self,
        open_hub: Callable[[], HubClient] | None,
        open_imported: Callable[[], DumpStore | None] | None,
        open_collection: Callable[[], CollectionLayer | None] | None = None,
    ) -> None:
        self.open_hub = open_hub
        self._open_imported = open_imported
        self._open_collection = open_collection
        self.hub: HubClient | None = None
        self._imported: DumpStore | None = None
        self._imported_opened = False
        self._collection: CollectionLayer | None = None
        self._collection_opened = False
        self.lock = threading.Lock()
        self.closed = False

    def client(self) -> HubClient:
        with self.lock:
            if self.hub is None:
                assert self.open_hub is not None
                self.hub = self.open_hub()
            return self.hub

    def imported(self) -> DumpStore | None:
        with self.lock:
            if not self._imported_opened:
                self._imported_opened = True
                self._imported = self._open_imported() if self._open_imported is not None else None
            return self._imported

    def collection(self) -> CollectionLayer | None:
        with self.lock:
            if not self._collection_opened:
                self._collection_opened = True
                self._collection = self._open_collection() if self._open_collection is not None else None
            return self._collection

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            if self._imported is not None:
                self._imported.close()
            if self._collection is not None:
                self._collection.store.close()
            if self.hub is not None and self.hub.cache is not None:
                self.hub.cache.close()


class LayeredSource:
    """Registry, local folders and the Hub behind one thread-safe, memoised `lookup`.

    One command run opens one source (`with open_source(...) as source:`) and passes it down to
    every trace it makes. The Hub client and the imported dumps are opened on first use, so lookups
    the registry answers never load them. `use_hub` says whether ancestors may come from the Hub;
    without it the client serves only `descendants` (the Hub's listing). `for_target` gives a view
    with its own `use_hub` that shares what was opened."""

    def __init__(
        self,
        registry: Registry,
        identifier: LicenseIdentifier,
        open_hub: Callable[[], HubClient] | None = None,
        use_hub: bool = True,
        check_cards: bool = False,
        imported: DumpStore | Callable[[], DumpStore | None] | None = None,
        open_collection: Callable[[], CollectionLayer | None] | None = None,
        *,
        opened: _Opened | None = None,
    ) -> None:
        self.registry = registry
        self.identifier = identifier
        self.check_cards = check_cards
        if opened is None:
            open_imported = imported if callable(imported) else (lambda: imported) if imported is not None else None
            opened = _Opened(open_hub, open_imported, open_collection)
        self._opened = opened
        self.use_hub = use_hub and opened.open_hub is not None
        self._memo: dict[str, Lookup] = {}
        self._recorded: dict[str, ArtifactFacts] = {}  # inputs a run's provenance file recorded
        self._lock = threading.Lock()

    def for_target(self, use_hub: bool) -> LayeredSource:
        """A view for one trace: its own `use_hub` and memo, the same opened client and dumps."""
        if use_hub == self.use_hub:
            return self
        return LayeredSource(
            self.registry, self.identifier, use_hub=use_hub, check_cards=self.check_cards, opened=self._opened
        )

    def __enter__(self) -> LayeredSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def imported(self) -> DumpStore | None:
        """`licaudit import`ed card dumps: after the registry, before the Hub."""
        return self._opened.imported()

    @property
    def hub(self) -> HubClient:
        """The Hub client, opened once, by whichever crawler thread needs it first."""
        return self._opened.client()

    @property
    def collection(self) -> CollectionLayer | None:
        """The imported Data Provenance Collection (None when none was imported), opened when the
        registry first misses an id."""
        return self._opened.collection()

    def lookup(self, artifact: ArtifactId) -> Lookup:
        key = artifact if is_local_folder(artifact) else ref_key(artifact)
        with self._lock:
            known = self._memo.get(key)
        if known is not None:
            return known
        found = self._lookup(artifact)
        with self._lock:
            self._memo.setdefault(key, found)
        return found

    def lookup_local(self, artifact: ArtifactId) -> Lookup | None:
        """The lookup when the registry, a recorded provenance or the imported dumps answer it
        (no folder read, no Hub client, no network); None when only `lookup` can."""
        if is_local_folder(artifact):
            return None
        key = ref_key(artifact)
        with self._lock:
            known = self._memo.get(key)
        if known is not None:
            return known
        found = self._local(artifact)
        if found is not None:
            with self._lock:
                self._memo.setdefault(key, found)
        return found

    def _lookup(self, artifact: ArtifactId) -> Lookup:
        if is_local_folder(artifact):
            from licaudit.sources.cards.snapshot import facts_from_snapshot
            from licaudit.sources.local.folder import read_folder
            from licaudit.sources.local.run_provenance import has_provenance

            if has_provenance(artifact):
                return self._from_provenance(artifact)
            snapshot = read_folder(artifact)
            facts, findings = facts_from_snapshot(snapshot, self.identifier, self._fetch_text())
            return Lookup(facts, tuple(findings))
        local = self._local(artifact)
        if local is not None:
            return local
        curated = self.registry.get(artifact)
        if curated is not None:
            return self._from_hub(curated.id, curated.kind, curated)
        annotated = self._annotated(artifact)
        if annotated is not None:  # its card is read from the Hub: cards are checked
            return self._from_hub(annotated.facts.id, annotated.facts.kind, annotated.facts, self._dpi_layer())
        if artifact.lower().startswith("datasets/"):
            return self._from_hub(artifact, ArtifactKind.DATASET, None)
        as_model = self._from_hub(artifact, ArtifactKind.MODEL, None)
        if as_model.facts is None and any(f.kind is FindingKind.NOT_FOUND for f in as_model.findings):
            as_dataset = self._from_hub(ArtifactId(f"datasets/{artifact}"), ArtifactKind.DATASET, None)
            if as_dataset.facts is not None:
                return as_dataset
        return as_model

    def _local(self, artifact: ArtifactId) -> Lookup | None:
        """What the sources before the Hub say about a non-folder artifact; None: ask the Hub."""
        curated = self.registry.get(artifact)
        if curated is None:
            with self._lock:
                recorded = self._recorded.get(ref_key(artifact))
            if recorded is not None:
                return Lookup(recorded)
        if curated is not None and (not curated.on_hub or not self.check_cards or not self.use_hub):
            return Lookup(curated)
        if curated is None:
            annotated = self._annotated(artifact)
            if annotated is not None:
                found = self._annotated_with_card(annotated)
                if found is not None:
                    return found
        if curated is None and self.imported is not None:
            dumped = self.imported.facts(artifact)
            if dumped is not None:
                return Lookup(dumped)
        if not self.use_hub or ref_key(artifact).startswith(_LAYER_PREFIXES):
            return Lookup(curated)
        return None

    def _annotated(self, artifact: str) -> Annotated | None:
        collection = self.collection
        return collection.lookup(artifact) if collection is not None else None

    def _dpi_layer(self) -> str:
        from licaudit.sources.dpi.layer import LAYER_NAME

        return LAYER_NAME

    def _annotated_with_card(self, annotated: Annotated) -> Lookup | None:
        """DPI's facts with the card beside them: an imported dump's card, else the card as DPI
        recorded it; None when the card is to be read from the Hub (cards are checked)."""
        facts = annotated.facts
        if facts.on_hub and self.check_cards and self.use_hub:
            return None
        dumped = self.imported.facts(facts.id) if self.imported is not None else None
        if dumped is not None:
            merged, disagreements = merge_curated(facts, dumped, self.registry, self.identifier, self._dpi_layer())
            return Lookup(merged, tuple(disagreements))
        if annotated.recorded_card is None:
            return Lookup(facts)
        recorded = replace(
            facts,
            declared_license=annotated.recorded_card,
            license_evidence=facts.license_evidence + annotated.recorded_evidence,
        )
        findings: tuple[Finding, ...] = ()
        if facts.license_expression is not None and license_set(
            annotated.recorded_card, self.identifier
        ) != license_set(facts.license_expression, self.identifier):
            message = (
                f"{facts.id}: the card declared {annotated.recorded_card!r} when the Data Provenance Collection"
                f" read it, but its annotation says {facts.license_expression!r}; the annotation is used"
            )
            findings = (Finding(FindingKind.REGISTRY_CARD_DISAGREEMENT, Severity.WARNING, facts.id, message),)
        return Lookup(recorded, findings)

    def _from_provenance(self, folder: str) -> Lookup:
        """A folder a licaudit run wrote: its provenance file names the output and every input."""
        from licaudit.sources.local.run_provenance import PROVENANCE_FILE, RunStatus, read_provenance

        local = read_provenance(Path(folder).expanduser() / PROVENANCE_FILE)
        with self._lock:
            for input_id, facts in local.inputs.items():
                self._recorded.setdefault(ref_key(input_id), facts)
        findings: tuple[Finding, ...] = ()
        if local.status != RunStatus.COMPLETE:
            message = f"the run that produced {folder} is {local.status}: the output is incomplete"
            findings = (Finding(FindingKind.INCOMPLETE_RUN, Severity.ERROR, local.facts.id, message),)
        return Lookup(local.facts, findings)

    def _fetch_text(self) -> LicenseTextFetcher | None:
        if not self.use_hub:
            return None

        def fetch(url: str) -> tuple[bytes | None, str | None]:
            return self.hub.license_text(url)  # the client opens only when a license link is read

        return fetch

    def _from_hub(
        self, artifact: ArtifactId, kind: ArtifactKind, curated: ArtifactFacts | None, layer: str = REGISTRY_LAYER
    ) -> Lookup:
        from licaudit.sources.cards.snapshot import facts_from_snapshot
        from licaudit.sources.hub.client import FetchStatus

        fetched = self.hub.repo(artifact, kind)
        match fetched.status:
            case FetchStatus.OK:
                assert fetched.snapshot is not None
                facts, findings = facts_from_snapshot(fetched.snapshot, self.identifier, self.hub.license_text)
                if fetched.snapshot.gated:
                    findings.append(
                        Finding(
                            FindingKind.GATED,
                            Severity.INFO,
                            facts.id,
                            f"{facts.id} is gated ({fetched.snapshot.gated}); its license is read from the listing",
                        )
                    )
                unreachable = None
                if fetched.incomplete:
                    unreachable = fetched.message
                    findings.append(
                        Finding(
                            FindingKind.UNREACHABLE,
                            Severity.ERROR,
                            facts.id,
                            f"{facts.id}: some files could not be read ({fetched.message}); re-run to resume",
                        )
                    )
                if curated is not None:
                    facts, merged = merge_curated(curated, facts, self.registry, self.identifier, layer)
                    findings += merged
                return Lookup(facts, tuple(findings), unreachable)
            case FetchStatus.NOT_FOUND:
                if curated is not None:
                    stands = f"{fetched.message}; {_layer_subject(layer)} record stands"
                    return Lookup(curated, (self._note(curated.id, stands),))
                suggestions = self._suggest(artifact, kind)
                hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
                finding = Finding(FindingKind.NOT_FOUND, Severity.WARNING, artifact, f"{fetched.message}{hint}")
                return Lookup(None, (finding,), suggestions=tuple(suggestions))
            case FetchStatus.GATED:
                finding = Finding(FindingKind.GATED, Severity.WARNING, artifact, fetched.message)
                return Lookup(curated, (finding,))
            case FetchStatus.INVALID:
                return Lookup(curated, (Finding(FindingKind.INVALID_ID, Severity.WARNING, artifact, fetched.message),))
            case FetchStatus.UNREACHABLE:
                finding = Finding(
                    FindingKind.UNREACHABLE,
                    Severity.ERROR,
                    artifact,
                    f"{artifact}: the Hub did not answer ({fetched.message}); re-run to resume",
                )
                return Lookup(curated, (finding,), unreachable=fetched.message)
            case FetchStatus.NOT_CACHED:
                return Lookup(curated, (self._note(artifact, fetched.message),))

    def _note(self, artifact: ArtifactId, message: str) -> Finding:
        return Finding(FindingKind.NOT_FOUND, Severity.INFO, artifact, message)

    def _suggest(self, artifact: ArtifactId, kind: ArtifactKind) -> list[str]:
        suggestions = list(self.registry.suggest(artifact))
        if self.use_hub:
            suggestions += [s for s in self.hub.search(artifact, kind) if s not in suggestions]
        return suggestions[:5]

    def descendants(self, artifact: ArtifactId, limit: int) -> list[tuple[str, str]] | None:
        """Children the Hub lists for the artifact (None: the Hub did not answer)."""
        if self._opened.open_hub is None:
            return []
        curated = self.registry.get(artifact)
        return self.hub.children(curated.id if curated is not None else artifact, limit)

    def close(self) -> None:
        """Close what was opened (once, whichever view asks); safe to call again."""
        self._opened.close()


def merge_curated(
    curated: ArtifactFacts,
    declared: ArtifactFacts,
    registry: Registry,
    identifier: LicenseIdentifier,
    layer: str = REGISTRY_LAYER,
) -> tuple[ArtifactFacts, list[Finding]]:
    """A curated layer's facts (the registry's or DPI's), with the card's evidence beside them;
    disagreements as findings."""
    findings: list[Finding] = []
    parents = list(curated.parents)

    def canonical(artifact: ArtifactId) -> str:
        known = registry.get(artifact)
        return ref_key(known.id if known is not None else artifact)

    for link in declared.parents:
        wanted = canonical(link.parent)
        index = next((i for i, p in enumerate(parents) if canonical(p.parent) == wanted), None)
        if index is not None:
            parents[index] = replace(parents[index], evidence=parents[index].evidence + link.evidence)
            continue
        findings.append(
            Finding(
                FindingKind.REGISTRY_CARD_DISAGREEMENT,
                Severity.WARNING,
                curated.id,
                f"{curated.id}: the card names {link.parent} as its {link.relation.value} parent "
                f"but {_layer_subject(layer)} does not list it; the curated lineage is used",
            )
        )
    if declared.license_expression is not None and curated.license_expression is not None:
        card, registry_view = (
            license_set(declared.license_expression, identifier),
            license_set(curated.license_expression, identifier),
        )
        if card != registry_view:
            findings.append(
                Finding(
                    FindingKind.REGISTRY_CARD_DISAGREEMENT,
                    Severity.WARNING,
                    curated.id,
                    f"{curated.id}: the card declares {declared.declared_license or declared.license_expression!r} "
                    f"but {layer} says {curated.license_expression!r}; {_layer_subject(layer)} is used",
                )
            )
    merged = replace(
        curated,
        declared_license=declared.declared_license or curated.declared_license,
        license_evidence=curated.license_evidence + declared.license_evidence,
        parents=tuple(parents),
        hints=curated.hints + declared.hints,
    )
    return merged, findings


def _layer_subject(layer: str) -> str:
    """ "the registry (curated)" -> "the registry": the layer named again, in short."""
    return layer.split(" (", 1)[0]


def license_set(expression: str, identifier: LicenseIdentifier) -> frozenset[str]:
    """The catalog ids (else the lower-cased names) an expression names: what two layers compare."""
    parts = [p.strip(" ()").lower() for p in _EXPRESSION_SPLIT.split(expression) if p.strip(" ()")]
    return frozenset((identifier.lookup_name(p) or p).lower() for p in parts)


def open_source(
    registry: Registry, settings: HubSettings, identifier: LicenseIdentifier, use_hub: bool = True
) -> LayeredSource:
    """The layered source of one command run: the registry, the imported dumps, local folders and
    the Hub behind the SQLite cache (an unusable cache is skipped). Nothing is opened until a lookup
    needs it; use it as a context manager so it is closed on every path."""
    return LayeredSource(
        registry,
        identifier,
        lambda: _open_hub(settings),
        use_hub,
        settings.check_cards,
        lambda: _imported(settings),
        lambda: _collection(settings, registry, identifier),
    )


def _open_hub(settings: HubSettings) -> HubClient:
    import sqlite3

    from licaudit.data_cache import default_cache_dir
    from licaudit.sources.hub.cache import HubCache
    from licaudit.sources.hub.client import HubClient

    cache: HubCache | None
    try:
        cache = HubCache(Path(settings.cache_dir) if settings.cache_dir else default_cache_dir())
    except (OSError, sqlite3.Error):
        cache = None
    return HubClient(settings, cache)


def _imported(settings: HubSettings) -> DumpStore | None:
    """The imported dumps, when `licaudit import` ever ran against this cache (never created here)."""
    import sqlite3

    from licaudit.data_cache import default_cache_dir
    from licaudit.sources.dumps.store import DATABASE_NAME, DumpStore

    database = (Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()) / DATABASE_NAME
    try:
        if not database.exists():
            return None
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as probe:
            if probe.execute("SELECT 1 FROM sqlite_master WHERE name = 'dump_artifacts'").fetchone() is None:
                return None
        return DumpStore(database)
    except (OSError, sqlite3.Error):
        return None


def _collection(settings: HubSettings, registry: Registry, identifier: LicenseIdentifier) -> CollectionLayer | None:
    """The imported Data Provenance Collection, when `licaudit import` loaded one into this cache."""
    import sqlite3

    from licaudit.data_cache import default_cache_dir
    from licaudit.sources.dpi.layer import CollectionLayer
    from licaudit.sources.dpi.store import CollectionStore, has_collection
    from licaudit.sources.dumps.store import DATABASE_NAME

    database = (Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()) / DATABASE_NAME
    try:
        if not has_collection(database):
            return None
        return CollectionLayer(CollectionStore(database), registry, identifier)
    except (OSError, sqlite3.Error):
        return None
