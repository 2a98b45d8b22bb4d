"""License texts identified by matching the whole text against ScanCode's license texts, with a score.

The matcher is our own, on ScanCode's data: word 4-gram shingles, scored by *coverage* (the share of
the known license's shingles found in the text). ScanCode's own matcher (`licensedcode` in
scancode-toolkit) needs the whole toolkit and an index built in minutes; licaudit reads a handful of
LICENSE files per run, so a set intersection per candidate is enough (~0.2 s over 2,310 texts).
A coverage below FULL_MATCH is reported as a modified text, never as a silent match.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from licaudit.terms.recognition.license_data import KnownLicense, known_names, license_text, scancode_folder

_TOKEN = re.compile(r"[a-z0-9]+")
SHINGLE = 4
FULL_MATCH = 0.95  # at or above: the license text itself (copyright lines and layout aside)
PARTIAL_MATCH = 0.6  # from here to FULL_MATCH: a modified copy, reported as such
MAX_TEXT_CHARS = 400_000
_MIN_SHINGLES = 8  # a license text shorter than this says too little to match on


@dataclass(frozen=True)
class TextMatch:
    known: KnownLicense
    coverage: float  # share of the known text's shingles present in the text read
    share: float = 1.0  # share of the text read that is the known text (low: a license inside other prose)

    @property
    def modified(self) -> bool:
        return self.coverage < FULL_MATCH


SAMPLE = 4  # one shingle in SAMPLE is kept (by a stable hash): 2,310 texts fit in ~10 MB


def shingles(text: str) -> frozenset[int]:
    """The sampled shingles of a text: stable across processes (crc32), so they can be cached."""
    words = _TOKEN.findall(text.lower())
    found = set()
    for i in range(max(0, len(words) - SHINGLE + 1)):
        value = zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        if value % SAMPLE == 0:
            found.add(value)
    return frozenset(found)


def index_cache_file(cache_dir: Path) -> Path | None:
    folder = scancode_folder()
    if folder is None:
        return None
    stamp = f"{folder}\0{folder.stat().st_mtime_ns}\0{SHINGLE}\0{SAMPLE}".encode()
    return cache_dir / f"license-texts-{zlib.crc32(stamp):08x}.json"


@lru_cache(maxsize=4)
def known_text_index(cache_dir: Path | None = None) -> tuple[tuple[KnownLicense, frozenset[int]], ...]:
    """Every ScanCode license text as shingles; built once (~4 s) and kept in the cache folder."""
    by_key = {k.scancode_key: k for k in known_names(cache_dir).licenses if k.scancode_key and not k.deprecated}
    cached = index_cache_file(cache_dir) if cache_dir is not None else None
    if cached is not None:
        try:
            stored = json.loads(cached.read_text(encoding="utf-8"))
            return tuple((by_key[k], frozenset(v)) for k, v in stored.items() if k in by_key)
        except (OSError, ValueError, TypeError):
            pass
    indexed = []
    for known in by_key.values():
        found = shingles(license_text(known))
        if len(found) >= _MIN_SHINGLES:
            indexed.append((known, found))
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".tmp")
            partial.write_text(json.dumps({k.scancode_key: sorted(v) for k, v in indexed}), encoding="utf-8")
            partial.replace(cached)
        except OSError:
            pass  # an unwritable cache only costs the rebuild next time
    return tuple(indexed)


def match_text(
    text: str,
    candidates: Iterable[tuple[KnownLicense, frozenset[int]]] | None = None,
    cache_dir: Path | None = None,
) -> TextMatch | None:
    """The known license whose text the given text contains best, if at least PARTIAL_MATCH of it."""
    read = shingles(text[:MAX_TEXT_CHARS])
    if len(read) < _MIN_SHINGLES:
        return None
    best: TextMatch | None = None
    best_rank = (0, 0.0)
    for known, known_shingles in candidates if candidates is not None else known_text_index(cache_dir):
        size = len(known_shingles)
        if size > 4 * len(read):
            continue  # the text is far shorter than this license: it cannot be a copy of it
        matched = len(known_shingles & read)
        coverage = matched / size
        if coverage < PARTIAL_MATCH:
            continue
        # The most text explained wins; a license that is a part of another (Apache 2.0 inside
        # Pixar's) explains less of a full copy than the whole one does.
        if best is None or (matched, coverage) > best_rank:
            best, best_rank = TextMatch(known, coverage, matched / len(read)), (matched, coverage)
    return best
