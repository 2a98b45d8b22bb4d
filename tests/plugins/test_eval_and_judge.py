"""`eval` (lm-eval on a local task) and `judge` (G-Eval through the local API): gates and records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.plugins.builtin.judge import parse_score
from tests.plugins.conftest import TeacherServer, write_config

RUNNER = CliRunner()


@pytest.fixture
def local_task(tmp_path: Path) -> Path:
    folder = tmp_path / "tasks"
    folder.mkdir()
    rows = [
        {"question": "the quick brown", "choices": ["fox", "dog"], "answer": 0},
        {"question": "a tiny model learns a tiny", "choices": ["language", "machine"], "answer": 0},
        {"question": "licenses travel with weights and", "choices": ["data", "fox"], "answer": 0},
    ]
    data = folder / "tiny_qa.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    task = {
        "task": "licaudit_tiny_qa",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data)}},
        "test_split": "test",
        "output_type": "multiple_choice",
        "doc_to_text": "{{question}}",
        "doc_to_choice": "{{choices}}",
        "doc_to_target": "{{answer}}",
        "metric_list": [{"metric": "acc"}],
    }
    (folder / "tiny_qa.yaml").write_text(yaml.safe_dump(task), encoding="utf-8")
    return folder / "tiny_qa.yaml"


def eval_config(tmp_path: Path, tiny_gpt2: Path, task: Path, task_id: str) -> Path:
    return write_config(
        tmp_path,
        "eval.yaml",
        {
            "model": {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)},
            "tasks": [{"id": task_id, "path": str(task), "task": "licaudit_tiny_qa"}],
            "output": {"path": "results", "id": "datasets/me/tiny-eval-results"},
            "limit": 3,
        },
    )


def test_eval_on_a_non_commercial_eval_set_is_refused_for_commercial_use_of_the_results(
    tmp_path: Path, tiny_gpt2: Path, local_task: Path, world_args: list[str]
) -> None:
    config = eval_config(tmp_path, tiny_gpt2, local_task, "datasets/local/tiny-nc-eval")
    result = RUNNER.invoke(app, ["run", "eval", "--config", str(config), "--use", "commercial", *world_args])
    assert result.exit_code == 1, result.output
    assert "CC BY-NC" in result.stdout or "CC-BY-NC" in result.stdout
    assert not (tmp_path / "results").exists()


def test_eval_runs_lm_eval_offline_and_records_evaluated_on(
    tmp_path: Path, tiny_gpt2: Path, local_task: Path, world_args: list[str]
) -> None:
    pytest.importorskip("lm_eval")
    config = eval_config(tmp_path, tiny_gpt2, local_task, "datasets/local/tiny-nc-eval")
    result = RUNNER.invoke(app, ["run", "eval", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 0, result.output
    out = tmp_path / "results"
    scores = json.loads((out / "results.json").read_text())
    assert "acc,none" in scores["results"]["licaudit_tiny_qa"]
    provenance = json.loads((out / "licaudit-provenance.json").read_text())
    relations = {(i["id"], i["relation"]) for i in provenance["inputs"]}
    assert ("datasets/local/tiny-nc-eval", "evaluated_on") in relations
    assert ("datasets/local/tiny-nc-eval", "derived_from") in relations
    assert ("local/tiny-gpt2", "generated_by") in relations
    traced = RUNNER.invoke(app, ["trace", str(out), "--use", "research", "--format", "json", *world_args])
    assert traced.exit_code == 0
    assert json.loads(traced.stdout)["verdicts"]["commercial"]["verdict"] == "forbidden"


def test_judge_scores_generations_and_records_the_judge_terms(
    tmp_path: Path, teacher: TeacherServer, world_args: list[str]
) -> None:
    generations = tmp_path / "generations.jsonl"
    generations.write_text(
        json.dumps({"source": "Explain rain.", "output": "Rain falls from clouds."}) + "\n"
        + json.dumps({"source": "Explain snow.", "output": "Snow is frozen rain."}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    config = write_config(
        tmp_path,
        "judge.yaml",
        {
            "judge": {"id": "services/openai/gpt-4", "endpoint": teacher.url, "model": "gpt-4"},
            "generations": {"id": "datasets/me/generations", "path": str(generations), "license": "apache-2.0"},
            "output": {"path": "judged", "id": "datasets/me/judged"},
            "samples": 3,
        },
    )
    result = RUNNER.invoke(app, ["run", "judge", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 0, result.output
    scored = [json.loads(line) for line in (tmp_path / "judged" / "scores.jsonl").read_text().splitlines()]
    assert [r["score"] for r in scored] == [4.0, 4.0]
    assert len(teacher.requests) == 1 + 2 * 3  # evaluation steps, then 3 samples per generation
    provenance = json.loads((tmp_path / "judged" / "licaudit-provenance.json").read_text())
    judge = next(i for i in provenance["inputs"] if i["role"] == "judge")
    assert judge["id"] == "services/openai/gpt-4" and judge["relation"] == "generated_by"
    # The API's terms reach the scores as a restriction with its path, never as their license.
    assert "OpenAI" not in provenance["artifact"]["license"]
    restrictions = provenance["artifact"]["restrictions"]
    assert any(
        r["license"] == "LicenseRef-OpenAI-Terms-2023" and r["path"][0] == "services/openai/gpt-4" for r in restrictions
    )


def test_a_local_judge_scores_by_probability(tmp_path: Path, tiny_gpt2: Path, world_args: list[str]) -> None:
    pytest.importorskip("transformers")
    generations = tmp_path / "generations.jsonl"
    generations.write_text(json.dumps({"output": "the quick brown fox"}) + "\n", encoding="utf-8")
    config = write_config(
        tmp_path,
        "judge.yaml",
        {
            "judge": {"id": "local/tiny-gpt2", "path": str(tiny_gpt2)},
            "generations": {"id": "datasets/me/generations", "path": str(generations), "license": "mit"},
            "output": "judged",
            "steps": ["Read the text.", "Score it."],
        },
    )
    result = RUNNER.invoke(app, ["run", "judge", "--config", str(config), *world_args])
    assert result.exit_code == 0, result.output
    score = json.loads((tmp_path / "judged" / "scores.jsonl").read_text())["score"]
    assert 1.0 <= score <= 5.0


def test_score_parsing() -> None:
    assert parse_score("4", 5) == 4
    assert parse_score("Coherence: 3 out of 5", 5) == 3
    assert parse_score("excellent", 5) is None
    assert parse_score("7", 5) is None
