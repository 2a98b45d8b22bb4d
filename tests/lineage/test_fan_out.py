"""Bounded fan-out: a card with 100,000 parents is answered at once, with its terms unknown."""

from __future__ import annotations

import time

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.cli.trace_command import DEFAULT_MAX_PARENTS as CLI_DEFAULT
from licaudit.findings import FindingKind
from licaudit.knowledge import load_knowledge
from licaudit.lineage.build import build_lineage
from licaudit.lineage.fan_out import DEFAULT_MAX_PARENTS, bound_parents, is_stand_in
from licaudit.pipeline import TraceSettings, trace
from licaudit.sources.facts import ArtifactFacts, ParentLink

EVIDENCE = (Evidence(Origin.DECLARED, "https://example.org/card", "datasets"),)


def facts(artifact: str, license_: str | None, parents: int = 0) -> ArtifactFacts:
    links = tuple(
        ParentLink(ArtifactId(f"datasets/wide/data-{n}"), Relation.TRAINED_ON, EVIDENCE) for n in range(parents)
    )
    return ArtifactFacts(ArtifactId(artifact), ArtifactKind.MODEL, artifact, license_, license_, EVIDENCE, links)


def test_the_cli_default_is_the_library_default() -> None:
    assert CLI_DEFAULT == DEFAULT_MAX_PARENTS == 256


def test_bounding_keeps_the_first_parents_and_one_stand_in_and_is_idempotent() -> None:
    wide = facts("wide/model", "mit", parents=1000)
    bounded, finding = bound_parents(wide, 10)
    assert [link.parent for link in bounded.parents[:10]] == [link.parent for link in wide.parents[:10]]
    assert len(bounded.parents) == 11 and is_stand_in(bounded.parents[-1].parent)
    assert "+990" in bounded.parents[-1].parent
    assert finding is not None and finding.kind is FindingKind.TOO_MANY_PARENTS and "1,000 parents" in finding.message
    assert bound_parents(bounded, 10) == (bounded, None)
    assert bound_parents(facts("narrow/model", "mit", parents=10), 10)[1] is None


def test_a_card_with_100000_datasets_answers_in_seconds_and_fails_closed() -> None:
    knowledge = load_knowledge()
    wide = facts("wide/model", "mit", parents=100_000)
    looked_up: list[str] = []

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        looked_up.append(artifact)
        if artifact == "wide/model":
            return wide
        return None if is_stand_in(artifact) else facts(artifact, "cc-by-4.0")

    started = time.perf_counter()
    result = trace("wide/model", TraceSettings(), knowledge, resolve=resolve)
    assert time.perf_counter() - started < 10
    assert len(looked_up) == 1 + DEFAULT_MAX_PARENTS + 1  # the target, 256 parents, the stand-in
    assert result.verdict("commercial").verdict == "unknown"  # the other 99,744 may carry any license
    kinds = [f.kind for f in result.findings]
    assert kinds.count(FindingKind.TOO_MANY_PARENTS) == 1
    graph, _ = build_lineage(wide, resolve, max_parents=5)
    assert len(graph) == 1 + 5 + 1
