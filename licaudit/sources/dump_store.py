"""The imported Hub dumps: card metadata and lineage edges in the shared SQLite cache (`dump_` tables).

One row per artifact, keyed by id, so importing twice changes nothing and a newer dump updates only
what changed (a card's checksum decides whether it is parsed again). Progress is committed with
each batch of rows: an interrupted import resumes after the last committed row.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.data_cache import default_cache_dir
from licaudit.sources.cards import CardMetadata, parse_card
from licaudit.sources.dump_rows import DumpRow, RowProblem, artifact_id, read_dump
from licaudit.sources.facts import ArtifactFacts, ParentLink

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

DATABASE_NAME = "licaudit.sqlite3"
SCHEMA_VERSION = 1
BATCH_ROWS = 5000
HUB_RELATIONS = {
    "finetune": Relation.FINETUNE,
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZED,
}
_URL_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "hf.co/", "hf://")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dump_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dump_imports (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE,
    started REAL NOT NULL, finished REAL, rows_done INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dump_artifacts (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, author TEXT, last_modified TEXT, created_at TEXT,
    downloads INTEGER NOT NULL DEFAULT 0, likes INTEGER NOT NULL DEFAULT 0,
    library_name TEXT, pipeline_tag TEXT,
    license TEXT, license_origin TEXT, license_quote TEXT,
    card_checksum INTEGER NOT NULL, card_errors TEXT,
    import_id INTEGER NOT NULL, row_number INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dump_edges (
    child TEXT NOT NULL, parent TEXT NOT NULL, relation TEXT NOT NULL,
    origin TEXT NOT NULL, quote TEXT,
    PRIMARY KEY (child, parent, relation)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dump_problems (
    import_id INTEGER NOT NULL, row_number INTEGER NOT NULL, artifact TEXT, reason TEXT NOT NULL,
    skipped INTEGER NOT NULL
);
"""


def default_database() -> Path:
    return default_cache_dir() / DATABASE_NAME


@dataclass(frozen=True)
class Link:
    parent: str
    relation: Relation
    origin: Origin
    quote: str


@dataclass(frozen=True)
class CardFacts:
    """What licaudit keeps of one card: the license it declares and the parents it names."""

    license: str | None
    license_origin: Origin | None
    license_quote: str | None
    links: tuple[Link, ...]
    errors: tuple[str, ...]


@dataclass
class ImportSummary:
    source: str
    import_id: int
    resumed_from: int = 0
    already_imported: bool = False
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    card_errors: int = 0
    seconds: float = 0.0
    problems: list[RowProblem] = field(default_factory=list)


def card_facts(kind: ArtifactKind, card: CardMetadata, tags: tuple[str, ...]) -> CardFacts:
    """Declared license and lineage links of one artifact, from its card and then its Hub tags."""
    license_, origin, quote = _declared_license(card, tags)
    links: dict[tuple[str, Relation], Link] = {}

    def add(parent: str, relation: Relation, link_origin: Origin, link_quote: str) -> None:
        parent = _clean_id(parent)
        if parent and (parent, relation) not in links:
            links[(parent, relation)] = Link(parent, relation, link_origin, link_quote[:300])

    if kind is ArtifactKind.MODEL:
        tag_relations: dict[str, Relation] = {}
        for tag in tags:
            if tag.startswith("base_model:"):
                parts = tag.split(":", 2)
                if len(parts) == 3 and parts[1] in HUB_RELATIONS:
                    tag_relations[_clean_id(parts[2])] = HUB_RELATIONS[parts[1]]
        declared_relation = HUB_RELATIONS.get((card.base_model_relation or "").strip().lower())
        for base in card.base_model:
            relation = declared_relation or tag_relations.get(_clean_id(base))
            if relation is None:  # as the Hub infers it: several bases are a merge
                relation = Relation.MERGE if len(card.base_model) > 1 else Relation.FINETUNE
                add(base, relation, Origin.INFERRED, f"base_model: {base} (relation inferred)")
            else:
                add(base, relation, Origin.DECLARED, f"base_model: {base}")
        if not card.base_model:
            for parent, relation in tag_relations.items():
                add(parent, relation, Origin.TAG, f"base_model:{relation.value}:{parent}")
        for dataset in card.datasets:
            add(
                artifact_id(ArtifactKind.DATASET, _clean_id(dataset)),
                Relation.TRAINED_ON,
                Origin.DECLARED,
                f"datasets: {dataset}",
            )
        for tag in tags:
            if tag.startswith("dataset:"):
                add(artifact_id(ArtifactKind.DATASET, _clean_id(tag[8:])), Relation.TRAINED_ON, Origin.TAG, tag)
    else:
        for source in card.source_datasets:
            name = source.split("|", 1)[1] if source.startswith("extended|") else source
            if name.strip().lower() in {"original", "extended", "other"}:
                continue
            add(
                artifact_id(ArtifactKind.DATASET, _clean_id(name)),
                Relation.DERIVED_FROM,
                Origin.DECLARED,
                f"source_datasets: {source}",
            )
    # A card naming itself is kept: the lineage reports it as a self-loop.
    ordered = tuple(sorted(links.values(), key=lambda link: (link.parent, link.relation.value)))
    return CardFacts(license_, origin, quote, ordered, card.errors)


