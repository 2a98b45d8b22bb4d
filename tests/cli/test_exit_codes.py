"""The exit-code contract under injected faults: a bug at any stage of any command exits 70 with
one line naming the stage, never 0-3; the traceback only with --debug or LICAUDIT_DEBUG=1; with
`--format json` stdout still holds a JSON document."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import licaudit.gate.repository
import licaudit.plugins.report
import licaudit.sources.dpi.store
import licaudit.sources.resolution  # noqa: F401 - these bind patched names with `from ... import`:

# imported before any test patches them, so a lazily imported module never keeps the fault.
from licaudit.cli import app
from licaudit.cli.exit_codes import ExitCode

RUNNER = CliRunner()
TODAY = ["--today", "2026-11-22"]


class Injected(RuntimeError):
    pass


def boom(*args: object, **kwargs: object) -> object:
    raise Injected("injected fault")


def fail_writing(report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The atomic rename of the report at --output fails (other files, e.g. caches, still move)."""
    original = Path.replace

    def replace(self: Path, target: object) -> Path:
        if Path(str(target)) == report:
            raise Injected("injected fault")
        return original(self, target)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "replace", replace)


# stage -> the licaudit function replaced by `boom` (its caller, in that stage, is the innermost
# licaudit frame the error passes through)
TRACE_STAGES = {
    "source": "licaudit.sources.registry.ref_key",
    "lineage": "licaudit.lineage.graph.LineageGraph.add_edge",
    "propagation": "licaudit.terms.propagation._propagate",
    "policy": "licaudit.policy.verdicts._judge",
}


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(
        'from transformers import AutoModel\nAutoModel.from_pretrained("tatsu-lab/alpaca-7b-wdiff")\n'
    )
    return repo


def _model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    card = "---\nlicense: mit\nbase_model: tatsu-lab/alpaca-7b-wdiff\n---\n# A model\n"
    (folder / "README.md").write_text(card)
    (folder / "config.json").write_text("{}")
    return folder


def _dump(tmp_path: Path) -> Path:
    rows = [
        {"modelId": "nc/base", "card": "---\nlicense: cc-by-nc-4.0\n---\n"},
        {"modelId": "launder/child", "card": "---\nlicense: apache-2.0\nbase_model: nc/base\n---\n"},
    ]
    dump = tmp_path / "hub.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return dump


Command = Callable[[Path], list[str]]
COMMANDS: dict[str, tuple[Command, dict[str, str]]] = {
    "trace": (
        lambda tmp: ["trace", "tatsu-lab/alpaca-7b-wdiff", "--offline"],
        {**TRACE_STAGES, "report rendering": "licaudit.reports.json_report.trace_document"},
    ),
    "gate": (
        lambda tmp: ["gate", str(_repository(tmp)), "--offline", *TODAY],
        {**TRACE_STAGES, "report rendering": "licaudit.reports.gate_json.gate_document"},
    ),
    "check": (
        lambda tmp: ["check", str(_model_folder(tmp)), "--offline", *TODAY],
        {**TRACE_STAGES, "report rendering": "licaudit.reports.gate_json.gate_document"},
    ),
    "export": (
        lambda tmp: ["export", "tatsu-lab/alpaca-7b-wdiff", "--format", "spdx3", "--offline"],
        {**TRACE_STAGES, "report rendering": "licaudit.reports.spdx3.spdx3_document"},
    ),
}


def _invoke(argv: list[str], json_format: bool, env: dict[str, str] | None = None) -> object:
    if json_format and argv[0] in ("trace", "gate", "check", "audit"):
        argv = [*argv, "--format", "json"]
    return RUNNER.invoke(app, argv, env=env)


def _assert_internal_error(result: object, stage: str, json_format: bool) -> None:
    assert result.exit_code == ExitCode.INTERNAL_ERROR, (result.exit_code, result.output)  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert f"internal error in the {stage} stage" in stderr, stderr
    assert "Injected" in stderr and "--debug" in stderr and "report it at" in stderr
    assert "Traceback" not in stderr
    if json_format:
        document = json.loads(result.stdout)  # type: ignore[attr-defined]
        assert document["error"]["kind"] == "internal-error" and document["incomplete"] is True


CASES = [
    (command, stage, target, json_format)
    for command, (_, stages) in COMMANDS.items()
    for stage, target in stages.items()
    for json_format in (False, True)
    if not (command == "export" and json_format)  # export's format is the document itself
]


