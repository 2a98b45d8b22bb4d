"""The data licaudit reasons with: the license catalog, flow rules and the curated registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from licaudit.data_cache import ParsedFileCache, default_cache_dir
from licaudit.shipped import shipped_folder
from licaudit.sources.registry import Registry, load_registry
from licaudit.terms.catalog import Catalog, load_catalog
from licaudit.terms.expressions import LicenseNormaliser
from licaudit.terms.flow_rules import FlowRules, load_flow_rules
from licaudit.terms.recognition.hub_history import load_hub_history
from licaudit.yaml_data import iter_yaml_files


@dataclass(frozen=True)
class Knowledge:
    catalog: Catalog
    rules: FlowRules
    registry: Registry
    normaliser: LicenseNormaliser


def load_knowledge(rules_folder: Path | None = None, registry_folder: Path | None = None) -> Knowledge:
    rules_folder = rules_folder or shipped_folder("rules")
    registry_folder = registry_folder or shipped_folder("registry")
    files = ParsedFileCache([*iter_yaml_files(rules_folder), *iter_yaml_files(registry_folder)])
    catalog = load_catalog(rules_folder / "licenses", files.read)
    knowledge = Knowledge(
        catalog=catalog,
        rules=load_flow_rules(rules_folder, files.read),
        registry=load_registry(registry_folder, files.read),
        normaliser=LicenseNormaliser(
            catalog, hub_history=load_hub_history(rules_folder, files.read), cache_dir=default_cache_dir()
        ),
    )
    files.save()  # only once everything validated
    return knowledge
