"""Metadata and License section disagree: `declared-license-conflict`, and under strict the more
restrictive reading binds."""

from __future__ import annotations

import pytest

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin
from licaudit.findings import FindingKind
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.pipeline import TraceSettings, trace
from licaudit.sources.facts import ArtifactFacts
from licaudit.terms.flow_rules import STRICT, Reading, Stance
from licaudit.terms.vocabulary import Effect


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _facts(prose: str | None) -> ArtifactFacts:
    return ArtifactFacts(
        id=ArtifactId("me/data"),
        kind=ArtifactKind.DATASET,
        name="me/data",
        license_expression="apache-2.0",
        declared_license="apache-2.0",
        license_evidence=(Evidence(Origin.DECLARED, "README.md", "license: apache-2.0"),),
        parents=(),
        on_hub=False,
        license_prose=prose,
    )


@pytest.mark.parametrize(
    ("stance", "verdict"), [(STRICT, Effect.FORBIDDEN), (Stance(Reading.PERMISSIVE), Effect.ALLOWED)]
)
def test_prose_more_restrictive_than_the_metadata_is_a_conflict(
    knowledge: Knowledge, stance: Stance, verdict: Effect
) -> None:
    facts = _facts("This dataset is for non-commercial research only.")
    result = trace("me/data", TraceSettings(stance=stance), knowledge, lambda a: facts if a == "me/data" else None)
    conflicts = [f for f in result.findings if f.kind is FindingKind.DECLARED_LICENSE_CONFLICT]
    assert len(conflicts) == 1 and "non-commercial research only" in conflicts[0].message
    assert conflicts[0].severity.value == "error"
    assert result.verdict("commercial").verdict is verdict


@pytest.mark.parametrize("prose", ["Apache License, Version 2.0", "See the LICENSE file.", None])
def test_prose_that_agrees_or_names_nothing_is_no_conflict(knowledge: Knowledge, prose: str | None) -> None:
    facts = _facts(prose)
    result = trace("me/data", TraceSettings(), knowledge, lambda a: facts if a == "me/data" else None)
    assert not [f for f in result.findings if f.kind is FindingKind.DECLARED_LICENSE_CONFLICT]
    assert result.verdict("commercial").verdict is Effect.ALLOWED
