"""Policy files: presets, pyproject tables, and strict validation with file, line, what and allowed."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from licaudit.errors import DataFileError
from licaudit.findings import FindingKind, Severity
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.policy.policy_file import discover_policy, load_policy, preset_names
from licaudit.shipped import shipped_folder
from licaudit.terms.flow_rules import Reading
from licaudit.terms.vocabulary import Category, TermKind

TODAY = dt.date(2026, 11, 22)
RULES = shipped_folder("rules")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def write(tmp_path: Path, text: str, name: str = "licaudit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path | str, knowledge: Knowledge) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_policy(path, knowledge, TODAY, RULES)
    return caught.value


def test_every_shipped_preset_loads(knowledge: Knowledge) -> None:
    assert preset_names(RULES / "policies") == ["commercial", "internal", "research"]
    for name in preset_names(RULES / "policies"):
        policy = load_policy(name, knowledge, TODAY, RULES)
        assert policy.source == f"preset:{name}" and policy.unknown_fails


def test_a_full_policy_with_extends_merges_over_the_preset(tmp_path: Path, knowledge: Knowledge) -> None:
    path = write(
        tmp_path,
        """\
        schema_version: 1
        extends: commercial
        stance:
          default: permissive
          questions: {data-license-binds-weights: strict}
        licenses: {deny: [AGPL-3.0-only], allow: [apache-2.0, MIT, "CC BY 4.0"]}
        categories: {deny: [non-commercial]}
        conditions: {share_alike: accept}
        monthly_active_users: 5000
        severity: {unresolvable-reference: error}
        fail_on: warning
        artifacts:
          - org/a
          - {id: org/b, kind: dataset, note: loaded by the data team's job}
        """,
    )
    policy = load_policy(path, knowledge, TODAY, RULES)
    assert policy.preset == "commercial" and policy.uses == ("commercial",)
    assert policy.stance.default is Reading.PERMISSIVE
    assert policy.stance.reading("data-license-binds-weights") is Reading.STRICT
    assert policy.allow_licenses == ("Apache-2.0", "MIT", "CC-BY-4.0")
    assert policy.deny_licenses == ("AGPL-3.0-only",)
    assert policy.deny_categories == (Category.NON_COMMERCIAL,)
    assert TermKind.SHARE_ALIKE in policy.accepted and TermKind.MAU_CAP in policy.accepted  # merged
    assert TermKind.COPYLEFT not in policy.accepted
    assert policy.monthly_active_users == 5000
    assert policy.severity_for(FindingKind.UNRESOLVABLE_REFERENCE) is Severity.ERROR
    assert policy.severity_for(FindingKind.DECLARED_MORE_PERMISSIVE) is Severity.WARNING  # from the preset
    assert policy.fail_on is Severity.WARNING
    assert [(a.id, a.kind, a.location.line) for a in policy.artifacts] == [
        ("org/a", "model", 13),
        ("org/b", "dataset", 14),
    ]


def test_pyproject_table_is_read_and_discovered(tmp_path: Path, knowledge: Knowledge) -> None:
    write(
        tmp_path,
        """\
        [project]
        name = "x"

        [tool.licaudit]
        schema_version = 1
        uses = ["research"]
        fail_on = "warning"

        [[tool.licaudit.waivers]]
        artifact = "org/*"
        finding = "use-forbidden"
        reason = "legal-approved"
        justification = "counsel reviewed"
        approved_by = "ana"
        approved = 2026-11-01
        expires = 2027-01-01
        """,
        "pyproject.toml",
    )
    found = discover_policy(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    policy = load_policy(found, knowledge, TODAY, RULES)
    assert policy.uses == ("research",) and policy.fail_on is Severity.WARNING
    assert policy.waivers[0].expires == dt.date(2027, 1, 1) and policy.waivers[0].line == 9


def test_pyproject_errors_name_the_line(tmp_path: Path, knowledge: Knowledge) -> None:
    path = write(tmp_path, '[tool.licaudit]\nschema_version = 1\nfail_on = "sometimes"\n', "pyproject.toml")
    error = error_of(path, knowledge)
    assert error.line == 3 and "fail_on" in str(error) and "error, warning, info" in str(error)


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("schema_version: 1\nfail_on: error\nuse: [commercial]\n", 3, "unknown key `use`; allowed: artifacts"),
        ("schema_version: 1\nuses: commercial\n", 2, "uses: must be a list of strings, got a string"),
        ("schema_version: 1\nuses: [warfare]\n", 2, "unknown use 'warfare'; known: commercial, research"),
        ("schema_version: 1\nfail_on: sometimes\n", 2, "is 'sometimes'; allowed: error, warning, info"),
        ("schema_version: 1\nconditions:\n  sharealike: accept\n", 3, "unknown key `sharealike`; allowed:"),
        ("schema_version: 1\nconditions: {share_alike: maybe}\n", 2, "allowed: accept, reject"),
        ("schema_version: 1\nlicenses: {deny: [apache-3.0]}\n", 2, "unknown license 'apache-3.0'; did you mean"),
        ("schema_version: 1\ncategories: {deny: [evil]}\n", 2, "unknown category 'evil'; allowed: permissive"),
        ("schema_version: 1\nseverity: {bad-thing: error}\n", 2, "unknown key `bad-thing`"),
        ("schema_version: 1\nmonthly_active_users: lots\n", 2, "must be a positive integer"),
        ("schema_version: 1\nstance: lenient\n", 2, "allowed: strict, permissive"),
        ("schema_version: 1\nstance: {questions: {is-it-legal: strict}}\n", 2, "unknown question; known:"),
        ("schema_version: 1\nextends: startup\n", 2, "allowed: commercial, internal, research"),
        ("schema_version: 2\n", 1, "must be 1, got 2"),
        ("uses: [commercial]\n", 1, "`schema_version: 1` is missing"),
        ("schema_version: 1\nuses: [commercial]\nuses: [research]\n", 3, "duplicate key `uses` (first at line 2)"),
        ("schema_version: 1\nuses: [commercial\n", 3, "invalid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("", 1, "the policy is empty"),
    ],
)
def test_bad_policies_name_file_line_problem_and_what_is_allowed(
    tmp_path: Path, knowledge: Knowledge, text: str, line: int, expected: str
) -> None:
    error = error_of(write(tmp_path, text), knowledge)
    assert error.path.endswith("licaudit.yaml")
    assert error.line == line, str(error)
    assert expected in str(error)


def test_yaml_bomb_is_refused_before_it_expands(tmp_path: Path, knowledge: Knowledge) -> None:
    bomb = "schema_version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    error = error_of(write(tmp_path, bomb), knowledge)
    assert error.line == 2 and "anchors and aliases are not allowed" in str(error)


WAIVER = """\
schema_version: 1
waivers:
  - artifact: org/*
    finding: use-forbidden
    reason: {reason}
    justification: counsel reviewed the license
    approved_by: ana@example.com
    approved: {approved}
    expires: {expires}
"""


def test_a_new_waiver_dated_in_the_past_is_an_error(tmp_path: Path, knowledge: Knowledge) -> None:
    path = write(tmp_path, WAIVER.format(reason="legal-approved", approved="2026-11-22", expires="2026-11-21"))
    error = error_of(path, knowledge)
    assert error.line == 9 and "not after the approval date" in str(error)


@pytest.mark.parametrize(
    ("reason", "approved", "expires", "line", "expected"),
    [
        ("because", "2026-11-01", "2027-01-01", 5, "allowed: license-acquired, legal-approved, not-distributed"),
        ("legal-approved", "2026-12-01", "2027-01-01", 8, "is in the future"),
        ("legal-approved", "2026-11-01", "soon", 9, "must be a date written YYYY-MM-DD"),
    ],
)
def test_waiver_fields_are_validated(
    tmp_path: Path, knowledge: Knowledge, reason: str, approved: str, expires: str, line: int, expected: str
) -> None:
    error = error_of(write(tmp_path, WAIVER.format(reason=reason, approved=approved, expires=expires)), knowledge)
    assert error.line == line and expected in str(error)


def test_a_waiver_missing_a_field_is_an_error(tmp_path: Path, knowledge: Knowledge) -> None:
    text = "schema_version: 1\nwaivers:\n  - artifact: org/x\n    finding: use-forbidden\n"
    error = error_of(write(tmp_path, text), knowledge)
    assert error.line == 3 and "`approved` is missing" in str(error)


def test_unknown_preset_name_lists_the_presets(knowledge: Knowledge) -> None:
    error = error_of("startup", knowledge)
    assert "presets: commercial, internal, research" in str(error)
