"""`licaudit gate` and `licaudit check` end to end, on small repositories the tests write."""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.shipped import shipped_folder
from tests.conftest import record, write_world

RUNNER = CliRunner()
TODAY = ["--today", "2026-11-22"]
GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "reports" / "sarif-schema-2.1.0.json").read_text())


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def gate(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, ["gate", *args, *TODAY])
    return result.exit_code, result.stdout, result.stderr


def validate_sarif(text: str) -> dict[str, object]:
    document = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    return document


# --- the shipped registry: real lineage -----------------------------------------------------------

APACHE_REPO = {
    "train.py": """\
        from transformers import AutoModelForCausalLM, AutoTokenizer

        BASE = "mistralai/Mistral-7B-v0.1"
        model = AutoModelForCausalLM.from_pretrained(BASE)
        tokenizer = AutoTokenizer.from_pretrained(BASE)
        """,
    "configs/axolotl.yml": """\
        base_model: tiiuae/falcon-7b
        load_in_8bit: true
        """,
}

LLAMA_REPO = {
    "finetune.py": """\
        import torch
        from transformers import AutoModelForCausalLM
        from peft import LoraConfig, get_peft_model

        BASE_MODEL = "huggyllama/llama-7b"


        def main() -> None:
            model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, torch_dtype=torch.float16)
            model = get_peft_model(model, LoraConfig(r=8))
        """,
    "axolotl.yml": """\
        base_model: mistralai/Mistral-7B-v0.1
        datasets:
          - path: databricks/databricks-dolly-15k
            type: alpaca
        """,
}


