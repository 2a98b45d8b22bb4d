"""The imported Hub dumps: card metadata and lineage links in the shared SQLite cache (`dump_` tables).

One row per artifact, keyed by id, so importing twice changes nothing and a newer dump updates only
what changed (a card's checksum decides whether it is parsed again). Progress is committed with
each batch of rows: an interrupted import resumes after the last committed row.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.data_cache import default_cache_dir
from licaudit.errors import LicauditError
from licaudit.sources.dumps.rows import CHUNK_ROWS, RowProblem, read_chunks
from licaudit.sources.facts import ArtifactFacts, ParentLink

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from licaudit.sources.dumps.row_facts import ArtifactRow, ChunkResult

DATABASE_NAME = "licaudit.sqlite3"
SCHEMA_VERSION = 2
COMMIT_ROWS = 10_000  # rows per transaction: the resume point moves in steps of this
IMPORT_CHECKPOINT_PAGES = 20_000  # WAL pages between checkpoints while importing (default 1,000)
MAX_WORKERS = 4
PARALLEL_BYTES = 4_000_000  # a smaller dump is imported in this process: starting workers costs more

# Schema 2. Ids arrive in no particular order, so rows are appended to a rowid table and only the
# narrow id index takes the scattered inserts: a transaction dirties (and writes to the WAL) a few
# index pages instead of one page of whole rows per artifact. The lineage links a card names live
# in its row (`parents`, a JSON list of [parent, relation, origin, quote]): they are always read and
# replaced with it, and a second table cost a second scattered insert per link. Schema 1 clustered
# rows by id and kept links in `dump_edges`.
_TABLES = """
CREATE TABLE IF NOT EXISTS dump_artifacts (
    id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, author TEXT, last_modified TEXT, created_at TEXT,
    downloads INTEGER NOT NULL DEFAULT 0, likes INTEGER NOT NULL DEFAULT 0,
    library_name TEXT, pipeline_tag TEXT,
    license TEXT, license_origin TEXT, license_quote TEXT,
    card_checksum INTEGER NOT NULL, card_errors TEXT,
    import_id INTEGER NOT NULL, row_number INTEGER NOT NULL,
    parents TEXT
);
"""
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS dump_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dump_imports (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE,
    started REAL NOT NULL, finished REAL, rows_done INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dump_problems (
    import_id INTEGER NOT NULL, row_number INTEGER NOT NULL, artifact TEXT, reason TEXT NOT NULL,
    skipped INTEGER NOT NULL
);
"""
    + _TABLES
)


def default_database() -> Path:
    return default_cache_dir() / DATABASE_NAME


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


