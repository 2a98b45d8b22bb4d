"""A term's kind agrees with its effect: an `effect:` override never contradicts what the kind means.

The kinds whose name states a verdict (rules/README.md, "Term kinds") are pinned here. A term that
needs another effect has the wrong kind (the Falcon TII royalty was once a `non_commercial` term
overridden to `conditional`; it is a `revenue_share` term).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.shipped import shipped_folder
from licaudit.terms.catalog import parse_license
from licaudit.terms.flow_rules import FlowRules, load_flow_rules
from licaudit.terms.vocabulary import Effect, TermKind
from licaudit.yaml_data import iter_yaml_files, load_yaml_file

ANY_USE = "*"
# kind -> {use: the effect the kind means}; ANY_USE covers every use in rules/uses.yaml.
MEANING: dict[TermKind, dict[str, Effect]] = {
    TermKind.ATTRIBUTION: {ANY_USE: Effect.ALLOWED},
    TermKind.NOTICE: {ANY_USE: Effect.ALLOWED},
    TermKind.UNKNOWN: {ANY_USE: Effect.UNKNOWN},
    TermKind.NON_COMMERCIAL: {"commercial": Effect.FORBIDDEN, "research": Effect.ALLOWED},
    TermKind.RESEARCH_ONLY: {"commercial": Effect.FORBIDDEN, "research": Effect.ALLOWED},
    TermKind.REVENUE_SHARE: {"commercial": Effect.CONDITIONAL, "research": Effect.ALLOWED},
    TermKind.MAU_CAP: {"commercial": Effect.CONDITIONAL},
}
LICENSE_FILES = sorted(iter_yaml_files(shipped_folder("rules") / "licenses"))


@pytest.fixture(scope="module")
def rules() -> FlowRules:
    return load_flow_rules(shipped_folder("rules"))


def _meant(kind: TermKind, use: str) -> Effect | None:
    meaning = MEANING.get(kind, {})
    return meaning.get(use, meaning.get(ANY_USE))


def test_uses_yaml_gives_each_kind_the_effect_it_means(rules: FlowRules) -> None:
    for use_name, use in rules.uses.items():
        for kind in TermKind:
            meant = _meant(kind, use_name)
            if meant is not None:
                assert use.effects[kind] is meant, f"rules/uses.yaml: {use_name}.{kind.value} is {use.effects[kind]}"


@pytest.mark.parametrize("path", LICENSE_FILES, ids=[p.stem for p in LICENSE_FILES])
def test_every_term_kind_agrees_with_its_effect(rules: FlowRules, path: Path) -> None:
    license_ = parse_license(load_yaml_file(path), path)
    for term in license_.terms:
        for use in rules.uses:
            effective = rules.effect(use, term.kind, term.override_for(use))
            meant = _meant(term.kind, use)
            assert meant is None or effective is meant, (
                f"{path.name}: term {term.id!r} is a {term.kind.value} term but its effect on {use} is "
                f"{effective.value}; a {term.kind.value} term means {meant.value}: retype it"
            )


def test_a_contradicting_override_is_caught(rules: FlowRules, tmp_path: Path) -> None:
    path = tmp_path / "LicenseRef-Royalty.yaml"
    path.write_text(
        "schema_version: 1\nid: LicenseRef-Royalty\nname: Royalty\ncategory: model-community\n"
        "commercial_use: conditional\nterms:\n- id: royalty\n  kind: non_commercial\n"
        "  effect: {commercial: conditional}\n  clause: pay 10%\n  source: https://example.org\n",
        encoding="utf-8",
    )
    license_ = parse_license(load_yaml_file(path), path)
    (term,) = license_.terms
    assert rules.effect("commercial", term.kind, term.override_for("commercial")) is not _meant(term.kind, "commercial")
