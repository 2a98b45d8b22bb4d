"""SARIF rules: one per finding kind, each with help text, ids stable."""

from __future__ import annotations

from licaudit.findings import FindingKind
from licaudit.policy.policy_evaluation import FINDING_HELP
from licaudit.reports.sarif import _rules, rule_id


def test_every_finding_kind_has_a_rule_with_help() -> None:
    assert set(FINDING_HELP) == set(FindingKind)
    rules = _rules()
    assert [rule["id"] for rule in rules] == sorted(rule_id(kind) for kind in FindingKind)
    assert all(rule["help"]["text"] and rule["help"]["markdown"] for rule in rules)
