"""What a repository uses: the model and dataset references in its code, notebooks, scripts and configs.

Each kind of file has its reader beside this module: Python (python_code), notebooks (notebooks),
shell scripts, Makefiles and Dockerfiles (shell_commands), docker-compose files (compose_files),
training configs (training_configs) and evaluation-harness tasks (eval_tasks). Once every file is read,
the names that travel between files are resolved here: constants imported from another module of the
repository and LLaMA-Factory's short dataset names. A reference to something the repository itself
writes or publishes (`push_to_hub`, `hub_model_id`, `output_dir`) is reported apart, as `produced`.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from licaudit.artifact_ref import is_hub_id
from licaudit.gate.compose_files import is_compose_file, scan_compose_text
from licaudit.gate.eval_tasks import is_task_template
from licaudit.gate.notebooks import scan_notebook_text
from licaudit.gate.python_code import PythonReader
from licaudit.gate.reference_keys import hub_value
from licaudit.gate.references import (
    FileScan,
    PendingName,
    Reference,
    ReferenceKind,
    ShortName,
    SkippedFile,
    reference_order,
)
from licaudit.gate.shell_commands import scan_shell_text
from licaudit.gate.training_configs import DATASET_KEYS, MODEL_KEYS, scan_config_text
from licaudit.locations import Location

__all__ = [
    "DATASET_KEYS",
    "MODEL_KEYS",
    "Location",
    "Reference",
    "ReferenceKind",
    "RepositoryScan",
    "SkippedFile",
    "is_hub_id",
    "reference_order",
    "scan_config_file",
    "scan_python_file",
    "scan_python_source",
    "scan_repository",
]

MAX_SOURCE_BYTES = 5_000_000
MAX_CONFIG_BYTES = 1_000_000
MAX_NOTEBOOK_BYTES = 20_000_000  # notebooks carry their outputs (images): larger than the code in them
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache"}
    | {".ruff_cache", ".pytest_cache", "site-packages", "build", "dist", ".eggs", ".ipynb_checkpoints"}
)
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
_SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".slurm", ".sbatch")
_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
_POLICY_FILES = frozenset({"licaudit.yaml", "licaudit.yml"})
PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class RepositoryScan:
    root: str
    references: tuple[Reference, ...]
    skipped: tuple[SkippedFile, ...]
    files_read: int
    produced: tuple[Reference, ...] = ()  # what the repository writes or publishes: outputs, never uses


def file_dialect(name: str) -> str | None:
    """Which reader a file needs, by its name; None for files that cannot name an artifact."""
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name in _POLICY_FILES:
        return None
    if name.endswith(_CONFIG_SUFFIXES):
        return "compose" if is_compose_file(name) else "config"
    if is_task_template(name):
        return "config"
    if name.endswith(_SHELL_SUFFIXES):
        return "shell"
    if name in _MAKEFILES or name.endswith(".mk"):
        return "make"
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".dockerfile"):
        return "docker"
    return None


def scan_repository(root: Path, exclude: frozenset[str] = frozenset(), workers: int | None = None) -> RepositoryScan:
    """Every reference under `root`, sorted by file and line; unreadable or unparsable files are skipped.

    `workers > 1` reads large repositories in that many processes (`ast.parse` holds the GIL). It is
    off by default: on a loaded 2-core machine it measured no faster (benchmarks/bench_gate.py times
    both). The result is sorted, so it never depends on the number of workers.
    """
    jobs = [(str(p), p.relative_to(root).as_posix()) for p in _walk(root, exclude)]
    workers = workers or 1
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        results = _scan_in_parallel(jobs, workers)
    else:
        results = [_scan_file(job) for job in jobs]
    return _combine(root, [relative for _, relative in jobs], results)


def _combine(root: Path, files: list[str], results: list[FileScan]) -> RepositoryScan:
    references = [r for found in results for r in found.references]
    references += _resolve_imports(files, results)
    references += _resolve_short_names(root, [s for found in results for s in found.short_names])
    produced = [r for found in results for r in found.produced]
    outputs = {o for found in results for o in found.local_outputs} | {
        r.artifact.lower() for r in produced if r.artifact is not None
    }
    uses = []
    for reference in references:
        name = (reference.artifact or "").lower()
        if reference.artifact is not None and (name in outputs or name.strip("./") in outputs):
            produced.append(reference)  # the repository writes it, then reads it back: an output
        else:
            uses.append(reference)
    skipped = [found.skipped for found in results if found.skipped is not None]
    return RepositoryScan(
        str(root),
        tuple(sorted(set(uses), key=reference_order)),
        tuple(sorted(skipped)),
        len(files),
        tuple(sorted(set(produced), key=reference_order)),
    )


def _scan_file(job: tuple[str, str]) -> FileScan:
    path, relative = Path(job[0]), job[1]
    dialect = file_dialect(path.name)
    limit = {"python": MAX_SOURCE_BYTES, "notebook": MAX_NOTEBOOK_BYTES}.get(dialect or "", MAX_CONFIG_BYTES)
    text, problem = _read(path, relative, limit)
    if text is None:
        found = FileScan()
        found.skipped = problem
        return found
    if dialect == "python":
        return read_python_source(text, relative)
    if dialect == "notebook":
        return scan_notebook_text(text, relative)
    if dialect == "compose":
        return scan_compose_text(text, relative)
    if dialect in ("shell", "make", "docker"):
        return scan_shell_text(text, relative, dialect)
    return scan_config_text(text, relative, relative if relative.endswith(_CONFIG_SUFFIXES) else "x.yaml", path)


def _scan_chunk(jobs: list[tuple[str, str]]) -> list[FileScan]:
    return [_scan_file(job) for job in jobs]


def _scan_in_parallel(jobs: list[tuple[str, str]], workers: int) -> list[FileScan]:
    import concurrent.futures
    import multiprocessing

    size = max(50, len(jobs) // (workers * 4))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    try:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return [result for chunk in pool.map(_scan_chunk, chunks) for result in chunk]
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return [_scan_file(job) for job in jobs]  # no worker processes here: scan in this one


def _walk(root: Path, exclude: frozenset[str]) -> Iterator[Path]:
    found: list[Path] = []
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and d not in exclude and not d.startswith(".")]
        found += [Path(top) / n for n in names if file_dialect(n) is not None]
    yield from sorted(found)


def _read(path: Path, relative: str, limit: int) -> tuple[str | None, SkippedFile | None]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, SkippedFile(Location(relative, 1), f"cannot read: {error.strerror}")
    if len(raw) > limit:
        return None, SkippedFile(Location(relative, 1), f"larger than {limit:,} bytes; not read")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return None, SkippedFile(Location(relative, 1), f"not valid UTF-8 (byte {error.start}); not read")


# --- Python -----------------------------------------------------------------------------------


def read_python_source(text: str, relative: str) -> FileScan:
    try:
        tree = ast.parse(text, filename=relative)
    except SyntaxError as error:
        found = FileScan()
        where = Location(relative, error.lineno or 1, error.offset or 1)
        found.skipped = SkippedFile(where, f"syntax error: {error.msg}; file skipped, the rest was checked")
        return found
    except (ValueError, RecursionError, MemoryError) as error:
        found = FileScan()
        found.skipped = SkippedFile(Location(relative, 1), f"cannot parse ({type(error).__name__}); file skipped")
        return found
    return PythonReader(relative, text, tree).scan()


def scan_python_source(text: str, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    """One Python file on its own: its references (names imported from other files stay unresolved)."""
    found = read_python_source(text, relative)
    return sorted(found.references, key=reference_order), found.skipped


def scan_python_file(path: Path, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    text, problem = _read(path, relative, MAX_SOURCE_BYTES)
    if text is None:
        return [], problem
    return scan_python_source(text, relative)


def scan_config_file(path: Path, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    text, problem = _read(path, relative, MAX_CONFIG_BYTES)
    if text is None:
        return [], problem
    return scan_config_text(text, relative, path=path).references, None


# --- names that travel between files ----------------------------------------------------------


def _resolve_imports(files: list[str], results: list[FileScan]) -> list[Reference]:
    """`from training.consts import MODEL`: the constant, read from that module of the repository.
    A name no module of the repository defines as a string stays unresolvable (and is reported)."""
    pending = [p for found in results for p in found.pending]
    if not pending:
        return []
    exports = {relative: found.exports for relative, found in zip(files, results, strict=True) if found.exports}
    modules = _module_index([f for f in files if f.endswith(".py")])
    found: list[Reference] = []
    for name in pending:
        value = None
        for module in _module_candidates(name):
            relative = modules.get(module)
            if relative is not None:
                value = exports.get(relative, {}).get(name.name)
                if value is None and f"{module}.{name.name}" in modules:
                    break  # `from package import submodule`: a module, not a value
                break
        artifact = hub_value(value, name.kind, bare=True) if value is not None else None
        if artifact is not None:
            found.append(Reference(name.location, name.kind, artifact, name.via))
        else:
            found.append(Reference(name.location, name.kind, None, name.via, f"{name.name} (from {name.module})"))
    return found


def _module_candidates(name: PendingName) -> list[str]:
    if name.level == 0:
        return [name.module]
    package = name.importer.split("/")[:-1]
    if name.level > 1:
        package = package[: len(package) - (name.level - 1)]
    base = ".".join(package)
    return [".".join(p for p in (base, name.module) if p)]


def _module_index(files: list[str]) -> dict[str, str]:
    """Dotted module names -> file. A file is also known by each shorter suffix of its dotted name
    (`src/pkg/consts.py` as `pkg.consts`) when no other file claims that suffix."""
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for relative in files:
        parts = relative[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for start in range(len(parts)):
            dotted = ".".join(parts[start:])
            if not dotted:
                continue
            if start == 0:
                index[dotted] = relative
            elif dotted in index and index[dotted] != relative:
                ambiguous.add(dotted)
            else:
                index.setdefault(dotted, relative)
    for dotted in ambiguous:
        if "/".join(dotted.split(".")) + ".py" != index[dotted]:
            index.pop(dotted, None)
    return index


def _resolve_short_names(root: Path, names: list[ShortName]) -> list[Reference]:
    """LLaMA-Factory dataset names, through its `dataset_info.json`: `hf_hub_url` entries are Hub
    datasets, `file_name` entries local files. A name the repository's dataset_info.json lacks stays
    unresolvable; without that file (LLaMA-Factory installed, not vendored) the names are not looked up."""
    tables: dict[str, dict[str, object] | None] = {}
    found: list[Reference] = []
    for name in names:
        if name.dataset_dir not in tables:
            tables[name.dataset_dir] = _dataset_info(root, name.dataset_dir)
        table = tables[name.dataset_dir]
        if table is None:
            continue  # LLaMA-Factory is a dependency here: its own names are local demo data, or unknowable
        entry = table.get(name.name)
        if isinstance(entry, dict):
            url = entry.get("hf_hub_url")
            if isinstance(url, str):
                artifact = hub_value(url, ReferenceKind.DATASET, bare=True)
                if artifact is not None:
                    found.append(Reference(name.location, ReferenceKind.DATASET, artifact, f"{name.via} ({name.name})"))
            continue  # a local file (file_name, script_url, ...): nothing to gate
        expression = f"{name.name} (no entry in {name.dataset_dir}/dataset_info.json)"
        found.append(Reference(name.location, ReferenceKind.DATASET, None, name.via, expression))
    return found


def _dataset_info(root: Path, dataset_dir: str) -> dict[str, object] | None:
    folder = (root / dataset_dir).resolve()
    if not folder.is_relative_to(root.resolve()):
        return None  # never read outside the repository
    path = folder / "dataset_info.json"
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_CONFIG_BYTES else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
