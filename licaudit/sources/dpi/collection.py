"""A Data Provenance Collection checkout read into records: `data_summaries/*.json` and `constants/`.

The collection's license names, license classes and model groups are read from its `constants/`
files as data; nothing of them is written into licaudit. A malformed file is a problem named with
its file, and every other file is still read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from licaudit.artifact_ref import RefKind, parse_ref

SUMMARIES = "data_summaries"
CONSTANTS = "constants"
LICENSE_CLASSES = "license_classes.json"
CUSTOM_LICENSE_CLASSES = "custom_license_classes.json"
MODEL_GROUPS = "model_groups.json"
MAX_FILE_BYTES = 50_000_000  # the largest summary at ce6662de is 1.9 MB
_HUB_HOSTS = ("huggingface.co/", "hf.co/", "www.huggingface.co/")
_NOT_REPO_PARTS = frozenset({"viewer", "blob", "tree", "resolve", "raw", "discussions"})
_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class LicenseClass:
    """DPI's reading of a license: permitted use (`All`, `NC`, `Acad`, ...), attribution and
    share-alike (`1`, `0`, `?`), as `constants/` writes them."""

    use: str
    attribution: str
    share_alike: str


@dataclass(frozen=True)
class AnnotatedLicense:
    name: str
    url: str
    license_class: LicenseClass | None  # None: constants/ does not class this name (or URL)


@dataclass(frozen=True)
class Generator:
    name: str
    group: str | None  # its group in constants/model_groups.json (e.g. the model's vendor)


@dataclass(frozen=True)
class DatasetRecord:
    """One annotated dataset of one collection file."""

    file: str  # the file name under data_summaries/
    uid: str  # "Unique Dataset Identifier"
    collection: str
    name: str
    hub_id: str | None  # `datasets/<org>/<name>`, from "Hugging Face URL"
    licenses: tuple[AnnotatedLicense, ...]
    license_notes: str
    generators: tuple[Generator, ...]
    derived_from: tuple[str, ...]
    card_license: str | None  # "HF Yaml License": the card's license as DPI recorded it
    card_license_date: str | None

    @property
    def artifact_id(self) -> str:
        """The Hub id when the dataset has one, else `dpi/<collection>/<dataset>`."""
        return self.hub_id or local_id(self.collection, self.uid)


@dataclass(frozen=True)
class FileProblem:
    file: str
    reason: str


@dataclass
class CollectionFile:
    """One summary file: its records, or why it could not be read (then `records` is None)."""

    name: str
    checksum: str
    records: list[DatasetRecord] | None
    problem: str | None = None


@dataclass
class Checkout:
    """What a checkout holds: its summary files, problems with its constants, and its revision."""

    folder: Path
    revision: str | None
    remote: str | None
    files: list[CollectionFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)  # constants/ files that could not be read


def is_checkout(folder: Path) -> bool:
    """A folder shaped like the collection: `data_summaries/*.json` beside `constants/`."""
    summaries = folder / SUMMARIES
    return (folder / CONSTANTS).is_dir() and summaries.is_dir() and any(summaries.glob("*.json"))


def local_id(collection: str, uid: str) -> str:
    return f"dpi/{slug(collection)}/{slug(uid)}"


def slug(text: str) -> str:
    return _SLUG.sub("-", text.strip().lower()).strip("-") or "-"


def hub_dataset_id(url: str) -> str | None:
    """`datasets/<org>/<name>` (or a legacy `datasets/<name>`) from a Hub URL; None when the URL
    names no dataset repository (an organisation page, a model, another site)."""
    for candidate in url.split(";"):
        text = candidate.strip()
        for scheme in ("https://", "http://"):
            if text.lower().startswith(scheme):
                text = text[len(scheme) :]
        lowered = text.lower()
        host = next((h for h in _HUB_HOSTS if lowered.startswith(h)), None)
        if host is None:
            continue
        parts = [p for p in text[len(host) :].split("?")[0].split("#")[0].split("/") if p]
        if len(parts) < 2 or parts[0] != "datasets":
            continue
        name = f"{parts[1]}/{parts[2]}" if len(parts) >= 3 and parts[2] not in _NOT_REPO_PARTS else parts[1]
        ref = parse_ref(f"datasets/{name}")  # the one parser of artifact names validates it
        return ref.id if ref is not None and ref.kind is RefKind.DATASET else None
    return None


def read_checkout(folder: Path, revision: str | None = None) -> Checkout:
    """Every summary file of a checkout, each read alone; `revision` overrides the git HEAD."""
    found_revision, remote = _git_head(folder)
    checkout = Checkout(folder, revision or found_revision, remote)
    classes = _license_classes(folder, LICENSE_CLASSES, checkout.problems)
    custom = _license_classes(folder, CUSTOM_LICENSE_CLASSES, checkout.problems)
    groups = _model_groups(_read_constant(folder, MODEL_GROUPS, checkout.problems))
    for path in sorted((folder / SUMMARIES).glob("*.json")):
        if path.name.startswith("_"):
            continue  # `_template.json`: the schema, not a collection
        checkout.files.append(_read_summary(path, classes, custom, groups))
    return checkout


def _read_summary(
    path: Path, classes: dict[str, LicenseClass], custom: dict[str, LicenseClass], groups: dict[str, str]
) -> CollectionFile:
    import hashlib

    try:
        data = path.read_bytes()
    except OSError as error:
        return CollectionFile(path.name, "", None, f"cannot read: {error.strerror or error}")
    checksum = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_FILE_BYTES:
        return CollectionFile(path.name, checksum, None, f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return CollectionFile(path.name, checksum, None, f"not valid JSON: {error}")
    if not isinstance(document, dict):
        return CollectionFile(path.name, checksum, None, "not a JSON object of datasets keyed by identifier")
    records = []
    for key, entry in document.items():
        try:
            records.append(_record(path.name, key, entry, classes, custom, groups))
        except _Malformed as error:
            # One bad entry makes the file's annotation untrustworthy as a whole: skip the file.
            return CollectionFile(path.name, checksum, None, f"dataset {key!r}: {error}")
    return CollectionFile(path.name, checksum, records)


class _Malformed(Exception):
    pass


def _text(entry: dict[str, object], key: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _Malformed(f"{key!r} must be a string")
    return value.strip()


def _texts(entry: dict[str, object], key: str) -> list[str]:
    value = entry.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Malformed(f"{key!r} must be a list of strings")
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _record(
    file: str,
    key: str,
    entry: object,
    classes: dict[str, LicenseClass],
    custom: dict[str, LicenseClass],
    groups: dict[str, str],
) -> DatasetRecord:
    if not isinstance(entry, dict):
        raise _Malformed("must be a JSON object")
    uid = _text(entry, "Unique Dataset Identifier") or key
    collection = _text(entry, "Collection", required=True)
    if not collection:
        raise _Malformed("'Collection' is empty")
    raw_licenses = entry.get("Licenses")
    if not isinstance(raw_licenses, list):
        raise _Malformed("'Licenses' must be a list")
    licenses = []
    for item in raw_licenses:
        if not isinstance(item, dict):
            raise _Malformed("each of 'Licenses' must be an object")
        name, url = _text(item, "License"), _text(item, "License URL")
        if not name:
            raise _Malformed("a license has no 'License' name")
        licenses.append(AnnotatedLicense(name, url, classes.get(name) or custom.get(url)))
    inferred = entry.get("Inferred Metadata")
    card_license = card_date = None
    if isinstance(inferred, dict):
        card_license = _text(inferred, "HF Yaml License") or None
        card_date = _text(inferred, "HF Date") or None
    return DatasetRecord(
        file=file,
        uid=uid,
        collection=collection,
        name=_text(entry, "Dataset Name") or uid,
        hub_id=hub_dataset_id(_text(entry, "Hugging Face URL")),
        licenses=tuple(licenses),
        license_notes=_text(entry, "License Notes"),
        generators=tuple(Generator(g, groups.get(g)) for g in dict.fromkeys(_texts(entry, "Model Generated"))),
        derived_from=tuple(dict.fromkeys(_texts(entry, "Derived from Datasets"))),
        card_license=card_license,
        card_license_date=card_date,
    )


def _read_constant(folder: Path, name: str, problems: list[FileProblem]) -> dict[str, object]:
    path = folder / CONSTANTS / name
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        problems.append(FileProblem(f"{CONSTANTS}/{name}", "missing"))
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(FileProblem(f"{CONSTANTS}/{name}", f"not readable JSON: {error}"))
        return {}
    if not isinstance(document, dict):
        problems.append(FileProblem(f"{CONSTANTS}/{name}", "not a JSON object"))
        return {}
    return document


def _license_classes(folder: Path, name: str, problems: list[FileProblem]) -> dict[str, LicenseClass]:
    """`{"<license name or URL>": [use, attribution, share-alike]}`; a malformed entry is reported."""
    classes: dict[str, LicenseClass] = {}
    for key, value in _read_constant(folder, name, problems).items():
        if isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value):
            classes[key] = LicenseClass(*value)
        else:
            problems.append(FileProblem(f"{CONSTANTS}/{name}", f"{key!r}: not [use, attribution, share-alike]"))
    return classes


def _model_groups(document: dict[str, object]) -> dict[str, str]:
    """Model name -> its group, from `{"group": [model, ...]}`."""
    groups: dict[str, str] = {}
    for group, models in document.items():
        if isinstance(models, list):
            for model in models:
                if isinstance(model, str):
                    groups.setdefault(model, group)
    return groups


def _git_head(folder: Path) -> tuple[str | None, str | None]:
    """(commit, origin URL) of a git checkout, read from `.git` without running git."""
    git = folder / ".git"
    try:
        if git.is_file():  # a worktree or submodule: `gitdir: <path>`
            text = git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None, None
            git = (folder / text.split(":", 1)[1].strip()).resolve()
        if not git.is_dir():
            return None, None
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        commit: str | None = head
        if head.startswith("ref:"):
            ref = head.split(":", 1)[1].strip()
            commit = _resolve_ref(git, ref)
        remote = _origin_url(git)
        return commit, remote
    except (OSError, UnicodeDecodeError):
        return None, None


def _resolve_ref(git: Path, ref: str) -> str | None:
    common = git
    commondir = git / "commondir"
    if commondir.is_file():
        common = (git / commondir.read_text(encoding="utf-8").strip()).resolve()
    for base in (git, common):
        loose = base / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip() or None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref:
                return sha
    return None


def _origin_url(git: Path) -> str | None:
    config = git / "config"
    if not config.is_file():
        return None
    in_origin = False
    for line in config.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_origin = stripped.replace('"', "") == "[remote origin]"
        elif in_origin and stripped.startswith("url"):
            return stripped.split("=", 1)[1].strip()
    return None
