"""Command lines: shell scripts, Makefiles and Dockerfiles, with their variables."""

from __future__ import annotations

import textwrap

from licaudit.gate.shell_commands import scan_shell_text


def refs(text: str, dialect: str = "shell") -> list[tuple[int, int, str | None, str, str]]:
    found = scan_shell_text(textwrap.dedent(text), "run.sh", dialect)
    return sorted((r.location.line, r.location.column, r.artifact, r.kind.value, r.via) for r in found.references)


def test_flags_with_spaces_equals_quotes_and_continuations() -> None:
    assert refs(
        """\
        torchrun train.py \\
            --model_name_or_path='org/base' \\
            --data_path org/instruct --output_dir ./out \\
            --dataset alpaca
        python serve.py --base_model "org/other" --model hf
        """
    ) == [
        (2, 5, "org/base", "model", "shell --model_name_or_path"),
        (3, 17, "org/instruct", "dataset", "shell --data_path"),
        (5, 30, "org/other", "model", "shell --base_model"),
    ]


def test_variables_the_last_assignment_wins_and_defaults_apply() -> None:
    found = refs(
        """\
        MODEL_PATH="org/overwritten"  # kept for the record
        MODEL_PATH=org/used
        export DATA=org/data
        python a.py --model-path $MODEL_PATH --dataset_name ${DATA}
        python b.py --model_name_or_path ${BASE:-org/default} --tokenizer_name_or_path $1
        """
    )
    assert [(line, artifact) for line, _, artifact, _, _ in found] == [
        (4, "org/used"),
        (4, "org/data"),
        (5, "org/default"),
        (5, None),
    ]


def test_known_clis_and_outputs() -> None:
    found = scan_shell_text(
        "vllm serve org/served --port 8000\nhuggingface-cli download org/weights\n"
        "huggingface-cli download org/set --repo-type dataset\nhf upload me/finetune ./out\n",
        "s.sh",
    )
    assert [(r.artifact, r.kind.value) for r in found.references] == [
        ("org/served", "model"),
        ("org/weights", "model"),
        ("org/set", "dataset"),
    ]
    assert [r.artifact for r in found.produced] == ["me/finetune"]


def test_makefile_variables_and_recipes() -> None:
    assert refs("BASE ?= org/make-base\n\ntrain:\n\tpython train.py --model_name_or_path $(BASE)\n", "make") == [
        (4, 39, "org/make-base", "model", "make --model_name_or_path")
    ]


def test_dockerfile_images_are_not_models_env_and_exec_form_are_read() -> None:
    found = refs(
        """\
        FROM nvidia/cuda:12.2.0-runtime-ubuntu22.04
        ENV MODEL_ID=org/in-env
        ARG DATA org/in-arg
        CMD ["python", "serve.py", "--model-id", "org/exec-form", "--model_name_or_path", "${MODEL_ID}"]
        RUN python prepare.py --dataset_name $DATA
        """,
        "docker",
    )
    assert [(line, artifact) for line, _, artifact, _, _ in found] == [
        (4, "org/exec-form"),
        (4, "org/in-env"),
        (5, "org/in-arg"),
    ]
