"""A local model folder about to be published: its card, config.json and adapter_config.json as facts.

Kept minimal on purpose (the Hub source's local reader will supersede it): enough to resolve a
folder's declared lineage for `licaudit check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.sources.cards import CardMetadata, parse_card
from licaudit.sources.facts import ArtifactFacts, ParentLink
from licaudit.sources.repository import is_hub_id

MAX_CONFIG_BYTES = 1_000_000
CARD_RELATIONS = {
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZED,
    "finetune": Relation.FINETUNE,
}


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    readme: bytes | None  # README.md exactly as on disk
    card: CardMetadata
    config: dict[str, object]
    adapter_config: dict[str, object]
    errors: tuple[str, ...]

    @property
    def config_base(self) -> str | None:
        """The base model the configs name: adapter_config's base, else config.json's `_name_or_path`."""
        for value in (self.adapter_config.get("base_model_name_or_path"), self.config.get("_name_or_path")):
            if isinstance(value, str) and "/" in value and is_hub_id(value):
                return value
        return None

    @property
    def inferred_relation(self) -> Relation:
        if self.adapter_config:
            return Relation.ADAPTER
        if "quantization_config" in self.config:
            return Relation.QUANTIZED
        return Relation.FINETUNE


def read_model_folder(path: Path) -> ModelFolder:
    errors: list[str] = []
    readme_path = path / "README.md"
    readme = readme_path.read_bytes() if readme_path.is_file() else None
    card = parse_card(readme) if readme is not None else CardMetadata()
    if readme is None:
        errors.append("no README.md: the model has no card")
    return ModelFolder(
        path,
        readme,
        card,
        _json_object(path / "config.json", errors),
        _json_object(path / "adapter_config.json", errors),
        (*errors, *card.errors),
    )


def _json_object(path: Path, errors: list[str]) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        raw = path.read_bytes()[:MAX_CONFIG_BYTES]
        data = json.loads(raw)
    except (OSError, ValueError) as error:
        errors.append(f"{path.name} is not readable JSON ({type(error).__name__}); ignored")
        return {}
    if not isinstance(data, dict):
        errors.append(f"{path.name} is not a JSON object; ignored")
        return {}
    return data


def folder_facts(folder: ModelFolder, artifact_id: ArtifactId) -> ArtifactFacts:
    """The folder as an artifact: card fields first, the configs when the card is silent."""
    card = folder.card
    readme = (folder.path / "README.md").as_posix()
    parents: list[ParentLink] = []
    relation = CARD_RELATIONS.get((card.base_model_relation or "").lower(), folder.inferred_relation)
    for base in card.base_model:
        evidence = Evidence(Origin.DECLARED, readme, f"base_model: {base}", field="base_model")
        parents.append(ParentLink(ArtifactId(base), relation, (evidence,)))
    if not card.base_model and folder.config_base is not None:
        source = "adapter_config.json" if folder.adapter_config else "config.json"
        evidence = Evidence(Origin.DECLARED, (folder.path / source).as_posix(), folder.config_base)
        parents.append(ParentLink(ArtifactId(folder.config_base), relation, (evidence,)))
    for dataset in card.datasets:
        evidence = Evidence(Origin.DECLARED, readme, f"datasets: {dataset}", field="datasets")
        parents.append(ParentLink(ArtifactId(dataset), Relation.TRAINED_ON, (evidence,)))
    declared = " AND ".join(card.license) if card.license else None
    if card.license == ("other",) and card.license_name:
        declared = card.license_name
    return ArtifactFacts(
        id=artifact_id,
        kind=ArtifactKind.MODEL,
        name=folder.path.name,
        license_expression=declared,
        declared_license=declared,
        license_evidence=(Evidence(Origin.DECLARED, readme, f"license: {declared}", field="license"),),
        parents=tuple(parents),
        on_hub=False,
    )
