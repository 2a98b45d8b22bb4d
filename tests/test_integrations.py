"""The GitHub Action and the pre-commit hooks: well formed, and calling commands that exist."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from licaudit.cli import app

ROOT = Path(__file__).parent.parent


def test_action_is_a_composite_that_runs_the_gate_and_uploads_sarif() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"path", "policy", "fail-on", "upload-sarif", "python-version"}
    steps = action["runs"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "licaudit gate" in scripts and "--format sarif" in scripts and "GITHUB_STEP_SUMMARY" in scripts
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    assert "${{" not in scripts  # inputs reach scripts through env, never interpolated into shell


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["licaudit-gate", "licaudit-check"]
    for hook in hooks:
        command = hook["entry"].split()[1]
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0
