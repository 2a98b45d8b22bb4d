"""The imported Data Provenance Collection: its annotated datasets in the shared SQLite cache (`dpi_` tables).

One row per dataset record, keyed by its file and identifier; every record also carries the artifact
id it describes (its Hub id, or `dpi/<collection>/<dataset>`), so several records of one repository
are read together. Re-importing a newer checkout replaces each file's records in place; a file that
cannot be read keeps the records an earlier import took from it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from licaudit.artifact_ref import ref_key
from licaudit.errors import LicauditError
from licaudit.sources.dpi.collection import (
    SUMMARIES,
    AnnotatedLicense,
    Checkout,
    DatasetRecord,
    FileProblem,
    Generator,
    LicenseClass,
)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS dpi_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dpi_imports (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, revision TEXT, started REAL NOT NULL, finished REAL,
    files INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0, removed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dpi_files (
    file TEXT PRIMARY KEY, checksum TEXT NOT NULL, import_id INTEGER NOT NULL, url TEXT NOT NULL, revision TEXT
);
CREATE TABLE IF NOT EXISTS dpi_problems (import_id INTEGER NOT NULL, file TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dpi_records (
    file TEXT NOT NULL, uid TEXT NOT NULL, artifact TEXT NOT NULL, name_key TEXT NOT NULL,
    uid_key TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (file, uid)
);
CREATE INDEX IF NOT EXISTS dpi_records_artifact ON dpi_records (artifact);
CREATE INDEX IF NOT EXISTS dpi_records_name ON dpi_records (name_key);
CREATE INDEX IF NOT EXISTS dpi_records_uid ON dpi_records (uid_key);
"""


@dataclass(frozen=True)
class StoredRecord:
    """A dataset record with where it was read: the file's URL (or path) and the checkout's revision."""

    record: DatasetRecord
    url: str
    revision: str | None


@dataclass
class CollectionImportSummary:
    source: str
    revision: str | None
    files: int = 0
    records: int = 0  # records now held from the files read
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0  # records kept from an earlier import of a file that could not be read now
    seconds: float = 0.0
    problems: list[FileProblem] = field(default_factory=list)


