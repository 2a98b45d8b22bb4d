"""A model folder on disk (before it is published), read like a Hub repo: card, configs, LICENSE."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from licaudit.artifacts import ArtifactId, ArtifactKind

if TYPE_CHECKING:
    from licaudit.sources.cards.snapshot import RepoSnapshot


def read_folder(target: str) -> RepoSnapshot:
    """The folder's README.md, configs and LICENSE, each bounded; nothing is imported or run."""
    # Imported here: `is_local_folder` is asked on every trace, the card reader only for a folder.
    from licaudit.sources.cards.license_text import MAX_LICENSE_BYTES
    from licaudit.sources.cards.metadata import MAX_CARD_BYTES, parse_card
    from licaudit.sources.cards.snapshot import (
        LICENSE_FILES,
        MAX_CONFIG_BYTES,
        MODEL_FILES,
        README,
        RepoSnapshot,
        repo_file_of_link,
    )

    folder = Path(target).expanduser()
    files: dict[str, bytes] = {}
    problems: dict[str, str] = {}

    def read(name: str) -> None:
        path = folder / name
        if not path.is_file():
            return
        limit = MAX_CARD_BYTES if name == README else MAX_LICENSE_BYTES if name in LICENSE_FILES else MAX_CONFIG_BYTES
        try:
            size = path.stat().st_size
            if size > limit:
                problems[name] = f"too large: {size:,} bytes (bound {limit:,}); not read"
                return
            with path.open("rb") as handle:
                files[name] = handle.read(limit + 1)[:limit]
        except OSError as error:
            problems[name] = f"unreadable ({type(error).__name__})"

    for name in MODEL_FILES:
        read(name)
    snapshot = RepoSnapshot(
        artifact=ArtifactId(target),
        kind=ArtifactKind.MODEL,
        revision=None,
        web_url=str(folder),
        files=files,
        file_problems=problems,
        on_hub=False,
    )
    if README in files:
        linked = repo_file_of_link(parse_card(files[README]).license_link, snapshot)
        if linked is not None and linked not in files:
            resolved = (folder / linked).resolve()
            if resolved.is_relative_to(folder.resolve()):  # never outside the folder
                read(linked)
                snapshot = RepoSnapshot(
                    snapshot.artifact, snapshot.kind, None, snapshot.web_url, files=files, file_problems=problems,
                    on_hub=False,
                )  # fmt: skip
    return snapshot
