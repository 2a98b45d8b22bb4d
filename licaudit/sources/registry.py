"""The curated registry: one `registry/**/*.yaml` record per artifact, looked up by id or alias."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from licaudit.artifact_ref import ref_key
from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.errors import DataFileError
from licaudit.sources.facts import ArtifactFacts, LicenseChange, ParentLink
from licaudit.yaml_data import Fields, iter_yaml_files, load_yaml_file

_RECORD_KEYS = {"schema_version", "id", "kind", "name", "hub", "aliases", "license", "parents", "notes"}
_LICENSE_KEYS = {"expression", "declared", "sources", "history", "notes"}
_PARENT_KEYS = {"id", "relation", "sources", "notes"}
_KIND_FOLDERS = {ArtifactKind.MODEL: "models", ArtifactKind.DATASET: "datasets", ArtifactKind.SERVICE: "services"}
_KINDS = frozenset(k.value for k in _KIND_FOLDERS)  # built once: enum iteration is slow, records many
_RELATIONS = frozenset(r.value for r in Relation)


@dataclass
class Registry:
    records: dict[ArtifactId, ArtifactFacts] = field(default_factory=dict)
    _index: dict[str, ArtifactId] = field(default_factory=dict)

    def add(self, facts: ArtifactFacts) -> None:
        for name in (facts.id, *facts.aliases):
            key = ref_key(name)
            owner = self._index.get(key)
            if owner == facts.id:
                continue  # the same name twice in one record, e.g. in two spellings
            if owner is not None:
                raise DataFileError(
                    facts.record_path or "registry", None, f"id or alias {name!r} is already used by {owner!r}"
                )
            self._index[key] = facts.id
        self.records[facts.id] = facts

    def get(self, artifact_id: str) -> ArtifactFacts | None:
        key = ref_key(artifact_id)
        found = self._index.get(key)
        if found is None and not key.startswith(("datasets/", "services/")):
            found = self._index.get(f"datasets/{key}")
        return self.records[found] if found is not None else None

    def suggest(self, artifact_id: str, limit: int = 3) -> list[str]:
        key = ref_key(artifact_id)
        candidates = list(self._index)
        close = difflib.get_close_matches(key, candidates, n=limit * 2, cutoff=0.6)
        tail = key.rsplit("/", 1)[-1]
        close += [c for c in candidates if tail and tail in c and c not in close]
        result: list[str] = []
        for match in close:
            artifact = self._index[match]
            if artifact not in result:
                result.append(artifact)
        return result[:limit]


def load_registry(folder: Path, read: Callable[[Path], object] = load_yaml_file) -> Registry:
    registry = Registry()
    for path in iter_yaml_files(folder):
        registry.add(parse_record(read(path), path, folder))
    return registry


def _evidence(fields: Fields, key: str = "sources") -> tuple[Evidence, ...]:
    return tuple(
        Evidence(origin=Origin.CURATED, url=source.text("url"), quote=source.opt_text("quote"))
        for source in fields.mappings(key)
    )


def parse_record(data: object, path: Path, root: Path | None = None) -> ArtifactFacts:
    fields = Fields(data, path, "record")
    fields.schema_version()
    fields.reject_unknown(_RECORD_KEYS)
    artifact_id = fields.text("id")
    kind = ArtifactKind(fields.choice("kind", _KINDS))
    if root is not None:
        _check_path(fields, artifact_id, kind, path, root)
    license_field = fields.mapping("license")
    if license_field is None:
        raise fields.error("`license` is missing: say `expression: unknown` when nobody knows")
    license_field.reject_unknown(_LICENSE_KEYS)
    license_evidence = _evidence(license_field)
    if not license_evidence:
        raise license_field.error("`sources` must name at least one source for the license")
    history = tuple(
        LicenseChange(h.text("date"), h.opt_text("expression"), h.opt_text("note") or "", h.opt_text("source"))
        for h in license_field.mappings("history")
    )
    parents = []
    for parent in fields.mappings("parents"):
        parent.reject_unknown(_PARENT_KEYS)
        relation = Relation(parent.choice("relation", _RELATIONS))
        evidence = _evidence(parent)
        if not evidence:
            raise parent.error("`sources` must name at least one source for this parent")
        parents.append(ParentLink(ArtifactId(parent.text("id")), relation, evidence))
    hub = fields.data.get("hub", True)
    if not isinstance(hub, bool):
        raise fields.error("`hub` must be true or false")
    return ArtifactFacts(
        id=ArtifactId(artifact_id),
        kind=kind,
        name=fields.opt_text("name") or artifact_id,
        license_expression=license_field.text("expression"),
        declared_license=license_field.opt_text("declared"),
        license_evidence=license_evidence,
        parents=tuple(parents),
        aliases=tuple(fields.text_list("aliases")),
        on_hub=hub,
        license_history=history,
        notes=fields.opt_text("notes"),
        record_path=str(path),
    )


def _check_path(fields: Fields, artifact_id: str, kind: ArtifactKind, path: Path, root: Path) -> None:
    folder = _KIND_FOLDERS[kind]
    bare = artifact_id.split("/", 1)[1] if artifact_id.startswith(f"{folder}/") else artifact_id
    if kind is not ArtifactKind.MODEL and not artifact_id.startswith(f"{folder}/"):
        raise fields.error(f"a {kind.value} id must start with `{folder}/` (got {artifact_id!r})")
    if str(path) == f"{root}{os.sep}{folder}{os.sep}{bare}.yaml":
        return  # the usual case, checked without building Paths (a hundred records on every run)
    expected = root / folder / f"{bare}.yaml"
    if path != expected and path.resolve() != expected.resolve():
        raise fields.error(f"record for {artifact_id!r} must live at {expected.relative_to(root)}")
