"""docker-compose: services' commands with their environment and `${VAR:-default}`."""

from __future__ import annotations

import textwrap

from licaudit.gate.compose_files import is_compose_file, scan_compose_text


def test_commands_entrypoints_and_environment() -> None:
    text = textwrap.dedent(
        """\
        services:
          worker:
            image: org/not-a-model:latest
            environment:
              - HF_MODEL_ID=org/from-environment
            entrypoint: ["python3", "-m", "worker", "--model-path", "${WORKER_MODEL_PATH:-org/default}"]
          app:
            environment:
              BASE_MODEL: org/base
            command: generate.py --base_model $BASE_MODEL --lora_weights 'org/adapter'
        """
    )
    found = scan_compose_text(text, "docker-compose.yml")
    assert sorted((r.location.line, r.artifact, r.via) for r in found.references) == [
        (5, "org/from-environment", "compose environment HF_MODEL_ID"),
        (6, "org/default", "compose --model-path"),
        (9, "org/base", "compose environment BASE_MODEL"),
        (10, "org/adapter", "compose --lora_weights"),
        (10, "org/base", "compose --base_model"),
    ]


def test_compose_file_names() -> None:
    assert is_compose_file("docker-compose.yml") and is_compose_file("compose.yaml")
    assert not is_compose_file("config.yaml") and not is_compose_file("docker-compose.txt")