def record_json(record: DatasetRecord) -> str:
    return json.dumps(asdict(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _record_from_json(text: str) -> DatasetRecord:
    data = json.loads(text)
    return DatasetRecord(
        file=data["file"],
        uid=data["uid"],
        collection=data["collection"],
        name=data["name"],
        hub_id=data["hub_id"],
        licenses=tuple(
            AnnotatedLicense(
                item["name"], item["url"], LicenseClass(**item["license_class"]) if item["license_class"] else None
            )
            for item in data["licenses"]
        ),
        license_notes=data["license_notes"],
        generators=tuple(Generator(item["name"], item["group"]) for item in data["generators"]),
        derived_from=tuple(data["derived_from"]),
        card_license=data["card_license"],
        card_license_date=data["card_license_date"],
    )


def file_url(checkout: Checkout, file: str) -> str:
    """Where a reviewer reads the file: on its git host at the commit, else the local path."""
    remote = checkout.remote
    if remote and checkout.revision:
        base = remote.removesuffix(".git")
        if base.startswith("git@github.com:"):
            base = "https://github.com/" + base.removeprefix("git@github.com:")
        if base.startswith("https://"):
            return f"{base}/blob/{checkout.revision}/{SUMMARIES}/{quote(file)}"
    return str(checkout.folder.resolve() / SUMMARIES / file)


class CollectionStore:
    """The `dpi_` tables of the shared SQLite cache (WAL, one connection used under a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            if self._schema_version() != SCHEMA_VERSION:
                self._create()
        except BaseException:
            self.db.close()
            raise

    def _schema_version(self) -> int | None:
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dpi_meta'").fetchone():
            found = self.db.execute("SELECT value FROM dpi_meta WHERE key = 'schema_version'").fetchone()
            return int(found[0]) if found is not None else None
        return None

    def _create(self) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            version = self._schema_version()
            if version is not None and version > SCHEMA_VERSION:
                raise LicauditError(
                    f"{self.path} holds the Data Provenance Collection in schema {version}, newer than this"
                    f" licaudit reads ({SCHEMA_VERSION}): upgrade licaudit, or import into another cache"
                )
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO dpi_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> CollectionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------------
    def records(self, artifact: str) -> list[StoredRecord]:
        """The records that describe an artifact (a Hub id is tried with `datasets/` too)."""
        key = ref_key(artifact)
        query = (
            "SELECT r.record, f.url, f.revision FROM dpi_records r JOIN dpi_files f USING (file)"
            " WHERE r.artifact = ? ORDER BY r.file, r.uid"
        )
        with self._lock:
            rows = self.db.execute(query, (key,)).fetchall()
            if not rows and not key.startswith(("datasets/", "dpi/")):
                rows = self.db.execute(query, (f"datasets/{key}",)).fetchall()
        return [StoredRecord(_record_from_json(text), url, revision) for text, url, revision in rows]

    def named(self, name: str) -> str | None:
        """The artifact a dataset name or identifier means, when exactly one artifact has it."""
        key = name.strip().lower()
        with self._lock:
            found = {
                artifact
                for (artifact,) in self.db.execute(
                    "SELECT artifact FROM dpi_records WHERE name_key = ? OR uid_key = ?", (key, key)
                )
            }
        return found.pop() if len(found) == 1 else None

    def all_records(self) -> Iterator[StoredRecord]:
        """Every record, grouped by artifact (for the whole-collection audit)."""
        rows = self.db.execute(
            "SELECT r.record, f.url, f.revision FROM dpi_records r JOIN dpi_files f USING (file)"
            " ORDER BY r.artifact, r.file, r.uid"
        ).fetchall()
        for text, url, revision in rows:
            yield StoredRecord(_record_from_json(text), url, revision)

    def counts(self) -> tuple[int, int]:
        """(records, artifacts) held."""
        found = self.db.execute("SELECT count(*), count(DISTINCT artifact) FROM dpi_records").fetchone()
        return int(found[0]), int(found[1])

    # --- importing -----------------------------------------------------------------------------
    def import_checkout(self, checkout: Checkout) -> CollectionImportSummary:
        """Replace each readable file's records with the checkout's, in one transaction; files gone
        from the checkout lose their records; unreadable files keep theirs and are reported."""
        started = time.perf_counter()
        summary = CollectionImportSummary(str(checkout.folder), checkout.revision, problems=list(checkout.problems))
        present = {f.name for f in checkout.files}
        with self._lock, self.db:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO dpi_imports (source, revision, started) VALUES (?, ?, ?)",
                (str(checkout.folder), checkout.revision, time.time()),
            )
            import_id = int(cursor.lastrowid or 0)
            for (stored_file,) in self.db.execute("SELECT file FROM dpi_files").fetchall():
                if stored_file not in present:
                    summary.removed += self._replace_file(stored_file, [])[3]
                    self.db.execute("DELETE FROM dpi_files WHERE file = ?", (stored_file,))
            for read in checkout.files:
                if read.records is None:
                    assert read.problem is not None
                    summary.problems.append(FileProblem(f"{SUMMARIES}/{read.name}", read.problem))
                    kept = self.db.execute("SELECT count(*) FROM dpi_records WHERE file = ?", (read.name,))
                    summary.kept += int(kept.fetchone()[0])
                    continue
                added, updated, unchanged, removed = self._replace_file(read.name, read.records)
                summary.added += added
                summary.updated += updated
                summary.unchanged += unchanged
                summary.removed += removed
                summary.files += 1
                summary.records += len(read.records)
                self.db.execute(
                    "INSERT OR REPLACE INTO dpi_files (file, checksum, import_id, url, revision)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (read.name, read.checksum, import_id, file_url(checkout, read.name), checkout.revision),
                )
            self.db.executemany(
                "INSERT INTO dpi_problems (import_id, file, reason) VALUES (?, ?, ?)",
                [(import_id, p.file, p.reason) for p in summary.problems],
            )
            self.db.execute(
                "UPDATE dpi_imports SET finished = ?, files = ?, records = ?, added = ?, updated = ?, unchanged = ?,"
                " removed = ? WHERE id = ?",
                (
                    time.time(),
                    summary.files,
                    summary.records,
                    summary.added,
                    summary.updated,
                    summary.unchanged,
                    summary.removed,
                    import_id,
                ),
            )
        summary.seconds = time.perf_counter() - started
        return summary

    def _replace_file(self, file: str, records: list[DatasetRecord]) -> tuple[int, int, int, int]:
        """(added, updated, unchanged, removed) records of one file, its rows replaced."""
        before = dict(self.db.execute("SELECT uid, record FROM dpi_records WHERE file = ?", (file,)).fetchall())
        after = {r.uid: (r, record_json(r)) for r in records}  # a repeated identifier: the last entry wins
        added = sum(1 for uid in after if uid not in before)
        unchanged = sum(1 for uid, (_, text) in after.items() if before.get(uid) == text)
        updated = len(after) - added - unchanged
        removed = sum(1 for uid in before if uid not in after)
        self.db.execute("DELETE FROM dpi_records WHERE file = ?", (file,))
        self.db.executemany(
            "INSERT INTO dpi_records (file, uid, artifact, name_key, uid_key, record) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (file, uid, ref_key(r.artifact_id), r.name.strip().lower(), uid.strip().lower(), text)
                for uid, (r, text) in after.items()
            ],
        )
        return added, updated, unchanged, removed


def has_collection(path: Path) -> bool:
    """Whether the cache file holds an imported collection (never creates it)."""
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            return probe.execute("SELECT 1 FROM sqlite_master WHERE name = 'dpi_records'").fetchone() is not None
    except sqlite3.Error:
        return False
