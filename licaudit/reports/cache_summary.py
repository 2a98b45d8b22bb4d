"""The Hub cache's summary for `licaudit cache info`."""

from __future__ import annotations

import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from licaudit.sources.hub.cache import CacheStats

_LABELS = {"hub_repos": "repos", "hub_files": "files", "hub_urls": "license URLs", "hub_lists": "lists"}


def _when(stamp: float | None) -> str | None:
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).isoformat(timespec="seconds") if stamp else None


def cache_document(stats: CacheStats) -> dict[str, Any]:
    return {
        "path": str(stats.path),
        "size_bytes": stats.size_bytes,
        "entries": {_LABELS[t]: n for t, n in stats.rows.items()},
        "oldest": _when(stats.oldest),
        "newest": _when(stats.newest),
    }


def render_cache_info(stats: CacheStats, console: Console) -> None:
    doc = cache_document(stats)
    console.print(Text.assemble(("cache ", "bold"), str(stats.path)))
    console.print(f"size    {stats.size_bytes:,} bytes")
    for label, count in doc["entries"].items():
        console.print(f"{label:<13}{count:,}")
    console.print(f"oldest  {doc['oldest'] or '-'}")
    console.print(f"newest  {doc['newest'] or '-'}")