def _declared_license(card: CardMetadata, tags: tuple[str, ...]) -> tuple[str | None, Origin | None, str | None]:
    if card.license:
        values = list(card.license)
        quote = f"license: {', '.join(values)}"
        # `license: other` with a `license_name` (the Hub's way to name e.g. llama3) means that name.
        if [v.lower() for v in values] == ["other"] and card.license_name:
            values = [card.license_name]
            quote += f"; license_name: {card.license_name}"
        return ", ".join(values), Origin.DECLARED, quote
    from_tags = [t[8:] for t in tags if t.startswith("license:") and t[8:]]
    if from_tags:
        return ", ".join(from_tags), Origin.TAG, ", ".join(f"license:{t}" for t in from_tags)
    return None, None, None


def _clean_id(text: str) -> str:
    value = text.strip().rstrip("/")
    lowered = value.lower()
    for prefix in _URL_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value


def _checksum(row: DumpRow) -> int:
    card = row.card if isinstance(row.card, bytes) else (row.card or "").encode("utf-8", "surrogatepass")
    return zlib.crc32("\x1f".join(row.tags).encode("utf-8", "surrogatepass"), zlib.crc32(card))


class DumpStore:
    """The `dump_` tables of the shared SQLite cache (WAL, so readers never block the import)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_database()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # `trace` looks artifacts up from crawler threads: one connection, used under a lock.
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Ids arrive in no particular order: with SQLite's default 2 MB page cache, inserts into a
        # table of a million rows turn into disk reads and the import slows tenfold as it grows.
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA mmap_size=2147483648")
        self.db.executescript(_SCHEMA)
        self.db.execute(
            "INSERT OR IGNORE INTO dump_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DumpStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM dump_artifacts").fetchone()[0])

    def nodes(self) -> Iterator[tuple[str, str, int, str | None]]:
        """(id, kind, downloads, declared license) of every imported artifact, in id order."""
        yield from self.db.execute("SELECT id, kind, downloads, license FROM dump_artifacts ORDER BY id")

    def edges(self) -> Iterator[tuple[str, str, str]]:
        """(child, parent, relation) of every imported lineage link."""
        yield from self.db.execute("SELECT child, parent, relation FROM dump_edges")

    def card_error_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM dump_artifacts WHERE card_errors IS NOT NULL").fetchone()[0])

    def facts(self, artifact: str) -> ArtifactFacts | None:
        """One imported artifact as a source fact, for `trace` (same columns the audit reads)."""
        with self._lock:
            return self._facts(artifact)

    def _facts(self, artifact: str) -> ArtifactFacts | None:
        query = "SELECT id, kind, license, license_origin, license_quote FROM dump_artifacts WHERE id = ?"
        row = self.db.execute(query, (artifact,)).fetchone()
        if row is None and not artifact.startswith("datasets/"):
            row = self.db.execute(query, (f"datasets/{artifact}",)).fetchone()
        if row is None:
            return None
        found_id, kind, license_, origin, quote = row
        url = f"https://huggingface.co/{found_id}"
        parents = tuple(
            ParentLink(ArtifactId(parent), Relation(relation), (Evidence(Origin(link_origin), url, link_quote),))
            for parent, relation, link_origin, link_quote in self.db.execute(
                "SELECT parent, relation, origin, quote FROM dump_edges WHERE child = ? ORDER BY parent, relation",
                (found_id,),
            )
        )
        evidence = (Evidence(Origin(origin), url, quote, field="license"),) if origin else ()
        return ArtifactFacts(
            id=ArtifactId(found_id),
            kind=ArtifactKind(kind),
            name=found_id,
            license_expression=license_,
            declared_license=license_,
            license_evidence=evidence,
            parents=parents,
        )

    def problems(self, import_id: int) -> list[RowProblem]:
        return [
            RowProblem(number, artifact, reason, bool(skipped))
            for number, artifact, reason, skipped in self.db.execute(
                "SELECT row_number, artifact, reason, skipped FROM dump_problems WHERE import_id = ?"
                " ORDER BY row_number, rowid",
                (import_id,),
            )
        ]

    # --- importing -----------------------------------------------------------------------------
    def import_dump(
        self,
        path: Path,
        batch_rows: int = BATCH_ROWS,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Import one dump; `workers` processes parse cards while this one reads and writes."""
        started = time.perf_counter()
        stat = path.stat()
        fingerprint = hashlib.sha256(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()
        found = self.db.execute(
            "SELECT id, finished, rows_done, added, updated, unchanged, skipped FROM dump_imports"
            " WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        if found is not None and found[1] is not None:
            import_id = int(found[0])
            summary = ImportSummary(str(path), import_id, already_imported=True, rows=found[2])
            summary.added, summary.updated, summary.unchanged, summary.skipped = found[3:]
            summary.problems = self.problems(import_id)
            return summary
        if found is None:
            cursor = self.db.execute(
                "INSERT INTO dump_imports (source, fingerprint, started) VALUES (?, ?, ?)",
                (str(path), fingerprint, time.time()),
            )
            import_id = int(cursor.lastrowid or 0)
            summary = ImportSummary(str(path), import_id)
        else:
            import_id = int(found[0])
            summary = ImportSummary(str(path), import_id, resumed_from=int(found[2]), rows=int(found[2]))
            summary.added, summary.updated, summary.unchanged, summary.skipped = found[3:]
        from concurrent.futures import ProcessPoolExecutor

        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        executor = ProcessPoolExecutor(workers) if workers > 1 and stat.st_size > 4_000_000 else None
        try:
            self._import_rows(path, import_id, summary, batch_rows, executor, progress)
        finally:
            if executor is not None:
                executor.shutdown(cancel_futures=True)
        self.db.execute("UPDATE dump_imports SET finished = ? WHERE id = ?", (time.time(), import_id))
        summary.problems = self.problems(import_id)
        summary.seconds = time.perf_counter() - started
        return summary

    def _import_rows(
        self,
        path: Path,
        import_id: int,
        summary: ImportSummary,
        batch_rows: int,
        executor: ProcessPoolExecutor | None,
        progress: Callable[[int], None] | None,
    ) -> None:
        # Batch k is parsed (in workers) while batch k - 1 is written: `inflight` lets the plan of
        # batch k see what batch k - 1 will write, so duplicates across them are still caught.
        pending: tuple[_Plan, list[Future[list[CardFacts]]] | list[CardFacts]] | None = None
        inflight: dict[str, _Seen] = {}
        batch: list[DumpRow] = []
        problems: list[RowProblem] = []
        last_row = summary.resumed_from
        rows = read_dump(path, summary.resumed_from)
        while True:
            item = next(rows, None)
            if isinstance(item, RowProblem):
                problems.append(item)
                if item.number:
                    last_row = max(last_row, item.number)
                continue
            if item is not None:
                batch.append(item)
                last_row = item.number
                if len(batch) < batch_rows:
                    continue
            plan = self._plan(import_id, batch, problems, last_row, summary, inflight)
            work = [(row.kind, row.card, row.tags) for row in plan.parse]
            job: list[Future[list[CardFacts]]] | list[CardFacts]
            if executor is None:
                job = parse_cards(work)
            else:
                size = max(1, -(-len(work) // 2))
                job = [executor.submit(parse_cards, work[i : i + size]) for i in range(0, len(work), size)]
            if pending is not None:
                self._commit(import_id, *pending, summary)
                if progress is not None:
                    progress(summary.rows)
            pending, inflight = (plan, job), plan.seen
            batch, problems = [], []
            if item is None:
                break
        if pending is not None:
            self._commit(import_id, *pending, summary)

    def _plan(
        self,
        import_id: int,
        batch: list[DumpRow],
        problems: list[RowProblem],
        last_row: int,
        summary: ImportSummary,
        inflight: dict[str, _Seen],
    ) -> _Plan:
        """Which rows are new, changed (to parse), unchanged (to touch), or older duplicates (to skip)."""
        existing: dict[str, _Seen] = {}
        ids = list({row.id for row in batch})
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for found_id, checksum, seen_in, row_number, modified in self.db.execute(
                "SELECT id, card_checksum, import_id, row_number, last_modified FROM dump_artifacts"  # noqa: S608
                f" WHERE id IN ({marks})",  # only placeholders are formatted in
                chunk,
            ):
                existing[found_id] = _Seen(checksum, seen_in, row_number, modified)
        wanted = set(ids)
        existing.update((k, v) for k, v in inflight.items() if k in wanted)
        plan = _Plan(last_row=last_row)
        plan.problems = [(import_id, p.number, p.artifact, p.reason, int(p.skipped)) for p in problems]
        plan.counts["skipped"] += sum(1 for p in problems if p.number and p.skipped)
        for row in batch:
            for reason in row.problems:
                plan.problems.append((import_id, row.number, row.id, reason, 0))
            checksum = _checksum(row)
            before = existing.get(row.id)
            if before is not None and before.import_id == import_id and before.row_number != row.number:
                older = (row.last_modified or "") < (before.last_modified or "")
                kept = before.last_modified if older else row.last_modified
                plan.problems.append(
                    (
                        import_id,
                        row.number,
                        row.id,
                        f"duplicate id (also row {before.row_number}); kept the revision last modified {kept}",
                        int(older),
                    )
                )
                if older:
                    plan.counts["skipped"] += 1
                    continue
            seen = _Seen(checksum, import_id, row.number, row.last_modified)
            existing[row.id] = plan.seen[row.id] = seen
            if before is not None and before.checksum == checksum:
                plan.touches.append(
                    (
                        row.author,
                        row.last_modified,
                        row.created_at,
                        row.downloads,
                        row.likes,
                        row.library_name,
                        row.pipeline_tag,
                        import_id,
                        row.number,
                        row.id,
                    )
                )
                plan.counts["unchanged"] += 1
                continue
            plan.parse.append(row)
            plan.checksums.append(checksum)
            if before is not None:
                plan.replaced_edges.append((row.id,))
                plan.counts["updated"] += 1
            else:
                plan.counts["added"] += 1
        return plan

    def _commit(
        self,
        import_id: int,
        plan: _Plan,
        job: list[Future[list[CardFacts]]] | list[CardFacts],
        summary: ImportSummary,
    ) -> None:
        parsed = (
            [facts for part in job for facts in part.result()] if job and not isinstance(job[0], CardFacts) else job
        )
        assert len(parsed) == len(plan.parse)
        upserts: list[tuple[object, ...]] = []
        edge_rows: list[tuple[str, str, str, str, str]] = []
        for row, checksum, facts in zip(plan.parse, plan.checksums, parsed, strict=True):
            assert isinstance(facts, CardFacts)
            summary.card_errors += bool(facts.errors)
            upserts.append(
                (
                    row.id,
                    row.kind.value,
                    row.author,
                    row.last_modified,
                    row.created_at,
                    row.downloads,
                    row.likes,
                    row.library_name,
                    row.pipeline_tag,
                    facts.license,
                    facts.license_origin.value if facts.license_origin else None,
                    facts.license_quote,
                    checksum,
                    json.dumps(list(facts.errors)) if facts.errors else None,
                    import_id,
                    row.number,
                )
            )
            edge_rows.extend((row.id, k.parent, k.relation.value, k.origin.value, k.quote) for k in facts.links)
        summary.rows = plan.last_row
        # Counts move with the rows they describe: a batch planned but never committed counts nothing.
        summary.added += plan.counts["added"]
        summary.updated += plan.counts["updated"]
        summary.unchanged += plan.counts["unchanged"]
        summary.skipped += plan.counts["skipped"]
        with self.db:  # one transaction: rows, edges, problems and the resume point together
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM dump_edges WHERE child = ?", plan.replaced_edges)
            self.db.executemany(
                "INSERT OR REPLACE INTO dump_artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", upserts
            )
            self.db.executemany(
                "UPDATE dump_artifacts SET author = ?, last_modified = ?, created_at = ?, downloads = ?, likes = ?,"
                " library_name = ?, pipeline_tag = ?, import_id = ?, row_number = ? WHERE id = ?",
                plan.touches,
            )
            self.db.executemany("INSERT OR REPLACE INTO dump_edges VALUES (?, ?, ?, ?, ?)", edge_rows)
            self.db.executemany("INSERT INTO dump_problems VALUES (?, ?, ?, ?, ?)", plan.problems)
            self.db.execute(
                "UPDATE dump_imports SET rows_done = ?, added = ?, updated = ?, unchanged = ?, skipped = ?"
                " WHERE id = ?",
                (plan.last_row, summary.added, summary.updated, summary.unchanged, summary.skipped, import_id),
            )


@dataclass(frozen=True)
class _Seen:
    checksum: int
    import_id: int
    row_number: int
    last_modified: str | None


@dataclass
class _Plan:
    last_row: int
    parse: list[DumpRow] = field(default_factory=list)
    checksums: list[int] = field(default_factory=list)
    touches: list[tuple[object, ...]] = field(default_factory=list)
    replaced_edges: list[tuple[str]] = field(default_factory=list)
    problems: list[tuple[int, int, str | None, str, int]] = field(default_factory=list)
    seen: dict[str, _Seen] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("added", "updated", "unchanged", "skipped"), 0)
    )


def parse_cards(work: list[tuple[ArtifactKind, str | bytes | None, tuple[str, ...]]]) -> list[CardFacts]:
    """Cards to facts; a top-level function so worker processes can run it."""
    return [
        card_facts(kind, parse_card(card) if card is not None else CardMetadata(), tags) for kind, card, tags in work
    ]
