"""A cache of parsed data files, so each run does not re-parse a few hundred YAML files.

The cache holds only what the YAML files said (as JSON), with a fingerprint of every file's path,
size and modification time and of licaudit's version: any edit invalidates it. Files are validated
on every run all the same; the cache only skips the YAML parser. It is an optimisation: an
unreadable, unwritable or mismatched cache is ignored.
"""

from __future__ import annotations

import json
import os
import zlib
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
        stamps = [f"licaudit {__version__}"]
        for path in sorted(files, key=str):
            stat = path.stat()
            stamps.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
        self.fingerprint = "\n".join(stamps)
        # The file is named by two quick checksums and the whole fingerprint inside it decides, so a
        # checksum collision only costs a re-parse (hashlib would cost its OpenSSL import, ~4 ms).
        encoded = self.fingerprint.encode("utf-8", "surrogateescape")
        name = f"{zlib.crc32(encoded):08x}{zlib.adler32(encoded):08x}"
        self.location = (cache_dir or default_cache_dir()) / f"data-{name}.json"
        self._parsed: dict[str, object] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, object]:
        try:
            loaded = json.loads(self.location.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(loaded, dict) or loaded.get("fingerprint") != self.fingerprint:
            return {}
        files = loaded.get("files")
        return files if isinstance(files, dict) else {}

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
                json.dump({"fingerprint": self.fingerprint, "files": self._parsed}, handle)
            Path(handle.name).replace(self.location)
            for stale in self.location.parent.glob("data-*.json"):
                if stale != self.location:
                    stale.unlink(missing_ok=True)
        except OSError:
            return
