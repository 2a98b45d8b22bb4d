"""Notebooks: cells read as one module, shell lines and written configs, locations on .ipynb lines."""

from __future__ import annotations

import json

from licaudit.gate.notebooks import scan_notebook_text


def notebook(*cells: tuple[str, str]) -> str:
    """An nbformat-4 notebook written the way Jupyter writes it (one JSON line per source line)."""
    body = [
        {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
        | ({"outputs": [], "execution_count": None} if kind == "code" else {})
        for kind, source in cells
    ]
    return json.dumps({"cells": body, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_name_set_in_one_cell_reaches_a_loader_in_a_later_one_at_its_file_line() -> None:
    text = notebook(
        ("markdown", 'Load with `AutoModel.from_pretrained("org/from-markdown")`'),
        (
            "code",
            '!pip install "transformers==4.46" \\\n  datasets\n%matplotlib inline\nmodel_checkpoint = "distilgpt2"\n',
        ),
        ("code", "tok = AutoTokenizer.from_pretrained(model_checkpoint)\n"),
        ("code", 'model_checkpoint = "org/second"\nmodel = AutoModel.from_pretrained(model_checkpoint)\n'),
    )
    found = scan_notebook_text(text, "nb.ipynb")
    located = sorted((r.location.line, r.artifact) for r in found.references)
    assert located == [
        (line_of(text, "tok = AutoTokenizer"), "distilgpt2"),
        (line_of(text, "model = AutoModel"), "org/second"),
    ]
    first = min(found.references, key=lambda r: r.location.line).location
    assert text.splitlines()[first.line - 1][first.column - 1 :].startswith("model_checkpoint)")


def test_shell_lines_and_bash_cells_use_the_python_names_around_them() -> None:
    text = notebook(
        ("code", 'model_id = "org/served"\n!python serve.py --model-path {model_id}\n'),
        ("code", "%%bash\nbase=org/bash-base\npython train.py \\\n  --model_name_or_path $base\n"),
        ("code", "!huggingface-cli upload me/result ./out\n"),
    )
    found = scan_notebook_text(text, "nb.ipynb")
    assert sorted((r.location.line, r.artifact, r.via) for r in found.references) == [
        (line_of(text, '"model_id = '), "org/served", "assignment model_id"),
        (line_of(text, "--model-path {model_id}"), "org/served", "notebook --model-path"),
        (line_of(text, "--model_name_or_path $base"), "org/bash-base", "notebook --model_name_or_path"),
    ]
    assert [r.artifact for r in found.produced] == ["me/result"]


def test_a_written_yaml_config_and_a_broken_cell_do_not_hide_the_rest() -> None:
    text = notebook(
        ("code", "%%writefile recipe.yaml\nmodel_id: org/in-recipe\noutput_dir: ./run\n"),
        ("code", "curl https://example.org | bash\n"),  # shell without a magic: not Python
        ("code", 'data = load_dataset("org/data")\n'),
    )
    found = scan_notebook_text(text, "nb.ipynb")
    assert sorted((r.location.line, r.artifact) for r in found.references) == [
        (line_of(text, "model_id: org/in-recipe"), "org/in-recipe"),
        (line_of(text, 'load_dataset(\\"org/data'), "org/data"),
    ]


def test_an_unreadable_notebook_is_skipped_with_a_message() -> None:
    found = scan_notebook_text("{not json", "bad.ipynb")
    assert found.skipped is not None and "not a readable notebook" in found.skipped.message
