"""Properties of propagation on random lineages: monotone in restrictions, stance ordered."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.pipeline import TraceSettings, trace
from licaudit.sources.facts import ArtifactFacts, ParentLink
from licaudit.terms.flow_rules import Reading, Stance
from tests.conftest import write_world

LICENSES = ["mit", "cc-by-nc-4.0", "cc-by-sa-4.0", "capped", "api-terms", "other", "no-such-license", None]
RELATIONS = list(Relation)
EVIDENCE = (Evidence(Origin.CURATED, "https://example.org"),)
STANCES = [Stance(Reading.STRICT), Stance(Reading.PERMISSIVE)]


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    rules, registry = write_world(Path(tmp_path_factory.mktemp("props")), [])
    return load_knowledge(rules, registry)


@st.composite
def lineages(draw: st.DrawFn) -> dict[str, ArtifactFacts]:
    """A random lineage: node 0 is the target; edges may point anywhere, cycles included."""
    size = draw(st.integers(1, 7))
    names = [f"org/n{i}" for i in range(size)]
    facts = {}
    for i, name in enumerate(names):
        parents = draw(
            st.lists(
                st.tuples(st.sampled_from(names), st.sampled_from(RELATIONS)), max_size=3, unique_by=lambda p: p[0]
            )
        )
        links = tuple(ParentLink(ArtifactId(p), r, EVIDENCE) for p, r in parents if p != name or i % 2)
        facts[name] = _facts(name, draw(st.sampled_from(LICENSES)), links)
    return facts


def _facts(name: str, license_: str | None, links: tuple[ParentLink, ...]) -> ArtifactFacts:
    return ArtifactFacts(ArtifactId(name), ArtifactKind.MODEL, name, license_, None, EVIDENCE, links)


def _rank(knowledge: Knowledge, world: dict[str, ArtifactFacts], use: str, stance: Stance) -> int:
    result = trace("org/n0", TraceSettings(uses=(use,), stance=stance), knowledge, resolve=world.get)
    return result.verdict(use).verdict.rank


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    world=lineages(),
    extra_license=st.sampled_from(LICENSES),
    relation=st.sampled_from(RELATIONS),
    attach=st.integers(0, 6),
    use=st.sampled_from(["commercial", "research"]),
    stance=st.sampled_from(STANCES),
)
def test_adding_a_parent_never_makes_a_verdict_more_permissive(
    knowledge, world, extra_license, relation, attach, use, stance
) -> None:
    before = _rank(knowledge, world, use, stance)
    child = sorted(world)[attach % len(world)]
    grown = dict(world)
    grown["org/extra"] = _facts("org/extra", extra_license, ())
    old = grown[child]
    grown[child] = _facts(
        child, old.license_expression, (*old.parents, ParentLink(ArtifactId("org/extra"), relation, EVIDENCE))
    )
    assert _rank(knowledge, grown, use, stance) >= before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    world=lineages(),
    which=st.integers(0, 6),
    use=st.sampled_from(["commercial", "research"]),
    stance=st.sampled_from(STANCES),
)
def test_a_more_restrictive_license_upstream_never_makes_a_verdict_more_permissive(
    knowledge, world, which, use, stance
) -> None:
    name = sorted(world)[which % len(world)]
    before = _rank(knowledge, world, use, stance)
    stricter = dict(world)
    old = world[name]
    stricter[name] = _facts(name, f"({old.license_expression or 'no-license-at-all'}) AND cc-by-nc-4.0", old.parents)
    assert _rank(knowledge, stricter, use, stance) >= before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=lineages(), use=st.sampled_from(["commercial", "research"]))
def test_permissive_stance_is_never_stricter_than_strict(knowledge, world, use) -> None:
    assert _rank(knowledge, world, use, STANCES[1]) <= _rank(knowledge, world, use, STANCES[0])
