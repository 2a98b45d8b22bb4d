"""The local Hugging Face cache (HF_HUB_CACHE) read as a list of what this machine holds, from the
cache's own files and folders, never the network.

The layout huggingface_hub writes: `models--org--name` and `datasets--org--name` folders, each with
`snapshots/<commit>/` (one per revision present, files as links into `blobs/`) and `refs/<branch>`
files naming the commit a branch or tag resolved to when it was downloaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_KINDS = {"models": "model", "datasets": "dataset"}
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
MAX_REF_BYTES = 200


@dataclass(frozen=True, order=True)
class CachedRevision:
    commit: str
    refs: tuple[str, ...]  # branch or tag names that resolved to this commit (`main`)
    files: int  # files present in its snapshot folder
    has_card: bool  # a README.md is in the snapshot


@dataclass(frozen=True, order=True)
class CachedArtifact:
    """One repository folder of the cache: its Hub id, kind and the revisions downloaded."""

    folder: str  # the folder name, e.g. `models--meta-llama--Llama-2-7b-hf`
    id: str  # `meta-llama/Llama-2-7b-hf`
    kind: str  # `model` or `dataset`
    revisions: tuple[CachedRevision, ...]

    def card_path(self, root: Path) -> Path | None:
        """The README.md of the revision `main` points at (else the first with a card), if any."""
        ordered = sorted(self.revisions, key=lambda r: ("main" not in r.refs, r.commit))
        for revision in ordered:
            if revision.has_card:
                return root / self.folder / "snapshots" / revision.commit / "README.md"
        return None


@dataclass(frozen=True)
class CacheProblem:
    folder: str
    message: str


def default_cache_folder() -> Path:
    """Where huggingface_hub keeps its cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home).expanduser() / "huggingface" / "hub"


def read_hf_cache(root: Path) -> tuple[list[CachedArtifact], list[CacheProblem]]:
    """Every model and dataset folder under `root`, sorted; folders it cannot read are problems.

    Spaces, lock files, folders without a snapshot and anything not named like a cache folder hold no
    artifact and are passed over.
    """
    artifacts: list[CachedArtifact] = []
    problems: list[CacheProblem] = []
    try:
        names = sorted(entry.name for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False))
    except OSError as error:
        return [], [CacheProblem(str(root), f"cannot read the cache folder: {error.strerror or error}")]
    for name in names:
        prefix, _, rest = name.partition("--")
        parts = rest.split("--")  # `/` is written `--`; a Hub name never holds `--` itself
        if prefix not in _KINDS or not 1 <= len(parts) <= 2 or not all(_PART.match(p) for p in parts):
            continue
        kind = _KINDS[prefix]
        artifact_id = "/".join(parts)
        try:
            revisions = _revisions(root / name)
        except OSError as error:
            problems.append(CacheProblem(name, f"cannot read: {error.strerror or error}"))
            continue
        if revisions:  # a folder without a snapshot holds no file of the artifact (an aborted download)
            artifacts.append(CachedArtifact(name, artifact_id, kind, revisions))
    return artifacts, problems


def _revisions(folder: Path) -> tuple[CachedRevision, ...]:
    refs: dict[str, list[str]] = {}
    refs_folder = folder / "refs"
    if refs_folder.is_dir():
        for path in sorted(refs_folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as handle:
                    commit = handle.read(MAX_REF_BYTES).decode("ascii", errors="replace").strip()
                if _COMMIT.match(commit):
                    refs.setdefault(commit, []).append(path.relative_to(refs_folder).as_posix())
    found: list[CachedRevision] = []
    snapshots = folder / "snapshots"
    if snapshots.is_dir():
        for entry in sorted(os.scandir(snapshots), key=lambda e: e.name):
            if not entry.is_dir(follow_symlinks=False):
                continue
            files = [f for f in Path(entry.path).rglob("*") if not f.is_dir()]
            has_card = any(f.name == "README.md" and f.parent == Path(entry.path) for f in files)
            found.append(CachedRevision(entry.name, tuple(refs.get(entry.name, [])), len(files), has_card))
    return tuple(found)
