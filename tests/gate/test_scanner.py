"""The repository scan: which files are read, names imported across modules, outputs kept apart."""

from __future__ import annotations

from pathlib import Path

from licaudit.gate.scanner import file_dialect, scan_repository


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_every_kind_of_file_has_its_reader() -> None:
    assert [file_dialect(n) for n in ("a.py", "b.ipynb", "c.yaml", "docker-compose.yml", "_default_template_yaml")] == [
        "python",
        "notebook",
        "config",
        "compose",
        "config",
    ]
    assert [file_dialect(n) for n in ("run.sh", "job.slurm", "Makefile", "Dockerfile", "Dockerfile.gpu")] == [
        "shell",
        "shell",
        "make",
        "docker",
        "docker",
    ]
    assert file_dialect("licaudit.yaml") is None and file_dialect("README.md") is None


def test_constants_imported_from_another_module_of_the_repository(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "training/consts.py": 'DEFAULT_INPUT_MODEL = "org/base"\nDATA = "org/data"\n',
            "training/__init__.py": "",
            "training/trainer.py": (
                "from training.consts import DEFAULT_INPUT_MODEL\nfrom .consts import DATA\n"
                "from transformers import PRESET\n\n"
                "def load(path: str = DEFAULT_INPUT_MODEL):\n    return AutoModel.from_pretrained(path)\n\n"
                "def data():\n    return load_dataset(DATA), AutoModel.from_pretrained(PRESET)\n"
            ),
        },
    )
    scan = scan_repository(root)
    assert [(r.location.file, r.location.line, r.artifact, r.expression) for r in scan.references] == [
        ("training/consts.py", 1, "org/base", None),  # a literal id under a name that says model
        ("training/trainer.py", 6, "org/base", None),
        ("training/trainer.py", 9, "org/data", None),
        ("training/trainer.py", 9, None, "PRESET (from transformers)"),
    ]


def test_what_the_repository_writes_and_reads_back_is_produced_not_used(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "train.py": (
                'args = TrainingArguments(output_dir="gemma-dolly", hub_model_id="me/gemma-dolly")\n'
                'model = AutoModel.from_pretrained("org/gemma")\n'
            ),
            "infer.py": (
                'a = AutoModel.from_pretrained("gemma-dolly")\nb = AutoModel.from_pretrained("me/gemma-dolly")\n'
            ),
        },
    )
    scan = scan_repository(root)
    assert [r.artifact for r in scan.references] == ["org/gemma"]
    assert sorted((r.location.file, r.artifact) for r in scan.produced) == [
        ("infer.py", "gemma-dolly"),
        ("infer.py", "me/gemma-dolly"),
        ("train.py", "me/gemma-dolly"),
    ]


def test_notebooks_scripts_and_compose_files_are_read_with_the_code(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "scripts/train.sh": "python train.py --model_name_or_path org/from-shell\n",
            "docker-compose.yml": "services:\n  w:\n    command: serve --model-path org/from-compose\n",
            "Makefile": "eval:\n\tlm_eval --model hf --model_args pretrained=org/x\n",
        },
    )
    assert [(r.location.file, r.artifact) for r in scan_repository(root).references] == [
        ("docker-compose.yml", "org/from-compose"),
        ("scripts/train.sh", "org/from-shell"),
    ]