def test_commercial_policy_passes_a_repository_using_apache_models(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", APACHE_REPO)
    code, stdout, stderr = gate(str(repo), "--policy", "commercial", "--format", "json")
    assert code == 0, stdout
    doc = json.loads(stdout)
    assert doc["status"] == "passed"
    assert [a["id"] for a in doc["artifacts"]] == ["mistralai/Mistral-7B-v0.1", "tiiuae/falcon-7b"]
    assert [(r["file"], r["line"]) for r in doc["references"]] == [
        ("configs/axolotl.yml", 1),
        ("train.py", 4),
        ("train.py", 5),
    ]
    assert stderr == ""


def test_commercial_policy_fails_a_llama_1_fine_tune_with_the_sarif_location_on_its_line(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", LLAMA_REPO)
    code, stdout, _ = gate(str(repo), "--policy", "commercial", "--format", "sarif")
    assert code == 1
    sarif = validate_sarif(stdout)
    results = sarif["runs"][0]["results"]  # type: ignore[index]
    forbidden = [r for r in results if r["ruleId"] == "licaudit/use-forbidden"]
    assert forbidden, results
    for result in forbidden:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "finetune.py"
        assert location["region"]["startLine"] == 9  # the from_pretrained call, not the constant
        assert result["level"] == "error" and "huggyllama/llama-7b" in result["message"]["text"]
        assert result["partialFingerprints"]["licaudit/v1"]
    rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}  # type: ignore[index]
    assert {r["ruleId"] for r in results} <= rules


def test_text_and_markdown_show_the_failing_lineage(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", LLAMA_REPO)
    code, stdout, _ = gate(str(repo), "--policy", "commercial")
    assert code == 1 and "FAILED" in stdout and "Lineage of huggyllama/llama-7b" in stdout
    assert "facebookresearch/llama-7b" in stdout  # the ancestor the terms come from
    code, markdown, _ = gate(str(repo), "--policy", "commercial", "--format", "markdown")
    assert code == 1
    assert "```mermaid" in markdown and "graph BT" in markdown and "-->|converted|" in markdown
    assert "`finetune.py:9`" in markdown


def test_research_policy_accepts_the_same_llama_fine_tune(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", {"finetune.py": LLAMA_REPO["finetune.py"]})
    code, stdout, _ = gate(str(repo), "--policy", "research", "--format", "json")
    assert code == 0, stdout


def test_policy_file_in_the_repository_is_discovered_and_its_manifest_is_gated(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {
            "licaudit.yaml": """\
                schema_version: 1
                extends: commercial
                artifacts:
                  - mistralai/Mistral-7B-v0.1
                  - id: nobody/knows-this-model
                """,
        },
    )
    code, stdout, _ = gate(str(repo), "--format", "json")
    assert code == 1
    doc = json.loads(stdout)
    assert doc["policy"]["source"].endswith("licaudit.yaml")
    unresolved = [f for f in doc["findings"] if f["kind"] == "unresolved-artifact"]
    assert [(f["artifact"], f["locations"][0]["file"], f["locations"][0]["line"]) for f in unresolved] == [
        ("nobody/knows-this-model", "licaudit.yaml", 5)
    ]
    assert "no source knows it" in unresolved[0]["message"]


def test_empty_repository_passes_and_says_it_found_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, stdout, stderr = gate(str(tmp_path / "empty"))
    assert code == 0
    assert "No models or datasets were found" in stdout
    assert "using the `commercial` preset" in stderr
    code, stdout, _ = gate(str(tmp_path / "empty"), "--format", "sarif")
    assert code == 0 and validate_sarif(stdout)["runs"][0]["results"] == []  # type: ignore[index]


def test_syntax_errors_are_skipped_and_reported_and_the_rest_is_checked(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"good.py": APACHE_REPO["train.py"], "broken.py": "def broken(:\n    pass\n"},
    )
    code, stdout, _ = gate(str(repo), "--format", "json")
    assert code == 0  # a skipped file is a warning, the rest passes
    doc = json.loads(stdout)
    assert doc["skipped_files"][0]["file"] == "broken.py" and doc["skipped_files"][0]["line"] == 1
    assert [f["kind"] for f in doc["findings"]] == ["unparsable-file"]
    assert [a["id"] for a in doc["artifacts"]] == ["mistralai/Mistral-7B-v0.1"]
    code, _, _ = gate(str(repo), "--fail-on", "warning")
    assert code == 1


def test_f_strings_are_reported_unresolvable(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"load.py": 'def load(size):\n    return AutoModel.from_pretrained(f"org/model-{size}")\n'},
    )
    code, stdout, _ = gate(str(repo), "--format", "json")
    doc = json.loads(stdout)
    assert code == 0
    assert doc["references"][0]["artifact"] is None
    assert doc["references"][0]["expression"] == 'f"org/model-{size}"'
    assert doc["findings"][0]["kind"] == "unresolvable-reference"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("schema_version: 1\nfail-on: error\n", "licaudit.yaml:2: unknown key `fail-on`; allowed:"),
        ("schema_version: 1\nuses: 3\n", "licaudit.yaml:2: uses: must be a list of strings, got a int"),
        (
            "schema_version: 1\na: &a [x, x]\nb: [*a, *a]\n",
            "licaudit.yaml:2: YAML anchors and aliases are not allowed",
        ),
        (
            "schema_version: 1\nwaivers:\n  - {artifact: x, finding: use-forbidden, reason: legal-approved,\n"
            "     justification: j, approved_by: a, approved: 2026-11-22, expires: 2026-11-21}\n",
            "is not after the approval date 2026-11-22",
        ),
    ],
)
def test_bad_policies_exit_2_with_file_and_line_on_stderr(tmp_path: Path, policy: str, expected: str) -> None:
    repo = write_repo(tmp_path / "repo", {"licaudit.yaml": policy})
    code, stdout, stderr = gate(str(repo))
    assert code == 2
    assert stdout == ""
    assert expected in " ".join(stderr.split())


