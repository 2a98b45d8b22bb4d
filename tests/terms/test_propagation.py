"""Propagation on small fixture worlds: which terms reach a child, by which path, under which stance."""

from __future__ import annotations

from licaudit.pipeline import TraceSettings, trace
from licaudit.terms.flow_rules import Reading, Stance
from licaudit.terms.vocabulary import Effect
from tests.conftest import WorldFactory, record

PERMISSIVE = Stance(Reading.PERMISSIVE)


def alpaca_like(world: WorldFactory):
    return world(
        [
            record("org/base", "cc-by-nc-4.0"),
            record("services/api/teacher", "api-terms"),
            record("datasets/org/seeds", "mit"),
            record(
                "datasets/org/instructions",
                "cc-by-nc-4.0",
                ("generated_by", "services/api/teacher"),
                ("derived_from", "datasets/org/seeds"),
            ),
            record("org/student", "mit", ("finetune", "org/base"), ("trained_on", "datasets/org/instructions")),
            record("org/clean-base", "mit"),
            record(
                "org/clean-student", "mit", ("finetune", "org/clean-base"), ("trained_on", "datasets/org/instructions")
            ),
        ]
    )


def test_weight_relation_carries_the_base_license_with_its_path(world: WorldFactory) -> None:
    result = trace("org/student", TraceSettings(), alpaca_like(world))
    verdict = result.verdict("commercial")
    assert verdict.verdict is Effect.FORBIDDEN
    paths = {(r.carried.term.license_id, r.carried.path) for r in verdict.reasons}
    assert ("CC-BY-NC-4.0", ("org/base", "org/student")) in paths
    assert ("LicenseRef-Api", ("services/api/teacher", "datasets/org/instructions", "org/student")) in paths


def test_api_output_terms_become_terms_of_the_generated_data(world: WorldFactory) -> None:
    result = trace("datasets/org/instructions", TraceSettings(), alpaca_like(world))
    reasons = result.verdict("commercial").reasons
    api = [r for r in reasons if r.carried.term.license_id == "LicenseRef-Api"]
    assert api and api[0].carried.relations == ("generated_by",) and api[0].carried.question is None
    # The service itself may be used commercially: its output terms do not bind it.
    assert result.verdict("commercial", "services/api/teacher").verdict is Effect.ALLOWED


def test_contested_data_terms_flow_only_under_the_strict_reading(world: WorldFactory) -> None:
    knowledge = alpaca_like(world)
    strict = trace("org/clean-student", TraceSettings(), knowledge).verdict("commercial")
    assert strict.verdict is Effect.FORBIDDEN
    assert {r.carried.question for r in strict.reasons} == {
        "data-license-binds-weights",
        "output-terms-bind-third-parties",
    }
    permissive = trace("org/clean-student", TraceSettings(stance=PERMISSIVE), knowledge).verdict("commercial")
    assert permissive.verdict is Effect.ALLOWED
    risk_licenses = {r.carried.term.license_id for r in permissive.risks}
    assert {"CC-BY-NC-4.0", "LicenseRef-Api"} <= risk_licenses


def test_per_question_stance_picks_one_reading_per_question(world: WorldFactory) -> None:
    stance = Stance(Reading.PERMISSIVE, (("output-terms-bind-third-parties", Reading.STRICT),))
    verdict = trace("org/clean-student", TraceSettings(stance=stance), alpaca_like(world)).verdict("commercial")
    assert verdict.verdict is Effect.FORBIDDEN
    assert {r.carried.term.license_id for r in verdict.reasons} == {"LicenseRef-Api"}


def test_research_use_allows_non_commercial_terms(world: WorldFactory) -> None:
    result = trace("org/student", TraceSettings(), alpaca_like(world))
    assert result.verdict("research").verdict is Effect.CONDITIONAL  # the API's output terms remain


def test_output_terms_of_a_base_model_ride_along_finetunes_but_do_not_bind_them(world: WorldFactory) -> None:
    knowledge = world(
        [
            record("org/capped", "capped"),
            record("org/capped-ft", "capped", ("finetune", "org/capped")),
            record("datasets/org/synthetic", "mit", ("generated_by", "org/capped-ft")),
        ]
    )
    finetune = trace("org/capped-ft", TraceSettings(), knowledge)
    assert finetune.verdict("commercial").verdict is Effect.CONDITIONAL
    assert [r.carried.term.kind.value for r in finetune.verdict("commercial").reasons] == ["mau_cap"]
    data = trace("datasets/org/synthetic", TraceSettings(), knowledge).verdict("commercial")
    kinds = {r.carried.term.kind.value for r in data.conditions}
    assert "output_restriction" in kinds and "mau_cap" not in kinds


def test_evaluation_sets_do_not_bind_the_model(world: WorldFactory) -> None:
    knowledge = world(
        [record("datasets/org/bench", "cc-by-nc-4.0"), record("org/m", "mit", ("evaluated_on", "datasets/org/bench"))]
    )
    assert trace("org/m", TraceSettings(), knowledge).verdict("commercial").verdict is Effect.ALLOWED