@pytest.mark.parametrize(
    ("command", "stage", "target", "json_format"),
    CASES,
    ids=[f"{c}-{s}-{'json' if j else 'text'}" for c, s, _, j in CASES],
)
def test_a_fault_at_each_stage_exits_70_naming_the_stage(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str, stage: str, target: str, json_format: bool
) -> None:
    argv = COMMANDS[command][0](tmp_path)
    if stage == "report rendering" and command in ("trace", "gate", "check"):
        argv = [*argv, "--format", "json"]  # the JSON renderer is the one the fault sits in
        json_format = False
    module, _, attribute = target.rpartition(".")
    owner: object
    try:
        owner = __import__(module, fromlist=["_"])
    except ImportError:  # a class attribute: module.Class.method
        module, _, cls = module.rpartition(".")
        owner = getattr(__import__(module, fromlist=["_"]), cls)
    monkeypatch.setattr(owner, attribute, boom)
    _assert_internal_error(_invoke(argv, json_format), stage, json_format)


@pytest.mark.parametrize("command", ["trace", "gate", "check", "export"])
def test_a_fault_writing_the_output_exits_70_naming_output_writing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    argv = [*COMMANDS[command][0](tmp_path), "--output", str(tmp_path / "report.out")]
    fail_writing(tmp_path / "report.out", monkeypatch)
    result = _invoke(argv, json_format=False)
    _assert_internal_error(result, "output writing", json_format=False)
    assert not (tmp_path / "report.out").exists()  # only a complete report ever appears there


def test_import_and_audit_faults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dump = _dump(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr("licaudit.sources.dumps.store.DumpStore._import_chunks", boom)
        _assert_internal_error(RUNNER.invoke(app, ["import", str(dump)]), "source", json_format=False)
    assert RUNNER.invoke(app, ["import", str(dump)]).exit_code == 0  # the store is usable afterwards
    with monkeypatch.context() as patch:
        patch.setattr("licaudit.policy.audit._case", boom)
        _assert_internal_error(RUNNER.invoke(app, ["audit", "--format", "json"]), "policy", json_format=True)
    with monkeypatch.context() as patch:
        patch.setattr("licaudit.reports.audit_report.audit_document", boom)
        _assert_internal_error(RUNNER.invoke(app, ["audit", "--format", "json"]), "report rendering", False)
    with monkeypatch.context() as patch:
        fail_writing(tmp_path / "audit.json", patch)
        out = ["audit", "--output", str(tmp_path / "audit.json")]
        _assert_internal_error(RUNNER.invoke(app, out), "output writing", json_format=False)


def test_run_fault_in_its_gate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "sft.yaml"
    config.write_text(
        textwrap.dedent(
            """\
            base_model: {id: tatsu-lab/alpaca-7b-wdiff}
            datasets: [{id: datasets/tatsu-lab/alpaca}]
            output: {path: out, id: me/out}
            max_steps: 1
            """
        )
    )
    monkeypatch.setattr("licaudit.terms.propagation._propagate", boom)
    result = RUNNER.invoke(app, ["run", "sft", "--config", str(config), "--dry-run", "--format", "json"])
    _assert_internal_error(result, "propagation", json_format=False)
    assert not (tmp_path / "out").exists()


def test_the_traceback_is_shown_with_debug_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("licaudit.terms.propagation._propagate", boom)
    argv = ["trace", "tatsu-lab/alpaca-7b-wdiff", "--offline"]
    for result in (
        RUNNER.invoke(app, [*argv, "--debug"]),
        RUNNER.invoke(app, ["--debug", *argv]),
        RUNNER.invoke(app, argv, env={"LICAUDIT_DEBUG": "1"}),
    ):
        assert result.exit_code == ExitCode.INTERNAL_ERROR
        assert "Traceback" in result.stderr and "Injected: injected fault" in result.stderr
        assert "internal error in the propagation stage" in result.stderr


def test_usage_and_unknown_ids_keep_exit_2_with_a_json_document(tmp_path: Path) -> None:
    unknown = RUNNER.invoke(app, ["trace", "nobody/nothing-at-all", "--offline", "--format", "json"])
    assert unknown.exit_code == ExitCode.USAGE
    document = json.loads(unknown.stdout)
    assert document["error"]["kind"] == "unknown-artifact" and document["target"] == "nobody/nothing-at-all"
    assert set(document) >= {"schema_version", "target", "error", "incomplete"}
    gate = RUNNER.invoke(app, ["gate", str(tmp_path / "missing"), "--format", "json"])
    assert gate.exit_code == ExitCode.USAGE and json.loads(gate.stdout)["error"]["kind"] == "usage"
    text = RUNNER.invoke(app, ["trace", "nobody/nothing-at-all", "--offline"])
    assert text.exit_code == ExitCode.USAGE and text.stdout == ""  # text: stdout is the report only
