"""A local model folder about to be published, as `licaudit check` needs it: the card's exact
bytes and fields (to check and fix them) and the configs' base model (to say what the card misses).

Its lineage facts come from the crawler's local reader (sources/local/folder.py), like any traced folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.sources.cards.metadata import CardMetadata, parse_card
from licaudit.sources.cards.reader import RepoConfigs, default_relation, read_card

MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    readme: bytes | None  # README.md exactly as on disk
    card: CardMetadata
    config: dict[str, object]
    adapter_config: dict[str, object]
    errors: tuple[str, ...]

    @property
    def configs(self) -> RepoConfigs:
        adapter_base = self.adapter_config.get("base_model_name_or_path")
        name_or_path = self.config.get("_name_or_path")
        return RepoConfigs(
            adapter_base=adapter_base if isinstance(adapter_base, str) and adapter_base.strip() else None,
            name_or_path=name_or_path if isinstance(name_or_path, str) else None,
            quantized="quantization_config" in self.config,
        )

    @property
    def config_base(self) -> str | None:
        """The base model the configs name, read as the card reader reads it (adapter first)."""
        links = read_card(ArtifactKind.MODEL, CardMetadata(), (), self.configs).links
        return links[0].parent if links else None

    @property
    def inferred_relation(self) -> Relation:
        """The relation the card reader assumes when the card names a base without saying how."""
        return default_relation(self.card, self.configs)


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
