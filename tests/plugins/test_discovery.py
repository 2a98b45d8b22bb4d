"""Discovery through the `licaudit.plugins` entry points; a broken plugin is named."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.plugins import discovery
from licaudit.plugins.api import PluginError, PluginLoadError, Subsystem

RUNNER = CliRunner()
BUILT_INS = {"sft", "self-instruct", "eval", "judge"}


def test_built_ins_register_through_the_entry_point_group() -> None:
    names = {e.name for e in discovery.plugin_entries()}
    assert names >= BUILT_INS
    for name in BUILT_INS:
        plugin = discovery.load_plugin(name)
        assert isinstance(plugin, Subsystem) and plugin.name == name


def test_plugins_list_shows_what_is_installed() -> None:
    result = RUNNER.invoke(app, ["plugins", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["plugins"]}
    assert set(rows) >= BUILT_INS
    assert rows["sft"]["consumes"] == ["base_model", "dataset"] and rows["sft"]["produces"] == "model"
    assert rows["self-instruct"]["produces"] == "dataset"


def test_a_plugin_that_fails_to_load_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint("broken", "licaudit_no_such_module:PLUGIN", discovery.GROUP)
    not_a_plugin = EntryPoint("wrong", "licaudit.errors:LicauditError", discovery.GROUP)
    real = discovery.entry_points(group=discovery.GROUP)
    monkeypatch.setattr(discovery, "entry_points", lambda group: [*real, broken, not_a_plugin])
    with pytest.raises(PluginLoadError, match=r"plugin 'broken' \(licaudit_no_such_module:PLUGIN\) failed to load"):
        discovery.load_plugin("broken")
    with pytest.raises(PluginLoadError, match=r"'wrong'.*Subsystem protocol"):
        discovery.load_plugin("wrong")
    result = RUNNER.invoke(app, ["plugins", "list"])
    assert result.exit_code == 2
    assert "plugin 'broken'" in result.stderr and "ModuleNotFoundError" in result.stderr
    ran = RUNNER.invoke(app, ["run", "broken", "--config", "nowhere.yaml"])
    assert ran.exit_code == 2 and "plugin 'broken'" in ran.stderr


def test_an_unknown_subsystem_lists_the_installed_ones() -> None:
    with pytest.raises(PluginError, match=r"no subsystem named 'train-gpt5'; installed: .*sft"):
        discovery.load_plugin("train-gpt5")


def test_listing_plugins_imports_no_ml_library() -> None:
    code = (
        "import sys; from licaudit.cli import app; from typer.testing import CliRunner;"
        "r = CliRunner().invoke(app, ['plugins', 'list']); assert r.exit_code == 0, r.output;"
        "heavy = [m for m in ('torch', 'transformers', 'trl', 'peft', 'lm_eval', 'datasets') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
