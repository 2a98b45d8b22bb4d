"""The data licaudit reasons with: the license catalog, flow rules and the curated registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from licaudit.shipped import shipped_folder
from licaudit.sources.registry import Registry, load_registry
from licaudit.terms.catalog import Catalog, load_catalog
from licaudit.terms.expressions import LicenseNormaliser
from licaudit.terms.flow_rules import FlowRules, load_flow_rules


@dataclass(frozen=True)
class Knowledge:
    catalog: Catalog
    rules: FlowRules
    registry: Registry
    normaliser: LicenseNormaliser


def load_knowledge(rules_folder: Path | None = None, registry_folder: Path | None = None) -> Knowledge:
    rules_folder = rules_folder or shipped_folder("rules")
    registry_folder = registry_folder or shipped_folder("registry")
    catalog = load_catalog(rules_folder / "licenses")
    return Knowledge(
        catalog=catalog,
        rules=load_flow_rules(rules_folder),
        registry=load_registry(registry_folder),
        normaliser=LicenseNormaliser(catalog),
    )
