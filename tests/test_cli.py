"""The `licaudit` command end to end: exit codes, stdout as the report, stderr for the rest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from tests.conftest import record, write_world

RUNNER = CliRunner()


@pytest.fixture
def world_args(tmp_path: Path) -> list[str]:
    rules, registry = write_world(
        tmp_path,
        [
            record("org/base", "cc-by-nc-4.0"),
            record("org/child", "mit", ("finetune", "org/base")),
            record("org/free", "mit"),
            record("org/ghostly", "mit", ("finetune", "org/ghost")),
            record("org/sneaky", "[bold red]mit[/] \x1b[31mevil\x1b[0m"),
        ],
    )
    return ["--rules", str(rules), "--registry", str(registry)]


def test_forbidden_verdict_exits_1_and_json_has_the_contract_keys(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["trace", "org/child", "--format", "json", *world_args])
    assert result.exit_code == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["target"] == "org/child"
    verdict = doc["verdicts"]["commercial"]
    assert verdict["verdict"] == "forbidden"
    assert verdict["reasons"][0]["path"] == ["org/base", "org/child"]
    assert {"verdict", "conditions", "reasons"} <= set(verdict)
    node = next(n for n in doc["nodes"] if n["id"] == "org/child")
    assert {"id", "kind", "declared_license", "normalised_license", "sources"} <= set(node)
    assert doc["edges"] == [
        {"parent": "org/base", "child": "org/child", "relation": "finetune", "sources": doc["edges"][0]["sources"]}
    ]
    assert result.stderr == ""


def test_allowed_verdict_exits_0_and_research_use_can_gate(world_args: list[str]) -> None:
    assert RUNNER.invoke(app, ["trace", "org/free", *world_args]).exit_code == 0
    assert RUNNER.invoke(app, ["trace", "org/child", "--use", "research", *world_args]).exit_code == 0


def test_unknown_verdict_exits_1(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["trace", "org/ghostly", *world_args])
    assert result.exit_code == 1
    assert "unknown" in result.stdout.lower() and "org/ghost" in result.stdout


def test_unknown_id_exits_2_with_did_you_mean_on_stderr(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["trace", "org/chld", *world_args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Did you mean" in result.stderr and "org/child" in result.stderr


def test_unknown_use_is_a_usage_error(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["trace", "org/free", "--use", "warfare", *world_args])
    assert result.exit_code == 2 and "unknown use" in result.stderr


def test_malformed_registry_file_exits_2_naming_file_and_line(tmp_path: Path, world_args: list[str]) -> None:
    registry = Path(world_args[3])
    (registry / "models" / "org" / "broken.yaml").write_text("schema_version: 1\nid: org/broken\nkind: [model\n")
    result = RUNNER.invoke(app, ["trace", "org/free", *world_args])
    assert result.exit_code == 2
    assert "broken.yaml:4: invalid YAML" in result.stderr
    assert "started at line 3" in result.stderr


def test_card_text_cannot_inject_markup_or_escape_sequences(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["trace", "org/sneaky", *world_args], color=True)
    assert "\x1b[31mevil" not in result.stdout
    assert "[bold red]mit[/]" in result.stdout  # shown literally, not interpreted


def test_output_file_is_written_only_whole(tmp_path: Path, world_args: list[str]) -> None:
    out = tmp_path / "report.json"
    result = RUNNER.invoke(app, ["trace", "org/child", "-f", "json", "-o", str(out), *world_args])
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text())["target"] == "org/child"
    assert not list(tmp_path.glob("*.partial"))


def test_explain_shows_terms_and_clauses(world_args: list[str]) -> None:
    result = RUNNER.invoke(app, ["explain", "CC BY-NC 4.0", "--rules", world_args[1]])
    assert result.exit_code == 0
    assert "non_commercial" in result.stdout and "NonCommercial purposes only" in result.stdout
    # A version form the catalog does not list is read, with the evidence of the reading.
    read = RUNNER.invoke(app, ["explain", "cc-by-nc-4", "--rules", world_args[1]])
    assert read.exit_code == 0 and "CC-BY-NC-4.0" in read.stdout and "commercial: forbidden" in read.stdout
    missing = RUNNER.invoke(app, ["explain", "cc-by-nc-44", "--rules", world_args[1]])
    assert missing.exit_code == 2 and "CC-BY-NC-4.0" in missing.stderr and not missing.stdout


def test_explain_reads_any_string_with_its_evidence() -> None:
    result = RUNNER.invoke(app, ["explain", "MIT or Apache-2.0; 비상업적 용도로만", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [item["license"] for item in doc["licenses"]] == ["MIT", "Apache-2.0"] and doc["combination"] == "any"
    (restriction,) = doc["restrictions"]
    assert restriction["method"] == "phrase" and "비상업적" in restriction["quote"]
    assert doc["verdicts"]["commercial"] == "forbidden"
    text = RUNNER.invoke(app, ["explain", "[bold red]CC BY 3.0 ES[/]"])
    assert text.exit_code == 0 and "[bold red]" in text.stdout and "ported license" in text.stdout


def test_registry_list_and_show(world_args: list[str]) -> None:
    listed = RUNNER.invoke(app, ["registry", "list", "--format", "json", *world_args])
    assert listed.exit_code == 0
    assert {e["id"] for e in json.loads(listed.stdout)} >= {"org/base", "org/child"}
    shown = RUNNER.invoke(app, ["registry", "show", "org/child", "--format", "json", *world_args])
    assert json.loads(shown.stdout)["parents"][0]["relation"] == "finetune"
    assert RUNNER.invoke(app, ["registry", "show", "org/nope", *world_args]).exit_code == 2


def test_registry_list_text_shows_whole_ids_one_record_a_line_in_80_columns() -> None:
    from licaudit.knowledge import load_knowledge

    result = RUNNER.invoke(app, ["registry", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    records = load_knowledge().registry.records.values()
    assert lines[0] == f"{len(records)} artifacts" and len(lines) == len(records) + 1
    listed = {line.split()[0] for line in lines[1:]}
    assert listed == {r.id for r in records}  # whole: never `beomi/KoAlpaca-llam…`
    assert all("…" not in line for line in lines)


def test_python_dash_m_runs_the_same_command(world_args: list[str]) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "licaudit", "trace", "org/child", *world_args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "FORBIDDEN" in proc.stdout and "\x1b[" not in proc.stdout
    assert proc.stderr == ""


def _hub_dump(tmp_path: Path) -> Path:
    rows = [
        {"modelId": "nc/base", "downloads": 50, "card": "---\nlicense: cc-by-nc-4.0\n---\n"},
        {
            "modelId": "launder/child",
            "downloads": 900,
            "card": "---\nlicense: apache-2.0\nbase_model: nc/base\nbase_model_relation: finetune\n---\n",
        },
        {"modelId": 7},
    ]
    dump = tmp_path / "hub.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return dump


def test_import_then_audit_in_every_format(tmp_path: Path) -> None:
    missing = RUNNER.invoke(app, ["audit"])
    assert missing.exit_code == 2 and "licaudit import" in missing.stderr
    imported = RUNNER.invoke(app, ["import", str(_hub_dump(tmp_path))])
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout == ""
    assert "row 3: `modelId` is a int" in imported.stderr and "2 added" in imported.stderr
    audited = RUNNER.invoke(app, ["audit", "--format", "json"])
    assert audited.exit_code == 1, audited.stderr  # laundering found: the gate fails
    doc = json.loads(audited.stdout)
    first = doc["laundering"][0]
    assert first["id"] == "launder/child"
    assert (first["declared_license"], first["effective_verdict"]) == ("apache-2.0", "forbidden")
    assert first["path"] == ["nc/base", "launder/child"]
    markdown = RUNNER.invoke(app, ["audit", "--format", "markdown", "--downstream-of", "nc/base"])
    assert "| launder/child | 900 |" in markdown.stdout and "## Downstream" in markdown.stdout
    text = RUNNER.invoke(app, ["audit", "--use", "research", "--downstream-of", "nc/base"])
    assert text.exit_code == 0 and "license laundering: 0" in text.stdout
    traced = RUNNER.invoke(app, ["trace", "launder/child", "--format", "json", "--offline"])
    assert traced.exit_code == 1, traced.stderr
    assert traced.exit_code == 1 and json.loads(traced.stdout)["verdicts"]["commercial"]["verdict"] == "forbidden"


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["import", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "no such dump file" in result.stderr


# ---- export and notice ----


@pytest.mark.parametrize("export_format", ["spdx2", "spdx3", "cyclonedx", "graphml", "dot", "mermaid", "html"])
def test_export_writes_each_format_to_stdout_or_output(
    export_format: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    args = ["export", "tatsu-lab/alpaca-7b-wdiff", "--format", export_format]
    first = RUNNER.invoke(app, args)
    assert first.exit_code == 0, first.stderr  # an export is a document, not a gate: trace gates
    assert first.stderr == "" and "tatsu-lab/alpaca-7b-wdiff" in first.stdout
    output = tmp_path / f"lineage.{export_format}"
    second = RUNNER.invoke(app, [*args, "--output", str(output)])
    assert second.exit_code == 0 and second.stdout == ""
    assert output.read_text(encoding="utf-8") == first.stdout  # SOURCE_DATE_EPOCH makes it reproducible


def test_export_time_comes_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = RUNNER.invoke(app, ["export", "tatsu-lab/alpaca-7b-wdiff", "--format", "spdx3"])
    assert json.loads(result.stdout)["@graph"][0]["created"] == "2026-01-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    bad = RUNNER.invoke(app, ["export", "tatsu-lab/alpaca-7b-wdiff", "--format", "spdx3"])
    assert bad.exit_code == 2 and "SOURCE_DATE_EPOCH" in bad.stderr and bad.stdout == ""


def test_export_unknown_id_and_bad_format_exit_2(world_args: list[str]) -> None:
    unknown = RUNNER.invoke(app, ["export", "org/chld", "--format", "spdx2", *world_args])
    assert unknown.exit_code == 2 and "Did you mean" in unknown.stderr and unknown.stdout == ""
    assert RUNNER.invoke(app, ["export", "org/child", "--format", "pdf", *world_args]).exit_code == 2


def test_notice_text_and_markdown(world_args: list[str]) -> None:
    text = RUNNER.invoke(app, ["notice", "meta-llama/Llama-2-7b-hf"])
    assert text.exit_code == 0, text.stderr
    assert "Llama 2 is licensed under the LLAMA 2 Community License" in text.stdout
    markdown = RUNNER.invoke(app, ["notice", "meta-llama/Meta-Llama-3-8B", "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# Third-party notices")
    assert "Built with Meta Llama 3" in markdown.stdout
    sneaky = RUNNER.invoke(app, ["notice", "org/sneaky", *world_args])
    assert sneaky.exit_code == 0 and "\x1b" not in sneaky.stdout


def test_help_does_not_import_the_export_libraries() -> None:
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom licaudit.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "heavy = [m for m in ('spdx_tools', 'cyclonedx', 'licaudit.reports.html') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_explain_shows_the_falcon_royalty_as_a_revenue_share() -> None:
    # Catalog correction: the TII Falcon LLM 1.0 royalty terms were typed non_commercial.
    result = RUNNER.invoke(app, ["explain", "TII Falcon LLM License", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    kinds = {term["id"]: term["kind"] for term in json.loads(result.stdout)["terms"]}
    assert kinds["royalty"] == kinds["commercial-permission-royalty"] == "revenue_share"
    assert "non_commercial" not in kinds.values()
