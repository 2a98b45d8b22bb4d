"""Policy evaluation on a fixture world: allow and deny lists, conditions, MAU caps, unknowns, severities."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from licaudit.findings import FindingKind, Severity
from licaudit.gate import GateStatus, gate_artifacts
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.policy.policy_file import Policy, load_policy
from licaudit.shipped import shipped_folder
from licaudit.terms.flow_rules import Reading, Stance
from licaudit.terms.vocabulary import Category, TermKind
from tests.conftest import record, write_world

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Knowledge, Path]:
    rules, registry = write_world(
        tmp_path_factory.mktemp("evaluation"),
        [
            record("org/free", "mit"),
            record("org/capped", "capped"),
            record("org/sa", "cc-by-sa-4.0"),
            record("org/nc", "cc-by-nc-4.0"),
            record("org/sa-child", "mit", ("finetune", "org/sa")),
            record("org/orphan", "mit", ("finetune", "org/nobody")),
            record("org/data-child", "mit", ("trained_on", "datasets/org/nc-data")),
            record("datasets/org/nc-data", "cc-by-nc-4.0"),
        ],
    )
    shutil.copytree(shipped_folder("rules") / "policies", rules / "policies")
    return load_knowledge(rules, registry), rules


def run(world: tuple[Knowledge, Path], ids: list[str], **changes: object) -> tuple[GateStatus, list[tuple[str, str]]]:
    knowledge, rules = world
    policy: Policy = replace(load_policy("commercial", knowledge, TODAY, rules), **changes)  # type: ignore[arg-type]
    result = gate_artifacts(ids, policy=policy, knowledge=knowledge, today=TODAY)
    return result.status, sorted({(f.kind.value, f.severity.value) for f in result.findings})


def test_a_permissive_artifact_passes_the_commercial_preset(world: tuple[Knowledge, Path]) -> None:
    assert run(world, ["org/free"]) == (GateStatus.PASSED, [])


def test_share_alike_is_a_condition_the_commercial_preset_rejects_and_flows_along_finetune(
    world: tuple[Knowledge, Path],
) -> None:
    status, findings = run(world, ["org/sa-child"])
    assert status is GateStatus.FAILED and ("condition-not-accepted", "error") in findings
    accepting = frozenset(TermKind) - {TermKind.UNKNOWN}
    assert run(world, ["org/sa-child"], accepted=accepting)[0] is GateStatus.PASSED


def test_mau_cap_is_accepted_only_while_the_expected_users_stay_under_it(world: tuple[Knowledge, Path]) -> None:
    assert run(world, ["org/capped"], monthly_active_users=1_000_000)[0] is GateStatus.PASSED
    status, findings = run(world, ["org/capped"], monthly_active_users=700_000_000)
    assert status is GateStatus.FAILED and findings == [("condition-not-accepted", "error")]


def test_license_and_category_lists(world: tuple[Knowledge, Path]) -> None:
    assert run(world, ["org/free"], deny_licenses=("MIT",))[1] == [("license-denied", "error")]
    assert run(world, ["org/free"], allow_licenses=("Apache-2.0",))[1] == [("license-not-allowed", "error")]
    assert run(world, ["org/free"], allow_licenses=("MIT",))[0] is GateStatus.PASSED
    assert ("category-denied", "error") in run(world, ["org/nc"], deny_categories=(Category.NON_COMMERCIAL,))[1]
    assert run(world, ["org/free"], allow_categories=(Category.PUBLIC_DOMAIN,))[1] == [
        ("category-not-allowed", "error")
    ]


def test_unknown_fails_by_default_and_warn_lowers_it(world: tuple[Knowledge, Path]) -> None:
    status, findings = run(world, ["org/orphan", "org/never-heard-of"])
    assert status is GateStatus.FAILED
    assert {"unresolved-artifact", "unresolved-parent", "terms-unknown"} <= {kind for kind, _ in findings}
    status, findings = run(world, ["org/orphan", "org/never-heard-of"], unknown_fails=False)
    assert status is GateStatus.PASSED and all(severity == "warning" for _, severity in findings)


def test_permissive_stance_turns_contested_terms_into_risks(world: tuple[Knowledge, Path]) -> None:
    assert run(world, ["org/data-child"])[0] is GateStatus.FAILED
    status, findings = run(world, ["org/data-child"], stance=Stance(Reading.PERMISSIVE))
    assert status is GateStatus.PASSED and ("contested-risk", "warning") in findings


def test_severity_overrides_and_fail_on(world: tuple[Knowledge, Path]) -> None:
    lowered = ((FindingKind.USE_FORBIDDEN, Severity.INFO),)
    status, findings = run(world, ["org/nc"], severities=lowered)
    assert status is GateStatus.PASSED and ("use-forbidden", "info") in findings
    assert run(world, ["org/nc"], severities=lowered, fail_on=Severity.INFO)[0] is GateStatus.FAILED
