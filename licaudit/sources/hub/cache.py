"""The Hub cache: what was fetched from the Hub and when, in SQLite, keyed by repo id and revision.

One file, `licaudit.sqlite3` under the licaudit cache folder, shared with other licaudit tables
(everything here is prefixed `hub_`). WAL mode and a busy timeout let two processes read and
write at once; every write is its own transaction, so a crawl killed at any point keeps what it
had fetched and a re-run resumes from there. Files are keyed by commit sha (immutable); the
id -> sha answer (`hub_repos`) and lists expire after the TTL.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_FILE_NAME = "licaudit.sqlite3"
SCHEMA_VERSION = "1"
_TABLES = ("hub_repos", "hub_files", "hub_urls", "hub_lists")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hub_repos (
    repo_key TEXT PRIMARY KEY,      -- "model:owner/name" or "dataset:owner/name"
    status TEXT NOT NULL,           -- ok | not_found | gated
    revision TEXT,                  -- the commit sha the info was read at
    info TEXT NOT NULL,             -- JSON: the fields licaudit reads from the repo info
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hub_files (
    repo_key TEXT NOT NULL,
    revision TEXT NOT NULL,
    path TEXT NOT NULL,
    status TEXT NOT NULL,           -- ok | missing | gated | too_large
    content BLOB,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (repo_key, revision, path)
);
CREATE TABLE IF NOT EXISTS hub_urls (
    url TEXT PRIMARY KEY, status TEXT NOT NULL, content BLOB, fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hub_lists (
    query TEXT PRIMARY KEY, result TEXT NOT NULL, fetched_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class CachedRepo:
    status: str
    revision: str | None
    info: dict[str, Any]
    fetched_at: float


@dataclass(frozen=True)
class CachedBlob:
    status: str
    content: bytes | None
    fetched_at: float


@dataclass(frozen=True)
class CacheStats:
    path: Path
    size_bytes: int
    rows: dict[str, int]
    oldest: float | None
    newest: float | None


class HubCache:
    """Thread-safe: each thread gets its own connection (sqlite3 connections are per thread)."""

    def __init__(self, folder: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = folder / CACHE_FILE_NAME
        self.clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        self._connection().executescript(_SCHEMA)  # idempotent; executescript commits on its own
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO hub_meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    def fresh(self, fetched_at: float, ttl: float | None) -> bool:
        return ttl is None or self.clock() - fetched_at <= ttl

    # repos: id -> (status, sha, info)
    def get_repo(self, repo_key: str) -> CachedRepo | None:
        row = (
            self._connection()
            .execute("SELECT status, revision, info, fetched_at FROM hub_repos WHERE repo_key = ?", (repo_key,))
            .fetchone()
        )
        if row is None:
            return None
        try:
            info = json.loads(row[2])
        except ValueError:
            return None  # a corrupt row is a miss, never a crash
        return CachedRepo(row[0], row[1], info if isinstance(info, dict) else {}, float(row[3]))

    def put_repo(self, repo_key: str, status: str, revision: str | None, info: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO hub_repos VALUES (?, ?, ?, ?, ?)",
                (repo_key, status, revision, json.dumps(info, ensure_ascii=False), self.clock()),
            )

    # files at a revision
    def get_file(self, repo_key: str, revision: str, path: str) -> CachedBlob | None:
        row = (
            self._connection()
            .execute(
                "SELECT status, content, fetched_at FROM hub_files WHERE repo_key = ? AND revision = ? AND path = ?",
                (repo_key, revision, path),
            )
            .fetchone()
        )
        return CachedBlob(row[0], row[1], float(row[2])) if row is not None else None

    def put_file(self, repo_key: str, revision: str, path: str, status: str, content: bytes | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO hub_files VALUES (?, ?, ?, ?, ?, ?)",
                (repo_key, revision, path, status, content, self.clock()),
            )

    # license texts fetched from URLs
    def get_url(self, url: str) -> CachedBlob | None:
        row = self._connection().execute("SELECT status, content, fetched_at FROM hub_urls WHERE url = ?", (url,))
        found = row.fetchone()
        return CachedBlob(found[0], found[1], float(found[2])) if found is not None else None

    def put_url(self, url: str, status: str, content: bytes | None) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO hub_urls VALUES (?, ?, ?, ?)", (url, status, content, self.clock()))

    # list answers (descendants, did-you-mean searches)
    def get_list(self, query: str) -> tuple[list[Any], float] | None:
        row = self._connection().execute("SELECT result, fetched_at FROM hub_lists WHERE query = ?", (query,))
        found = row.fetchone()
        if found is None:
            return None
        try:
            result = json.loads(found[0])
        except ValueError:
            return None
        return (result if isinstance(result, list) else []), float(found[1])

    def put_list(self, query: str, result: list[Any]) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO hub_lists VALUES (?, ?, ?)", (query, json.dumps(result), self.clock()))

    def stats(self) -> CacheStats:
        db = self._connection()
        rows = {table: int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) for table in _TABLES}  # noqa: S608
        times = [
            db.execute(f"SELECT MIN(fetched_at), MAX(fetched_at) FROM {table}").fetchone()  # noqa: S608
            for table in _TABLES
        ]
        oldest = [t[0] for t in times if t[0] is not None]
        newest = [t[1] for t in times if t[1] is not None]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(self.path, size, rows, min(oldest) if oldest else None, max(newest) if newest else None)

    def clear(self) -> int:
        """Delete every Hub row (other tables in the file are left alone); returns how many went."""
        removed = 0
        with self._transaction() as db:
            for table in _TABLES:
                removed += db.execute(f"DELETE FROM {table}").rowcount  # noqa: S608
        return removed
