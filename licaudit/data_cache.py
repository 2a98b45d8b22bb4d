"""A cache of parsed data files, so each run does not re-parse a few hundred YAML files.

The cache holds only what the YAML files said (as JSON), keyed by a fingerprint of every file's
path, size and modification time and of licaudit's version: any edit invalidates it. Files are
validated on every run all the same; the cache only skips the YAML parser. It is an optimisation:
an unreadable or unwritable cache is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from licaudit import __version__
from licaudit.yaml_data import load_yaml_file


def default_cache_dir() -> Path:
    configured = os.environ.get("LICAUDIT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "licaudit"


class ParsedFileCache:
    """Reads data files through a JSON snapshot of their parsed content."""

    def __init__(self, files: Iterable[Path], cache_dir: Path | None = None) -> None:
        self.files = sorted(files)
        digest = hashlib.sha256(__version__.encode())
        for path in self.files:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        self.fingerprint = digest.hexdigest()[:32]
        self.location = (cache_dir or default_cache_dir()) / f"data-{self.fingerprint}.json"
        self._parsed: dict[str, object] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, object]:
        try:
            loaded = json.loads(self.location.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def read(self, path: Path) -> object:
        key = str(path)
        if key in self._parsed:
            return self._parsed[key]
        data = load_yaml_file(path)
        self._parsed[key] = data
        self._dirty = True
        return data

    def save(self) -> None:
        """Write the snapshot after every file validated; atomically, so readers never see half."""
        if not self._dirty:
            return
        import tempfile  # only when writing: most runs only read

        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=self.location.parent, suffix=".tmp", delete=False, encoding="utf-8"
            ) as handle:
                json.dump(self._parsed, handle)
            Path(handle.name).replace(self.location)
            for stale in self.location.parent.glob("data-*.json"):
                if stale != self.location:
                    stale.unlink(missing_ok=True)
        except OSError:
            return
