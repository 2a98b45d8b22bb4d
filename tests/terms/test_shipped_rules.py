"""Every shipped rules/ file loads, is sourced, and covers the Hub's license list."""

from __future__ import annotations

import pytest
import yaml

from licaudit.shipped import shipped_folder
from licaudit.terms.catalog import Catalog, load_catalog
from licaudit.terms.flow_rules import FlowRules, load_flow_rules
from licaudit.terms.vocabulary import DUTY_KINDS, Effect, Scope


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_folder("rules") / "licenses")


@pytest.fixture(scope="module")
def rules() -> FlowRules:
    return load_flow_rules(shipped_folder("rules"))


def test_every_restrictive_term_quotes_its_clause_and_names_its_source(catalog: Catalog) -> None:
    assert len(catalog.licenses) >= 80
    for license_ in catalog.licenses.values():
        for term in license_.terms:
            if term.kind in DUTY_KINDS:
                continue
            assert term.clause and len(term.clause) >= 3, f"{license_.path}: {term.id} has no clause"
            assert term.source and (term.source.startswith("http") or ":" in term.source), f"{license_.path}: {term.id}"


def test_every_hub_license_id_maps_to_exactly_one_catalog_file(catalog: Catalog) -> None:
    listed = yaml.safe_load((shipped_folder("rules") / "hub-license-ids.yaml").read_text())
    hub_ids = catalog.hub_ids()
    missing = [i for i in listed["ids"] if i not in hub_ids]
    assert not missing, f"Hub ids with no catalog file: {missing}"
    owners: dict[str, list[str]] = {}
    for license_ in catalog.licenses.values():
        for hub_id in license_.hub_ids:
            owners.setdefault(hub_id, []).append(license_.id)
    assert all(len(v) == 1 for v in owners.values()), {k: v for k, v in owners.items() if len(v) > 1}


def test_family_ids_are_mapped_explicitly_not_by_spdx_guessing(catalog: Catalog) -> None:
    # license-expression would read bare `gpl` as GPL-1.0-or-later.
    for family in ("gpl", "lgpl", "bsd", "cc", "gfdl"):
        found = catalog.lookup(family)
        assert found is not None and found.id.startswith("LicenseRef-"), family


def test_declared_commercial_use_agrees_with_the_terms(catalog: Catalog, rules: FlowRules) -> None:
    for license_ in catalog.licenses.values():
        effects = [
            rules.effect("commercial", t.kind, t.override_for("commercial"))
            for t in license_.terms
            if t.scope is Scope.ARTIFACT
        ]
        assert Effect.worst(effects) is license_.commercial_use, license_.path


def test_every_relation_has_a_rule_and_every_question_both_readings(rules: FlowRules) -> None:
    assert {"commercial", "research"} <= set(rules.uses)
    for question in rules.questions.values():
        for reading in question.readings.values():
            assert reading.sources and all(s.url.startswith("http") for s in reading.sources)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("apache2", "Apache-2.0"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
        ("llama2", "LicenseRef-Llama-2-Community"),
        ("MIT", "MIT"),
        ("bigscience-bloom-rail-1.0", "LicenseRef-BigScience-BLOOM-RAIL-1.0"),
    ],
)
def test_common_spellings_resolve(catalog: Catalog, name: str, expected: str) -> None:
    found = catalog.lookup(name)
    assert found is not None and found.id == expected
