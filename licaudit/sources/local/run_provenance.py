"""Local folders as a source: a `licaudit-provenance.json` written by a licaudit run, or a card.

The provenance file is what `licaudit run` leaves beside its output (schema below, version 1). It
names the output artifact, its computed license and every input with the relation, revision and
the license facts used at planning time; the inputs' facts are a fallback for `licaudit trace
./folder` when the registry does not know them (curated registry records win). Without the file,
a folder's README.md front matter (`license`, `base_model`, `base_model_relation`, `datasets`)
is read as declared facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.errors import DataFileError
from licaudit.sources.cards.metadata import parse_card
from licaudit.sources.cards.reader import read_card
from licaudit.sources.facts import ArtifactFacts, ParentLink

PROVENANCE_FILE = "licaudit-provenance.json"
PROVENANCE_SCHEMA_VERSION = 1
CARD_FILE = "README.md"
MAX_PROVENANCE_BYTES = 5_000_000


class RunStatus:
    """Values of the provenance file's `status`: only `complete` means the output is whole."""

    RUNNING = "running"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class LocalArtifact:
    """What a local folder says: the artifact's facts, its inputs' facts, and the run status."""

    facts: ArtifactFacts
    inputs: dict[ArtifactId, ArtifactFacts]
    status: str | None  # None when read from a card, not a provenance file
    document: dict[str, object] | None


def has_provenance(folder: str) -> bool:
    return (Path(folder).expanduser() / PROVENANCE_FILE).is_file()


def holds_local_record(folder: Path) -> bool:
    """The folder holds what `read_local_folder` reads: a provenance file or a card."""
    return folder.is_dir() and ((folder / PROVENANCE_FILE).is_file() or (folder / CARD_FILE).is_file())


def read_local_folder(folder: Path) -> LocalArtifact:
    provenance = folder / PROVENANCE_FILE
    if provenance.is_file():
        return read_provenance(provenance)
    card = folder / CARD_FILE
    if card.is_file():
        return _read_card(folder, card)
    raise DataFileError(folder, None, f"holds neither {PROVENANCE_FILE} nor {CARD_FILE}")


def local_resolver(
    local: LocalArtifact, fallback: Callable[[ArtifactId], ArtifactFacts | None]
) -> Callable[[ArtifactId], ArtifactFacts | None]:
    """The folder's artifact, then the registry, then the inputs as the provenance file recorded them."""

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        if artifact == local.facts.id:
            return local.facts
        found = fallback(artifact)
        if found is not None:
            return found
        return local.inputs.get(artifact)

    return resolve


def read_provenance(path: Path) -> LocalArtifact:
    raw = path.read_bytes()
    if len(raw) > MAX_PROVENANCE_BYTES:
        raise DataFileError(path, None, f"larger than {MAX_PROVENANCE_BYTES:,} bytes")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise DataFileError(path, line, f"not valid JSON: {error}") from error
    if not isinstance(doc, dict):
        raise DataFileError(path, None, "the provenance document must be a JSON object")
    version = doc.get("schema_version")
    if version != PROVENANCE_SCHEMA_VERSION:
        raise DataFileError(path, None, f"schema_version {version!r} is not supported (expected 1)")
    artifact = _mapping(doc, "artifact", path)
    url = str(path)
    inputs: dict[ArtifactId, ArtifactFacts] = {}
    parents: list[ParentLink] = []
    for entry in _list(doc, "inputs", path):
        artifact_id = ArtifactId(_text(entry, "id", path))
        relation = _relation(entry, path)
        quote = f"{entry.get('role', 'input')}: {artifact_id}"
        parents.append(
            ParentLink(artifact_id, relation, (Evidence(Origin.DECLARED, url, quote, _opt(entry, "revision")),))
        )
        evidence = tuple(
            Evidence(Origin.DECLARED, str(e.get("url") or url), _opt(e, "quote"), _opt(e, "revision"))
            for e in _evidence_list(entry)
        ) or (Evidence(Origin.DECLARED, url, f"license: {entry.get('license')}"),)
        inputs[artifact_id] = ArtifactFacts(
            id=artifact_id,
            kind=_kind(entry.get("kind"), path),
            name=str(entry.get("name") or artifact_id),
            license_expression=_opt(entry, "license"),
            declared_license=_opt(entry, "license"),
            license_evidence=evidence,
            parents=(),
            on_hub=False,
            notes=f"as recorded by {path}",
        )
    status = str(doc.get("status", RunStatus.INCOMPLETE))
    license_expression = _opt(artifact, "license")
    facts = ArtifactFacts(
        id=ArtifactId(_text(artifact, "id", path)),
        kind=_kind(artifact.get("kind"), path),
        name=str(artifact.get("name") or artifact["id"]),
        license_expression=license_expression,
        declared_license=_opt(artifact, "hub_license") or license_expression,
        license_evidence=(Evidence(Origin.DECLARED, url, f"license: {license_expression}", field="artifact.license"),),
        parents=tuple(parents),
        on_hub=False,
        notes=None if status == RunStatus.COMPLETE else f"the run that produced this artifact is {status}",
        record_path=url,
    )
    return LocalArtifact(facts, inputs, status, doc)


def _read_card(folder: Path, card: Path) -> LocalArtifact:
    """A folder without a provenance file: its README.md read by the card reader, like any card."""
    meta = parse_card(card.read_bytes())
    url = str(card)
    artifact = ArtifactId(f"local/{folder.resolve().name}")
    declared = read_card(ArtifactKind.MODEL, meta, self_id=artifact)
    parents = tuple(
        ParentLink(ArtifactId(link.parent), link.relation, (Evidence(link.origin, url, link.quote, field=link.source),))
        for link in declared.links
    )
    facts = ArtifactFacts(
        id=artifact,
        kind=ArtifactKind.MODEL,
        name=folder.resolve().name,
        license_expression=declared.license,
        declared_license=declared.license,
        license_evidence=(Evidence(Origin.DECLARED, url, declared.license_quote, field="license"),),
        parents=parents,
        on_hub=False,
        record_path=url,
    )
    return LocalArtifact(facts, {}, None, None)


def _mapping(doc: dict[str, object], key: str, path: Path) -> dict[str, object]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise DataFileError(path, None, f"`{key}` must be an object")
    return value


def _list(doc: dict[str, object], key: str, path: Path) -> list[dict[str, object]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataFileError(path, None, f"`{key}` must be a list of objects")
    return value


def _evidence_list(entry: dict[str, object]) -> list[dict[str, object]]:
    value = entry.get("evidence")
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def _text(doc: dict[str, object], key: str, path: Path) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, None, f"`{key}` must be a non-empty string")
    return value


def _opt(doc: dict[str, object], key: str) -> str | None:
    value = doc.get(key)
    return value if isinstance(value, str) and value else None


def _relation(entry: dict[str, object], path: Path) -> Relation:
    value = entry.get("relation")
    if value not in {r.value for r in Relation}:
        raise DataFileError(path, None, f"input relation {value!r} is not one of {[r.value for r in Relation]}")
    return Relation(str(value))


def _kind(value: object, path: Path) -> ArtifactKind:
    if value not in {ArtifactKind.MODEL.value, ArtifactKind.DATASET.value, ArtifactKind.SERVICE.value}:
        raise DataFileError(path, None, f"artifact kind {value!r} must be model, dataset or service")
    return ArtifactKind(str(value))
