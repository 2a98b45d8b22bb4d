"""Artifact references: a model, dataset, service or local folder named in text, parsed once.

Cards, configs, code and users name artifacts in many spellings: `org/name`, `datasets/org/name`,
`https://huggingface.co/org/name/tree/main`, `hf://datasets/org/name@rev`, `services/openai-api`,
`./my-model`. Every reader, the scanner, the registry and the reports go through `parse_ref`, so
one spelling means one artifact everywhere. Text that cannot be a Hub id (path traversal, `--`,
characters the Hub forbids) parses to None: a caller reports it, it is never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from licaudit.artifacts import ArtifactId, ArtifactKind


class RefKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"
    SERVICE = "service"
    LOCAL = "local"  # a folder on this machine


HUB_KINDS = frozenset({RefKind.MODEL, RefKind.DATASET})  # what a Hub repo can be (spaces are not artifacts)
KIND_PREFIXES = {RefKind.DATASET: "datasets/", RefKind.SERVICE: "services/"}
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,95})"
_REPO_ID = re.compile(rf"{_PART}(?:/{_PART})?")
# One list of the URL forms that name a Hub repo; nothing else strips prefixes.
_HUB_PREFIX = re.compile(r"^(?:(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)", re.IGNORECASE)
_FILE_MARKERS = ("/resolve/", "/blob/", "/tree/", "/raw/", "/commit/")
_FILE_SUFFIXES = (".json", ".yaml", ".yml", ".bin", ".safetensors", ".gguf", ".pt", ".txt", ".csv", ".parquet")


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    """One artifact as named: its kind, its name without any prefix, and a revision if one was given."""

    kind: RefKind
    name: str  # `org/name` or `name` as written (case kept); a path for LOCAL
    revision: str | None = None

    @property
    def id(self) -> ArtifactId:
        """The id licaudit uses for the artifact: `org/name`, `datasets/org/name`, `services/name`."""
        return ArtifactId(KIND_PREFIXES.get(self.kind, "") + self.name)

    @property
    def key(self) -> str:
        """Ids compare case-insensitively, as on the Hub; a folder path compares as written."""
        return self.id if self.kind is RefKind.LOCAL else self.id.lower()

    @property
    def artifact_kind(self) -> ArtifactKind:
        if self.kind is RefKind.DATASET:
            return ArtifactKind.DATASET
        if self.kind is RefKind.SERVICE:
            return ArtifactKind.SERVICE
        return ArtifactKind.MODEL

    def __str__(self) -> str:
        return self.id


def strip_hub_url(text: str) -> str:
    """`https://huggingface.co/org/name/blob/main/x` -> `org/name`; other text is only trimmed."""
    value = text.strip()
    if ":" in value or value[:3].lower() == "hf.":  # only then can it carry a URL prefix
        value = _HUB_PREFIX.sub("", value)
        for marker in _FILE_MARKERS:
            value = value.split(marker, 1)[0]
    return value.rstrip("/")


def parse_ref(text: str, default: RefKind = RefKind.MODEL) -> ArtifactRef | None:
    """The artifact a text names, or None when it cannot name one.

    `datasets/` and `services/` prefixes (also inside Hub URLs) set the kind; otherwise `default`
    does (a card's `datasets:` field names datasets without the prefix). `@rev` after a Hub URL
    or `hf://` id is kept as the revision.
    """
    value = strip_hub_url(text)
    revision = None
    if "@" in value:
        value, _, revision = value.partition("@")
        revision = revision or None
    kind = default
    for prefix_kind, prefix in KIND_PREFIXES.items():
        if value[: len(prefix)].lower() == prefix:
            kind, value = prefix_kind, value[len(prefix) :]
            break
    if kind is RefKind.LOCAL:
        return ArtifactRef(kind, text.strip()) if text.strip() else None
    if not _REPO_ID.fullmatch(value) or ".." in value or "--" in value or value.endswith((".", "-")):
        return None
    return ArtifactRef(kind, value, revision)


def hub_repo_id(text: str) -> str | None:
    """`owner/name` of the Hub repo (model or dataset) a text names, else None."""
    found = parse_ref(text)
    return found.name if found is not None and found.kind in HUB_KINDS else None


def ref_key(text: str) -> str:
    """The comparison key of any artifact name: the parsed key, else the trimmed, lower-cased text."""
    found = parse_ref(text)
    return found.key if found is not None else strip_hub_url(text).lower()


def is_hub_id(text: str) -> bool:
    """Text that reads as a Hub repo id, not a path to a file (code names local files the same way)."""
    return "@" not in text and parse_ref(text) is not None and not text.lower().endswith(_FILE_SUFFIXES)


def looks_like_path(text: str) -> bool:
    return text.startswith(("./", "../", "/", "~", ".\\")) or text in {".", ".."}


def is_local_folder(text: str) -> bool:
    """A target names a local folder when it is written as a path and the folder exists."""
    return looks_like_path(text) and Path(text).expanduser().is_dir()
