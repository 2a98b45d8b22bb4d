"""The repository scanner: every loader pattern, constants, unresolvable values, configs, bad files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from licaudit.gate.scanner import ReferenceKind, scan_python_source, scan_repository


def refs(source: str) -> list[tuple[int, str | None, str, str]]:
    found, problem = scan_python_source(textwrap.dedent(source), "x.py")
    assert problem is None
    return [(r.location.line, r.artifact, r.kind.value, r.via) for r in found]


def test_every_loader_pattern_with_its_line() -> None:
    found = refs(
        """\
        import transformers
        from transformers import AutoModelForCausalLM, pipeline
        from datasets import load_dataset
        from huggingface_hub import hf_hub_download, snapshot_download
        from sentence_transformers import SentenceTransformer
        from peft import PeftModel, AutoPeftModelForCausalLM

        a = AutoModelForCausalLM.from_pretrained("org/a")
        b = transformers.AutoTokenizer.from_pretrained(pretrained_model_name_or_path="org/b")
        c = pipeline("text-generation", model="org/c")
        d = load_dataset("org/d", split="train")
        e = hf_hub_download(repo_id="org/e", filename="x.bin", repo_type="dataset")
        f = snapshot_download("org/f")
        g = SentenceTransformer("org/g")
        h = PeftModel.from_pretrained(a, "org/h")
        i = AutoPeftModelForCausalLM.from_pretrained("org/i")
        j = load_dataset("json", data_files="local.json")
        k = AutoModelForCausalLM.from_pretrained("./checkpoints/last")
        l = pipeline("text-generation", model=a)
        """
    )
    assert found == [
        (8, "org/a", "model", "AutoModelForCausalLM.from_pretrained"),
        (9, "org/b", "model", "AutoTokenizer.from_pretrained"),
        (10, "org/c", "model", "pipeline"),
        (11, "org/d", "dataset", "load_dataset"),
        (12, "org/e", "dataset", "hf_hub_download"),
        (13, "org/f", "model", "snapshot_download"),
        (14, "org/g", "model", "SentenceTransformer"),
        (15, "org/h", "model", "PeftModel.from_pretrained"),
        (16, "org/i", "model", "AutoPeftModelForCausalLM.from_pretrained"),
    ]


def test_module_constants_concatenation_and_constant_f_strings_resolve() -> None:
    found = refs(
        """\
        ORG = "org"
        NAME: str = ORG + "/base"
        MODEL = NAME
        m = AutoModel.from_pretrained(MODEL)
        n = AutoModel.from_pretrained(f"{ORG}/other")
        """
    )
    assert [(line, artifact) for line, artifact, _, _ in found] == [(4, "org/base"), (5, "org/other")]


def test_runtime_values_are_reported_unresolvable_with_their_text() -> None:
    found, _ = scan_python_source(
        'def load(size):\n    return AutoModel.from_pretrained(f"org/model-{size}")\n'
        "def load2(name):\n    return AutoModel.from_pretrained(name)\n",
        "x.py",
    )
    assert [(r.location.line, r.artifact, r.expression) for r in found] == [
        (2, None, 'f"org/model-{size}"'),
        (4, None, "name"),
    ]


def test_syntax_errors_are_skipped_and_located() -> None:
    found, problem = scan_python_source("x = AutoModel.from_pretrained('org/a')\ndef broken(:\n", "bad.py")
    assert found == []
    assert problem is not None and problem.location.file == "bad.py" and problem.location.line == 2
    assert "syntax error" in problem.message


def test_repository_walk_reads_code_configs_and_skips_vendored_folders(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text('m = AutoModel.from_pretrained("org/a")\n')
    (tmp_path / "src" / "broken.py").write_text("def (:\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text('m = AutoModel.from_pretrained("org/vendored")\n')
    (tmp_path / "axolotl.yml").write_text(
        "base_model: org/base\nmodel_type: LlamaForCausalLM\ndatasets:\n  - path: org/data\n    type: alpaca\n"
    )
    (tmp_path / "llama_factory.yaml").write_text(
        "model_name_or_path: org/lf\nstage: sft\ndataset: alpaca_en,identity\ntemplate: llama3\n"
    )
    (tmp_path / "trl.json").write_text('{\n  "model_name_or_path": "org/trl",\n  "dataset_name": "org/trl-data"\n}\n')
    (tmp_path / "unrelated.yaml").write_text("name: not a config\nsteps: [1, 2]\n")
    scan = scan_repository(tmp_path)
    found = [(r.location.file, r.location.line, r.artifact, r.kind, r.via) for r in scan.references]
    assert found == [
        ("axolotl.yml", 1, "org/base", ReferenceKind.MODEL, "axolotl base_model"),
        ("axolotl.yml", 4, "org/data", ReferenceKind.DATASET, "axolotl datasets"),
        ("llama_factory.yaml", 1, "org/lf", ReferenceKind.MODEL, "llama-factory model_name_or_path"),
        ("src/train.py", 1, "org/a", ReferenceKind.MODEL, "AutoModel.from_pretrained"),
        ("trl.json", 2, "org/trl", ReferenceKind.MODEL, "config model_name_or_path"),
        ("trl.json", 3, "org/trl-data", ReferenceKind.DATASET, "config dataset_name"),
    ]
    assert [(s.location.file, s.location.line) for s in scan.skipped] == [("src/broken.py", 1)]


def test_yaml_bombs_in_configs_are_not_expanded(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    (tmp_path / "bomb.yaml").write_text(bomb + "base_model: *j\n")
    found = scan_repository(tmp_path).references
    assert [r.artifact for r in found] == ["x"] * 9  # each node once, however many aliases point at it


def test_calls_spanning_lines_are_found_at_the_argument() -> None:
    found = refs(
        """\
        def f():
            x = 1
            model = AutoModelForCausalLM.from_pretrained(
                "org/a",
                trust_remote_code=False,
            )
            chat = pipeline(
                "text-generation",
                model="org/b",
            )
        """
    )
    assert [(line, artifact) for line, artifact, _, _ in found] == [(4, "org/a"), (9, "org/b")]


def test_parallel_and_serial_scans_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import licaudit.gate.scanner as repository

    for index in range(30):
        (tmp_path / f"m{index}.py").write_text(f'm = AutoModel.from_pretrained("org/m{index % 7}")\n')
    (tmp_path / "bad.py").write_text("def (:\n")
    monkeypatch.setattr(repository, "PARALLEL_MIN_FILES", 2)
    assert scan_repository(tmp_path, workers=2) == scan_repository(tmp_path, workers=1)