def test_bad_flags_exit_2(tmp_path: Path) -> None:
    code, _, stderr = gate(str(tmp_path / "missing"))
    assert code == 2 and "is not a directory" in stderr
    (tmp_path / "repo").mkdir()
    result = RUNNER.invoke(app, ["gate", str(tmp_path / "repo"), "--today", "tomorrow"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
    code, _, stderr = gate(str(tmp_path / "repo"), "--policy", "startup")
    assert code == 2 and "presets: commercial, internal, research" in stderr


# --- waivers: expiry today, yesterday, tomorrow ---------------------------------------------------------

WAIVED_REPO = {
    "finetune.py": LLAMA_REPO["finetune.py"],
    "licaudit.yaml": """\
        schema_version: 1
        uses: [commercial]
        conditions: {{no_redistribution: accept, use_restriction: accept}}
        waivers:
          - artifact: huggyllama/*
            finding: use-forbidden
            reason: license-acquired
            justification: Meta granted us a commercial license in writing (ticket LEGAL-42)
            approved_by: counsel@example.com
            approved: 2026-01-10
            expires: {expires}
        """,
}


@pytest.mark.parametrize(
    ("expires", "exit_code", "waived", "expired"),
    [("2026-11-22", 0, True, False), ("2026-11-23", 0, True, False), ("2026-11-21", 1, False, True)],
    ids=["expires-today", "expires-tomorrow", "expired-yesterday"],
)
def test_waiver_expiry(tmp_path: Path, expires: str, exit_code: int, waived: bool, expired: bool) -> None:
    files = dict(WAIVED_REPO)
    files["licaudit.yaml"] = WAIVED_REPO["licaudit.yaml"].format(expires=expires)
    repo = write_repo(tmp_path / "repo", files)
    code, stdout, _ = gate(str(repo), "--format", "json")
    assert code == exit_code, stdout
    doc = json.loads(stdout)
    forbidden = [f for f in doc["findings"] if f["kind"] == "use-forbidden"]
    assert forbidden, "waived findings stay visible"
    assert all((f["waived"] is not None) is waived for f in forbidden)
    if waived:
        assert forbidden[0]["waived"]["reason"] == "license-acquired"
        assert forbidden[0]["waived"]["approved_by"] == "counsel@example.com"
    expired_findings = [f for f in doc["findings"] if f["kind"] == "waiver-expired"]
    assert bool(expired_findings) is expired
    if expired:
        assert expired_findings[0]["locations"] == [{"file": "licaudit.yaml", "line": 5, "column": 1}]
    code, sarif_text, _ = gate(str(repo), "--format", "sarif")
    results = validate_sarif(sarif_text)["runs"][0]["results"]  # type: ignore[index]
    suppressed = [r for r in results if r["ruleId"] == "licaudit/use-forbidden" and "suppressions" in r]
    assert bool(suppressed) is waived


def test_waived_findings_are_marked_in_text_and_markdown(tmp_path: Path) -> None:
    files = dict(WAIVED_REPO)
    files["licaudit.yaml"] = WAIVED_REPO["licaudit.yaml"].format(expires="2027-01-01")
    repo = write_repo(tmp_path / "repo", files)
    code, text, _ = gate(str(repo))
    assert code == 0 and "waived" in text and "2 waived" in text
    _, markdown, _ = gate(str(repo), "--format", "markdown")
    assert "### Waivers applied" in markdown and "| waived | error | `use-forbidden`" in markdown


# --- golden reports on a fixture world (independent of the shipped registry) -----------------------


@pytest.fixture
def golden_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rules, registry = write_world(
        tmp_path / "world",
        [
            record("org/free", "mit"),
            record("org/nc-base", "cc-by-nc-4.0"),
            record("org/nc-child", "mit", ("finetune", "org/nc-base")),
            record("org/capped", "capped"),
            record("datasets/org/data", "cc-by-sa-4.0"),
        ],
    )
    shutil.copytree(shipped_folder("rules") / "policies", rules / "policies")
    write_repo(
        tmp_path / "repo",
        {
            "train.py": """\
                from datasets import load_dataset
                from transformers import AutoModelForCausalLM, pipeline

                CHILD = "org/nc-child"
                model = AutoModelForCausalLM.from_pretrained(CHILD)
                data = load_dataset("org/data")
                chat = pipeline("text-generation", model="org/capped")


                def load(name):
                    return AutoModelForCausalLM.from_pretrained(f"org/{name}")
                """,
            "configs/axolotl.yml": """\
                base_model: org/free
                datasets:
                  - path: org/data
                    type: alpaca
                """,
            "broken.py": "def broken(:\n",
            "licaudit.yaml": """\
                schema_version: 1
                extends: commercial
                monthly_active_users: 800000000
                artifacts:
                  - org/ghost
                waivers:
                  - artifact: datasets/org/*
                    finding: condition-not-accepted
                    reason: legal-approved
                    justification: share-alike data is used for evaluation only
                    approved_by: counsel@example.com
                    approved: 2026-01-10
                    expires: 2027-01-10
                  - artifact: org/old
                    finding: use-forbidden
                    reason: license-acquired
                    justification: superseded
                    approved_by: counsel@example.com
                    approved: 2025-01-10
                    expires: 2025-06-30
                """,
        },
    )
    monkeypatch.chdir(tmp_path)
    return ["repo", "--rules", str(rules), "--registry", str(registry)]


def compare_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LICAUDIT_REGENERATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {name} missing; regenerate with LICAUDIT_REGENERATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; if on purpose: LICAUDIT_REGENERATE_GOLDEN=1"


@pytest.mark.parametrize(("fmt", "golden"), [("json", "gate.json"), ("sarif", "gate.sarif"), ("markdown", "gate.md")])
def test_golden_reports_are_byte_identical_across_runs(golden_world: list[str], fmt: str, golden: str) -> None:
    first = gate(*golden_world, "--format", fmt)
    second = gate(*golden_world, "--format", fmt)
    assert first == second
    code, stdout, _ = first
    assert code == 1
    if fmt == "sarif":
        validate_sarif(stdout)
    compare_golden(golden, stdout)


def test_golden_text_report_reads_in_an_80_column_log(golden_world: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, stdout, _ = gate(*golden_world)
    assert code == 1
    compare_golden("gate.txt", stdout)
    lines = stdout.splitlines()
    findings = [line for line in lines if re.match(r"^[\w./<>-]+:\d+:\d+: (error|warning|info|waived) [a-z-]+ ", line)]
    assert findings and all(" unresolvable-reference " not in line for line in findings)
    assert sum("known only at run time" in line for line in lines) == 1  # counted on one line
    assert lines[-1].startswith("licaudit gate: FAILED · ")
    _, listed, _ = gate(*golden_world, "--show-unresolved")
    unresolved = [line for line in listed.splitlines() if " unresolvable-reference " in line]
    assert unresolved == [
        'train.py:11:49: warning unresolvable-reference f"org/{name}": AutoModelForCausalLM.from_pretrained('
        'f"org/{name}") at train.py:11 loads a value known only at run time; name what it loads in the '
        "`artifacts:` manifest (template org/{})"
    ]


def test_output_file_gets_the_same_report(golden_world: list[str], tmp_path: Path) -> None:
    _, stdout, _ = gate(*golden_world, "--format", "json")
    code, nothing, _ = gate(*golden_world, "--format", "json", "--output", str(tmp_path / "report.json"))
    assert code == 1 and nothing == ""
    assert (tmp_path / "report.json").read_text() == stdout
    assert not (tmp_path / "report.json.partial").exists()


# --- licaudit check ./my-model ------------------------------------------------------------------------

CARD_BODY = (
    "# My model\n\nFine-tuned with care.\r\nA line with CRLF, trailing spaces   \n\n"
    "```yaml\n---\nnot: front matter\n---\n```\n"
)


def write_model(folder: Path, front_matter: str | None) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    readme = (f"---\n{front_matter}---\n" if front_matter is not None else "") + CARD_BODY
    (folder / "README.md").write_bytes(readme.encode("utf-8"))
    (folder / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "huggyllama/llama-7b"}))
    return readme.encode("utf-8")


def test_check_reports_a_card_that_hides_its_llama_lineage_and_prints_the_correction(tmp_path: Path) -> None:
    original = write_model(tmp_path / "my-model", "license: apache-2.0\n# our comment\ntags: [lora]\n")
    result = RUNNER.invoke(
        app, ["check", str(tmp_path / "my-model"), "--policy", "commercial", "--format", "json", *TODAY]
    )
    assert result.exit_code == 1, result.stdout
    doc = json.loads(result.stdout)
    kinds = {f["kind"] for f in doc["findings"]}
    assert {"card-missing-base-model", "card-license-too-permissive", "card-missing-datasets", "use-forbidden"} <= kinds
    too_permissive = next(f for f in doc["findings"] if f["kind"] == "card-license-too-permissive")
    assert too_permissive["locations"] == [{"file": "README.md", "line": 2, "column": 1}]
    assert doc["card"]["updates"] == {
        "base_model": "huggyllama/llama-7b",
        "base_model_relation": "adapter",
        "license": "other",
        "license_name": "llama-1-research",
        "license_link": doc["card"]["updates"]["license_link"],
    }
    assert "base_model: huggyllama/llama-7b" in doc["card"]["corrected_front_matter"]
    assert (tmp_path / "my-model" / "README.md").read_bytes() == original  # without --fix, nothing is written


def test_check_fix_rewrites_only_the_front_matter_keys_it_must(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    original = write_model(folder, "license: apache-2.0\n# our comment\ntags:\n- lora\n- llama\n")
    result = RUNNER.invoke(app, ["check", str(folder), "--policy", "commercial", "--fix", *TODAY])
    assert "wrote the corrected front matter" in result.stderr
    fixed = (folder / "README.md").read_bytes()
    body = CARD_BODY.encode("utf-8")
    assert fixed.endswith(b"---\n" + body) and original.endswith(b"---\n" + body)  # the body, byte for byte
    front = fixed[: -len(body)].decode()
    assert front.startswith("---\nlicense: other\n# our comment\ntags:\n- lora\n- llama\n")
    assert "base_model: huggyllama/llama-7b\nbase_model_relation: adapter\nlicense_name: llama-1-research\n" in front
    # After the fix the card tells the truth; the lineage is still research-only, so commercial still fails.
    again = RUNNER.invoke(app, ["check", str(folder), "--policy", "commercial", "--format", "json", *TODAY])
    kinds = {f["kind"] for f in json.loads(again.stdout)["findings"]}
    assert not kinds & {"card-missing-base-model", "card-license-too-permissive", "card-missing-relation"}
    assert again.exit_code == 1


def test_check_fix_adds_front_matter_to_a_card_without_any(tmp_path: Path) -> None:
    folder = tmp_path / "bare"
    write_model(folder, None)
    RUNNER.invoke(app, ["check", str(folder), "--policy", "commercial", "--fix", *TODAY])
    fixed = (folder / "README.md").read_bytes()
    assert fixed.startswith(b"---\nbase_model: huggyllama/llama-7b\n")
    assert fixed.endswith(b"---\n" + CARD_BODY.encode())


def test_check_passes_a_truthful_apache_card(tmp_path: Path) -> None:
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\nbase_model_relation: finetune\n"
        "datasets: [yizhongw/self-instruct-seed-tasks]\n---\n# Good\n"
    )
    result = RUNNER.invoke(app, ["check", str(folder), "--policy", "internal", *TODAY])
    assert result.exit_code == 0, result.stdout


def test_golden_check_text_report_in_an_80_column_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_model(tmp_path / "my-model", "license: apache-2.0\n# our comment\ntags: [lora]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    result = RUNNER.invoke(app, ["check", "my-model", "--policy", "commercial", *TODAY])
    assert result.exit_code == 1
    compare_golden("check.txt", result.stdout)
    assert "README.md:1:1: error use-forbidden ./my-model: " in result.stdout
    assert "corrected front matter (write it with --fix):" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("licaudit check: FAILED · ")