def test_unresolved_parent_is_unknown_never_allowed(world: WorldFactory) -> None:
    knowledge = world([record("org/m", "mit", ("finetune", "org/ghost"))])
    result = trace("org/m", TraceSettings(), knowledge)
    assert result.verdict("commercial").verdict is Effect.UNKNOWN
    assert any(f.kind.value == "unresolved-parent" and f.artifact == "org/ghost" for f in result.findings)


def test_unknown_data_license_is_unknown_under_strict_and_a_reported_risk_under_permissive(world: WorldFactory) -> None:
    knowledge = world(
        [record("datasets/org/d", "mystery-license-9"), record("org/m", "mit", ("trained_on", "datasets/org/d"))]
    )
    strict = trace("org/m", TraceSettings(), knowledge)
    assert strict.verdict("commercial").verdict is Effect.UNKNOWN
    assert any(f.kind.value == "unrecognised-license" and "mystery-license-9" in f.message for f in strict.findings)
    permissive = trace("org/m", TraceSettings(stance=PERMISSIVE), knowledge)
    assert permissive.verdict("commercial").verdict is Effect.ALLOWED
    assert [r.carried.term.kind.value for r in permissive.verdict("commercial").risks] == ["unknown"]
    assert any(f.kind.value == "unrecognised-license" for f in permissive.findings)  # still fails a gate


def test_unknown_weights_are_unknown_under_every_stance(world: WorldFactory) -> None:
    knowledge = world([record("org/base", "mystery-license-9"), record("org/m", "mit", ("finetune", "org/base"))])
    assert trace("org/m", TraceSettings(stance=PERMISSIVE), knowledge).verdict("commercial").verdict is Effect.UNKNOWN


def test_a_cycle_is_a_finding_and_both_members_share_terms(world: WorldFactory) -> None:
    knowledge = world(
        [record("org/a", "mit", ("finetune", "org/b")), record("org/b", "cc-by-nc-4.0", ("finetune", "org/a"))]
    )
    result = trace("org/a", TraceSettings(), knowledge)
    assert any(f.kind.value == "cycle" for f in result.findings)
    assert result.verdict("commercial", "org/a").verdict is Effect.FORBIDDEN
    assert result.verdict("commercial", "org/b").verdict is Effect.FORBIDDEN


def test_a_self_loop_is_reported_and_ignored(world: WorldFactory) -> None:
    knowledge = world([record("org/a", "mit", ("finetune", "org/a"))])
    result = trace("org/a", TraceSettings(), knowledge)
    assert [f.kind.value for f in result.findings] == ["self-loop"]
    assert result.verdict("commercial").verdict is Effect.ALLOWED


def test_or_expression_takes_the_best_option_per_use_and_and_takes_all(world: WorldFactory) -> None:
    knowledge = world([record("org/or", "cc-by-nc-4.0 OR mit"), record("org/and", "cc-by-nc-4.0 AND mit")])
    assert trace("org/or", TraceSettings(), knowledge).verdict("commercial").verdict is Effect.ALLOWED
    assert trace("org/and", TraceSettings(), knowledge).verdict("commercial").verdict is Effect.FORBIDDEN


def test_declared_license_more_permissive_than_lineage_is_a_finding(world: WorldFactory) -> None:
    knowledge = world(
        [
            record("org/base", "cc-by-nc-4.0"),
            record("org/laundered", "mit", ("finetune", "org/base"), declared="MIT License"),
        ]
    )
    result = trace("org/laundered", TraceSettings(), knowledge)
    found = [f for f in result.findings if f.kind.value == "declared-more-permissive"]
    assert found and found[0].artifact == "org/laundered" and "org/base" in found[0].message


def test_conditions_are_listed_with_their_values(world: WorldFactory) -> None:
    knowledge = world(
        [
            record("org/capped", "capped"),
            record("datasets/org/sa", "cc-by-sa-4.0"),
            record("org/m", "mit", ("finetune", "org/capped"), ("trained_on", "datasets/org/sa")),
        ]
    )
    verdict = trace("org/m", TraceSettings(), knowledge).verdict("commercial")
    assert verdict.verdict is Effect.CONDITIONAL
    values = {(r.carried.term.kind.value, r.carried.term.value) for r in verdict.conditions}
    assert ("mau_cap", 700000000) in values and ("share_alike", None) in values


def test_a_card_with_several_licenses_is_a_finding_and_all_apply(world: WorldFactory) -> None:
    knowledge = world([record("org/two", "mit, cc-by-nc-4.0", declared="mit, cc-by-nc-4.0")])
    result = trace("org/two", TraceSettings(), knowledge)
    assert result.verdict("commercial").verdict is Effect.FORBIDDEN
    assert any(f.kind.value == "multi-license" for f in result.findings)