class DumpStore:
    """The `dump_` tables of the shared SQLite cache (WAL, so readers never block the import)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_database()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # `trace` looks artifacts up from crawler threads: one connection, used under a lock.
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._pool: tuple[int, ProcessPoolExecutor] | None = None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Ids arrive in no particular order: with SQLite's default 2 MB page cache, inserts into a
        # million-row index turn into disk reads and the import slows tenfold as it grows.
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA mmap_size=2147483648")
        try:
            if self._schema_version() != SCHEMA_VERSION:  # reading needs no write lock
                self._create_or_migrate()
        except BaseException:
            self.db.close()
            raise

    def _create_or_migrate(self) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")  # two processes opening a new cache: one creates it
            version = self._schema_version()
            if version is not None and version > SCHEMA_VERSION:
                raise LicauditError(
                    f"{self.path} holds imported dumps in schema {version}, newer than this licaudit reads"
                    f" ({SCHEMA_VERSION}): upgrade licaudit, or import into another cache (LICAUDIT_CACHE_DIR)"
                )
            if version is not None and version < SCHEMA_VERSION:
                self._migrate(version)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO dump_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    def _schema_version(self) -> int | None:
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dump_meta'").fetchone():
            found = self.db.execute("SELECT value FROM dump_meta WHERE key = 'schema_version'").fetchone()
            return int(found[0]) if found is not None else None
        return None

    def _migrate(self, version: int) -> None:
        """Schema 1 to 2: the same rows and links, each artifact's links moved into its row."""
        from licaudit.sources.dumps.row_facts import links_json

        if version == 1:
            self.db.execute("ALTER TABLE dump_artifacts RENAME TO dump_artifacts_v1")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            edges = self.db.execute(
                "SELECT child, parent, relation, origin, quote FROM dump_edges ORDER BY child, parent, relation"
            )
            parents = {
                child: links_json(edge[1:] for edge in links)
                for child, links in itertools.groupby(edges, key=lambda edge: str(edge[0]))
            }
            self.db.executemany(
                "INSERT INTO dump_artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((*row, parents.get(row[0])) for row in self.db.execute("SELECT * FROM dump_artifacts_v1").fetchall()),
            )
            self.db.execute("DROP TABLE dump_artifacts_v1")
            self.db.execute("DROP TABLE dump_edges")

    def close(self) -> None:
        self._stop_workers()
        self.db.close()

    def _workers(self, count: int) -> ProcessPoolExecutor:
        """The worker processes, kept for the next dump of the same store: starting them costs."""
        if self._pool is None or self._pool[0] != count:
            self._stop_workers()
            self._pool = (count, _worker_pool(count))
        return self._pool[1]

    def _stop_workers(self) -> None:
        if self._pool is not None:
            self._pool[1].shutdown(cancel_futures=True)
            self._pool = None

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
        for child, parents in self.db.execute("SELECT id, parents FROM dump_artifacts WHERE parents IS NOT NULL"):
            for parent, relation, _origin, _quote in json.loads(parents):
                yield child, parent, relation

    def card_error_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM dump_artifacts WHERE card_errors IS NOT NULL").fetchone()[0])

    def facts(self, artifact: str) -> ArtifactFacts | None:
        """One imported artifact as a source fact, for `trace` (same columns the audit reads)."""
        with self._lock:
            return self._facts(artifact)

    def _facts(self, artifact: str) -> ArtifactFacts | None:
        query = "SELECT id, kind, license, license_origin, license_quote, parents FROM dump_artifacts WHERE id = ?"
        row = self.db.execute(query, (artifact,)).fetchone()
        if row is None and not artifact.startswith("datasets/"):
            row = self.db.execute(query, (f"datasets/{artifact}",)).fetchone()
        if row is None:
            return None
        found_id, kind, license_, origin, quote, links = row
        url = f"https://huggingface.co/{found_id}"
        parents = tuple(
            ParentLink(ArtifactId(parent), Relation(relation), (Evidence(Origin(link_origin), url, link_quote),))
            for parent, relation, link_origin, link_quote in (json.loads(links) if links else ())
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
        batch_rows: int = COMMIT_ROWS,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Import one dump: `workers` processes read cards into facts, this one writes them in order,
        `batch_rows` rows per transaction. Workers are started by a fork server, so a script that
        calls this must guard its top level with `if __name__ == "__main__":`."""
        import hashlib  # here: `trace` opens the store too, and never imports

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
        workers = workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
        parallel = workers > 1 and stat.st_size > PARALLEL_BYTES
        executor = self._workers(workers) if parallel else None
        # Fewer, larger checkpoints while importing: each copies the pages the import dirtied.
        self.db.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
        try:
            # Workers run a few chunks ahead of the commits.
            ahead = 2 * workers if parallel else 0
            self._import_chunks(path, import_id, summary, batch_rows, executor, ahead, progress)
        except BaseException:
            self._stop_workers()  # an interrupted import leaves no work running behind it
            raise
        finally:
            self.db.execute("PRAGMA wal_autocheckpoint=1000")
        self.db.execute("UPDATE dump_imports SET finished = ? WHERE id = ?", (time.time(), import_id))
        summary.problems = self.problems(import_id)
        summary.seconds = time.perf_counter() - started
        return summary

    def _import_chunks(
        self,
        path: Path,
        import_id: int,
        summary: ImportSummary,
        batch_rows: int,
        executor: ProcessPoolExecutor | None,
        ahead: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        # Card parsing is imported here: `trace` reads the store and never needs it.
        from licaudit.sources.dumps.row_facts import ChunkResult, import_chunk

        # Chunks are committed strictly in file order, so the resume point (the last committed
        # row) never skips a row.
        queue: deque[tuple[Future[ChunkResult] | ChunkResult, list[RowProblem], int]] = deque()
        batch: list[tuple[ChunkResult, list[RowProblem]]] = []
        batched = 0
        taken = summary.rows  # the last row of the chunks taken so far: what the final commit records
        file_problems: list[RowProblem] = []

        def take(work: Future[ChunkResult] | ChunkResult, problems: list[RowProblem], last_row: int) -> None:
            nonlocal batch, batched, taken
            taken = max(taken, last_row)
            batch.append((work if isinstance(work, ChunkResult) else work.result(), problems))
            batched += len(batch[-1][0].rows) + len(batch[-1][0].problems)
            if batched >= batch_rows:
                self._commit(import_id, batch, last_row, summary)
                batch, batched = [], 0
                if progress is not None:
                    progress(summary.rows)

        chunks = read_chunks(path, summary.resumed_from, min(CHUNK_ROWS, batch_rows), whole_groups=executor is not None)
        for item in chunks:
            if isinstance(item, RowProblem):
                if item.number or not summary.resumed_from:  # the first attempt recorded the file's
                    file_problems.append(item)
                continue
            work = (
                executor.submit(import_chunk, item, import_id)
                if executor is not None
                else import_chunk(item, import_id)
            )
            queue.append((work, file_problems, item.last))
            file_problems = []
            while len(queue) > ahead:
                take(*queue.popleft())
        while queue:
            take(*queue.popleft())
        if batch or file_problems:
            batch.append((ChunkResult(), file_problems))
            # In one process (nothing read ahead) every chunk was taken in the loop above: the last
            # row is the last one taken, not the resume point (it read `0 rows ...: 2,000 added`).
            last_row = max([taken, *(problem.number for problem in file_problems)])
            self._commit(import_id, batch, last_row, summary)

    def _existing(self, ids: list[str]) -> dict[str, _Seen]:
        """(checksum, import id, row number, last modified) of the ids already stored."""
        existing: dict[str, _Seen] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for found_id, *seen in self.db.execute(
                "SELECT id, card_checksum, import_id, row_number, last_modified FROM dump_artifacts"  # noqa: S608
                f" WHERE id IN ({marks})",  # only placeholders are formatted in
                chunk,
            ):
                existing[found_id] = tuple(seen)
        return existing

    def _commit(
        self,
        import_id: int,
        batch: list[tuple[ChunkResult, list[RowProblem]]],
        last_row: int,
        summary: ImportSummary,
    ) -> None:
        """Write consecutive chunks: new and changed rows, count updates of unchanged ones,
        duplicates and problems, and the resume point, in one transaction."""
        from licaudit.sources.dumps.row_facts import CARD_CHECKSUM, CARD_ERRORS, ID, LAST_MODIFIED, ROW_NUMBER

        rows = [row for result, _ in batch for row in result.rows]
        row_problems = [found for result, _ in batch for found in result.row_problems]
        unreadable = [p for result, file_problems in batch for p in (*file_problems, *result.problems)]
        existing = self._existing([row[ID] for row in rows])
        problems = [(import_id, p.number, p.artifact, p.reason, int(p.skipped)) for p in unreadable]
        counts = dict.fromkeys(("added", "updated", "unchanged"), 0)
        skipped = sum(1 for p in unreadable if p.number and p.skipped)
        upserts: dict[str, ArtifactRow] = {}
        touches: list[tuple[object, ...]] = []
        for row, found_problems in zip(rows, row_problems, strict=True):
            row_id, number, modified, checksum = row[ID], row[ROW_NUMBER], row[LAST_MODIFIED], row[CARD_CHECKSUM]
            if found_problems:
                problems.extend((import_id, number, row_id, reason, 0) for reason in found_problems)
            before = existing.get(row_id)
            if before is not None and before[1] == import_id and before[2] != number:
                older = (modified or "") < (before[3] or "")
                kept = before[3] if older else modified
                reason = f"duplicate id (also row {before[2]}); kept the revision last modified {kept}"
                problems.append((import_id, number, row_id, reason, int(older)))
                if older:
                    skipped += 1
                    continue
            existing[row_id] = (checksum, import_id, number, modified)
            if before is not None and before[0] == checksum:
                touches.append((*row[2:9], import_id, number, row_id))
                counts["unchanged"] += 1
                continue
            summary.card_errors += row[CARD_ERRORS] is not None
            if before is None:
                counts["added"] += 1
            else:
                counts["updated"] += 1
            upserts[row_id] = row  # replaces the stored row, and its links with it
        summary.rows = last_row
        # Counts move with the rows they describe: a chunk read but never committed counts nothing.
        summary.added += counts["added"]
        summary.updated += counts["updated"]
        summary.unchanged += counts["unchanged"]
        summary.skipped += skipped
        with self.db:  # one transaction: rows, problems and the resume point together
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO dump_artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                upserts.values(),
            )
            self.db.executemany(
                "UPDATE dump_artifacts SET author = ?, last_modified = ?, created_at = ?, downloads = ?, likes = ?,"
                " library_name = ?, pipeline_tag = ?, import_id = ?, row_number = ? WHERE id = ?",
                touches,
            )
            self.db.executemany("INSERT INTO dump_problems VALUES (?, ?, ?, ?, ?)", problems)
            self.db.execute(
                "UPDATE dump_imports SET rows_done = ?, added = ?, updated = ?, unchanged = ?, skipped = ?"
                " WHERE id = ?",
                (last_row, summary.added, summary.updated, summary.unchanged, summary.skipped, import_id),
            )


# What the store knows of an id: (checksum, import id, row number, last modified); a plain tuple,
# built once per imported row.
_Seen = tuple[int, int, int, str | None]


def _worker_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Not `fork`: the importing process may already run pyarrow's threads, and a forked child
    # inherits their locks in whatever state they were. The fork server starts clean, once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["licaudit.sources.dumps.row_facts"])
    return ProcessPoolExecutor(workers, mp_context=context)
