"""`licaudit run self-instruct` against a local OpenAI-compatible teacher on 127.0.0.1."""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.plugins.builtin.self_instruct import (
    Task,
    encode_instruction_prompt,
    instruction_problem,
    parse_instances,
    parse_instructions,
    sample_prompt_instructions,
)
from tests.plugins.conftest import TeacherServer, write_config

RUNNER = CliRunner()


def si_config(tmp_path: Path, seeds: Path, endpoint: str, teacher_id: str = "services/openai/gpt-3.5-turbo") -> Path:
    return write_config(
        tmp_path,
        "self-instruct.yaml",
        {
            "seed_tasks": {"id": "datasets/yizhongw/self-instruct-seed-tasks", "path": str(seeds)},
            "teacher": {"id": teacher_id, "endpoint": endpoint, "model": "gpt-3.5-turbo"},
            "output": {"path": "generated", "id": "datasets/me/tiny-self-instruct"},
            "num_instructions": 6,
            "num_prompt_instructions": 3,
            "max_requests": 40,
            "request_timeout": 5,
        },
    )


def test_self_instruct_dataset_carries_the_api_output_terms_through_generated_by(
    tmp_path: Path, seed_tasks: Path, teacher: TeacherServer, world_args: list[str]
) -> None:
    pytest.importorskip("rouge_score")
    config = si_config(tmp_path, seed_tasks, teacher.url)
    result = RUNNER.invoke(app, ["run", "self-instruct", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 0, result.output
    out = tmp_path / "generated"
    records = [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]
    assert len({r["instruction"] for r in records}) == 6
    assert any(r["is_classification"] for r in records) and not all(r["is_classification"] for r in records)
    assert not (out / "data.jsonl.partial").exists()
    assert teacher.requests and all(r["model"] == "gpt-3.5-turbo" for r in teacher.requests)
    provenance = json.loads((out / "licaudit-provenance.json").read_text())
    assert provenance["status"] == "complete"
    # The API's terms are a restriction on the generated data, written with their path, never its
    # license: a terms of use is not a license.
    assert "OpenAI" not in provenance["artifact"]["license"]
    (restriction,) = [r for r in provenance["artifact"]["restrictions"] if r["term"] == "no-competing-models"]
    assert restriction["license"] == "LicenseRef-OpenAI-Terms-2023"
    assert restriction["path"] == ["services/openai/gpt-3.5-turbo", "datasets/me/tiny-self-instruct"]
    card = (out / "README.md").read_text()
    assert "openai" not in card.split("licaudit:")[0].lower()  # not in license: / license_name:
    assert "## Restrictions" in card and "services/openai/gpt-3.5-turbo -> datasets/me/tiny-self-instruct" in card

    traced = RUNNER.invoke(app, ["trace", str(out), "--format", "json", "--use", "research", *world_args])
    doc = json.loads(traced.stdout)
    assert {"parent": "services/openai/gpt-3.5-turbo", "relation": "generated_by"}.items() <= next(
        e for e in doc["edges"] if e["relation"] == "generated_by"
    ).items()
    commercial = doc["verdicts"]["commercial"]
    carried = [r for r in (*commercial["reasons"], *commercial["conditions"]) if r["origin"].startswith("services/")]
    assert carried and carried[0]["license"] == "LicenseRef-OpenAI-Terms-2023"
    assert carried[0]["path"][-2:] == ["services/openai/gpt-3.5-turbo", "datasets/me/tiny-self-instruct"]
    assert doc["verdicts"]["research"]["verdict"] == provenance["plan"]["verdict"]


def test_an_unknown_teacher_is_refused_with_no_request_sent(
    tmp_path: Path, seed_tasks: Path, teacher: TeacherServer, world_args: list[str]
) -> None:
    config = si_config(tmp_path, seed_tasks, teacher.url, teacher_id="services/nobody/secret-model")
    result = RUNNER.invoke(app, ["run", "self-instruct", "--config", str(config), *world_args])
    assert result.exit_code == 1
    assert "services/nobody/secret-model" in result.stdout
    assert teacher.requests == []
    assert not (tmp_path / "generated").exists()


@pytest.mark.parametrize("mode", ["garbage", "http-error"])
def test_a_teacher_returning_garbage_fails_clearly_and_no_dataset_is_passed_off(
    tmp_path: Path, seed_tasks: Path, teacher: TeacherServer, world_args: list[str], mode: str
) -> None:
    pytest.importorskip("rouge_score")
    teacher.mode = mode
    config = si_config(tmp_path, seed_tasks, teacher.url)
    result = RUNNER.invoke(app, ["run", "self-instruct", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 3, result.output
    assert "teacher endpoint" in result.stderr
    out = tmp_path / "generated"
    assert not (out / "data.jsonl").exists()
    provenance = json.loads((out / "licaudit-provenance.json").read_text())
    assert provenance["status"] == "incomplete" and "TeacherError" in provenance["status_detail"]


def test_a_teacher_that_is_down_fails_clearly(tmp_path: Path, seed_tasks: Path, world_args: list[str]) -> None:
    pytest.importorskip("rouge_score")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = si_config(tmp_path, seed_tasks, f"http://127.0.0.1:{port}/v1")
    result = RUNNER.invoke(app, ["run", "self-instruct", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 3
    assert "unreachable" in result.stderr
    assert not (tmp_path / "generated" / "data.jsonl").exists()


def test_a_teacher_that_never_yields_enough_tasks_leaves_only_a_partial_file(
    tmp_path: Path, seed_tasks: Path, teacher: TeacherServer, world_args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("rouge_score")
    monkeypatch.setattr(TeacherServer, "answer", lambda self, prompt: "Task 4: Draw a picture of a cat in the image.")
    config = si_config(tmp_path, seed_tasks, teacher.url)
    result = RUNNER.invoke(app, ["run", "self-instruct", "--config", str(config), "--use", "research", *world_args])
    assert result.exit_code == 3
    assert "0 usable tasks of 6" in result.stderr and "non-text task" in result.stderr
    assert not (tmp_path / "generated" / "data.jsonl").exists()


def test_instruction_parsing_and_filters() -> None:
    assert parse_instructions(
        "Write a poem about rain in the city.\nTask 5: Name three rivers in Europe please.", 4
    ) == [
        "Write a poem about rain in the city.",
        "Name three rivers in Europe please.",
    ]
    assert instruction_problem("Plot a graph of the sales numbers over time.") == "non-text task"
    assert instruction_problem("Too short") == "too short or too long"
    assert instruction_problem("- List some fruits that are red in colour.") is not None
    assert instruction_problem("List some fruits that are red in colour.") is None
    prompt = encode_instruction_prompt(["A first task.", "A second task."])
    assert prompt.endswith("Task 3:")


def test_instances_need_an_output_that_differs_from_the_input() -> None:
    text = "Example 1\nInput: a\nOutput: b\nExample 2\nInput: same\nOutput: same\nExample 3\nInput: x\n"
    assert parse_instances(text, is_classification=False) == [{"input": "a", "output": "b"}]
    labelled = "Example 1\nClass label: yes\nInput: It rains.\n"
    assert parse_instances(labelled, is_classification=True) == [{"input": "It rains.", "output": "yes"}]


def test_in_context_examples_mix_seed_and_machine_tasks() -> None:
    seeds = [Task(f"seed {i}") for i in range(10)]
    machine = [Task(f"machine {i}") for i in range(10)]
    chosen = sample_prompt_instructions(seeds, machine, 8, random.Random(0))  # noqa: S311
    assert len(chosen) == 8 and sum(c.startswith("machine") for c in chosen) == 2
