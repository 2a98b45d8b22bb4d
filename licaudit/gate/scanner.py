"""What a repository uses: model and dataset references found in Python code and training configs.

Python is read with `ast` (never regex): the loaders of transformers, datasets, huggingface_hub,
sentence-transformers and peft, with string literals, module-level constants, concatenations and
constant-only f-strings resolved. A reference whose value is only known at run time (a
function argument, an f-string over a variable) is kept as unresolvable, with its source text.
Training configs (axolotl, TRL, LLaMA-Factory; YAML or JSON) are read for the keys they use.
"""

from __future__ import annotations

import ast
import bisect
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from licaudit.artifact_ref import is_hub_id
from licaudit.locations import Location

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_SOURCE_BYTES = 5_000_000
MAX_CONFIG_BYTES = 1_000_000
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache"}
    | {".ruff_cache", ".pytest_cache", "site-packages", "build", "dist", ".eggs"}
)
# A Hub id: `name` or `owner/name`; anything else (a local path, a URL) is not a Hub reference.
# `load_dataset("json", data_files=...)` and friends load local files, not a Hub dataset.
_BUILDER_NAMES = frozenset({"json", "csv", "parquet", "text", "arrow", "imagefolder", "audiofolder", "pandas", "sql"})
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
_TRIGGERS = (
    "from_pretrained",
    "pipeline",
    "load_dataset",
    "hf_hub_download",
    "snapshot_download",
    "SentenceTransformer",
    "Trainer",
)
_TRIGGER_PATTERN = re.compile("|".join(_TRIGGERS))


class ReferenceKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"


@dataclass(frozen=True, order=True)
class Reference:
    """One place that loads a model or dataset. `artifact` is None when it cannot be known statically."""

    location: Location
    kind: ReferenceKind
    artifact: str | None
    via: str  # what references it: `AutoModel.from_pretrained`, `axolotl base_model`, `manifest`, ...
    expression: str | None = None  # the source text, kept when the value is not a static string


@dataclass(frozen=True, order=True)
class SkippedFile:
    location: Location
    message: str


@dataclass(frozen=True)
class RepositoryScan:
    root: str
    references: tuple[Reference, ...]
    skipped: tuple[SkippedFile, ...]
    files_read: int


PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


def scan_repository(root: Path, exclude: frozenset[str] = frozenset(), workers: int | None = None) -> RepositoryScan:
    """Every reference under `root`, sorted by file and line; unreadable or unparsable files are skipped.

    `workers > 1` parses large repositories in that many processes (`ast.parse` holds the GIL). It
    is off by default: on a loaded 2-core machine it measured no faster (benchmarks/bench_gate.py
    times both). The result is sorted, so it never depends on the number of workers.
    """
    paths = [p for p in _walk(root, exclude) if p.suffix == ".py" or p.name not in ("licaudit.yaml", "licaudit.yml")]
    jobs = [(str(p), p.relative_to(root).as_posix()) for p in paths]
    workers = workers or 1
    results: list[tuple[list[Reference], SkippedFile | None]] = []
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        results = _scan_in_parallel(jobs, workers)
    else:
        results = [_scan_file(job) for job in jobs]
    references = [r for found, _ in results for r in found]
    skipped = [problem for _, problem in results if problem is not None]
    return RepositoryScan(str(root), tuple(sorted(references)), tuple(sorted(skipped)), len(jobs))


def _scan_file(job: tuple[str, str]) -> tuple[list[Reference], SkippedFile | None]:
    path, relative = Path(job[0]), job[1]
    if path.suffix == ".py":
        return scan_python_file(path, relative)
    return scan_config_file(path, relative)


def _scan_chunk(jobs: list[tuple[str, str]]) -> list[tuple[list[Reference], SkippedFile | None]]:
    return [_scan_file(job) for job in jobs]


def _scan_in_parallel(jobs: list[tuple[str, str]], workers: int) -> list[tuple[list[Reference], SkippedFile | None]]:
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
        found += [Path(top) / n for n in names if n.endswith((".py", *_CONFIG_SUFFIXES))]
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


def scan_python_file(path: Path, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    text, problem = _read(path, relative, MAX_SOURCE_BYTES)
    if text is None:
        return [], problem
    return scan_python_source(text, relative)


def scan_python_source(text: str, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    try:
        tree = ast.parse(text, filename=relative)
    except SyntaxError as error:
        where = Location(relative, error.lineno or 1, error.offset or 1)
        return [], SkippedFile(where, f"syntax error: {error.msg}; file skipped, the rest was checked")
    except (ValueError, RecursionError, MemoryError) as error:
        return [], SkippedFile(Location(relative, 1), f"cannot parse ({type(error).__name__}); file skipped")
    if not any(trigger in text for trigger in _TRIGGERS):
        return [], None
    scanner = _PythonScanner(relative, text, _module_constants(tree))
    scanner.scan(tree, _candidate_lines(text))
    return scanner.references, None


def _candidate_lines(text: str) -> list[int]:
    """1-based lines that mention a loader: only subtrees spanning one of them are walked."""
    lines: list[int] = []
    line, position = 1, 0
    for match in _TRIGGER_PATTERN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Top-level `NAME = <expr>` assignments (the last one wins, as at import time)."""
    constants: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            constants[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            constants[node.target.id] = node.value
    return constants


class _Unresolved(Exception):
    pass


class _PythonScanner:
    def __init__(self, relative: str, text: str, constants: dict[str, ast.expr]) -> None:
        self.relative = relative
        self.text = text
        self.lines = text.splitlines()
        self.constants = constants
        self.references: list[Reference] = []

    def scan(self, tree: ast.AST, candidates: list[int]) -> None:
        """Walk only the subtrees whose lines include a candidate line (a tenth of a file, typically)."""
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                self._match(node)
            for child in ast.iter_child_nodes(node):
                start = getattr(child, "lineno", None)
                if start is not None:
                    end = getattr(child, "end_lineno", None) or start
                    index = bisect.bisect_left(candidates, start)
                    if index == len(candidates) or candidates[index] > end:
                        continue
                stack.append(child)
        self.references.sort()

    def _match(self, node: ast.Call) -> None:
        name, receiver = _callee(node.func)
        via = f"{receiver}.{name}" if receiver else name
        if name == "from_pretrained":
            if receiver == "PeftModel" or receiver.startswith("PeftModelFor"):
                self._take(node, via, ReferenceKind.MODEL, 1, "model_id")  # arg 0 is the base model object
            else:
                self._take(node, via, ReferenceKind.MODEL, 0, "pretrained_model_name_or_path")
        elif name == "pipeline":
            self._take(node, via, ReferenceKind.MODEL, 1, "model", optional=True)
        elif name == "load_dataset":
            self._take(node, via, ReferenceKind.DATASET, 0, "path")
        elif name in ("hf_hub_download", "snapshot_download"):
            kind = ReferenceKind.DATASET if _keyword_text(node, "repo_type") == "dataset" else ReferenceKind.MODEL
            self._take(node, via, kind, 0, "repo_id")
        elif name in ("SentenceTransformer", "CrossEncoder"):
            self._take(node, via, ReferenceKind.MODEL, 0, "model_name_or_path", optional=True)
        elif name.endswith("Trainer"):
            self._take(node, via, ReferenceKind.MODEL, None, "model", only_text=True)

    def _take(
        self,
        node: ast.Call,
        via: str,
        kind: ReferenceKind,
        position: int | None,
        keyword: str,
        optional: bool = False,
        only_text: bool = False,
    ) -> None:
        value: ast.expr | None = None
        for item in node.keywords:
            if item.arg == keyword:
                value = item.value
        if value is None and position is not None and len(node.args) > position:
            value = node.args[position]
        if value is None or isinstance(value, ast.Starred):
            return
        location = Location(self.relative, value.lineno, self._column(value))
        try:
            text = self._resolve(value)
        except _Unresolved:
            # `pipeline(model=model)`, `Trainer(model=model)`: the argument may be an object, not a name.
            # Only a value that is plainly text (an f-string, a concatenation) is then reported.
            if only_text or (optional and not isinstance(value, (ast.JoinedStr, ast.BinOp))):
                return
            source = ast.get_source_segment(self.text, value) or ast.unparse(value)
            self.references.append(Reference(location, kind, None, via, source[:200]))
            return
        if text is None:
            return
        if kind is ReferenceKind.DATASET and text in _BUILDER_NAMES:
            return
        if not is_hub_id(text):
            return  # a local path or URL: not a Hub artifact
        self.references.append(Reference(location, kind, text, via))

    def _column(self, node: ast.expr) -> int:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        return len(line.encode("utf-8")[: node.col_offset].decode("utf-8", errors="replace")) + 1

    def _resolve(self, node: ast.expr, depth: int = 0) -> str | None:
        """The string value, None when it is not a string at all, `_Unresolved` when unknowable."""
        if depth > 20:
            raise _Unresolved
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return self._resolve(self.constants[node.id], depth + 1)
            raise _Unresolved
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    if part.conversion != -1 or part.format_spec is not None:
                        raise _Unresolved
                    value = self._resolve(part.value, depth + 1)
                else:
                    value = self._resolve(part, depth + 1)
                if value is None:
                    raise _Unresolved
                parts.append(value)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._resolve(node.left, depth + 1), self._resolve(node.right, depth + 1)
            if left is None or right is None:
                raise _Unresolved
            return left + right
        raise _Unresolved


def _callee(func: ast.expr) -> tuple[str, str]:
    """(`from_pretrained`, `AutoModelForCausalLM`) for `transformers.AutoModelForCausalLM.from_pretrained`."""
    if isinstance(func, ast.Name):
        return func.id, ""
    if isinstance(func, ast.Attribute):
        receiver = func.value
        if isinstance(receiver, ast.Name):
            return func.attr, receiver.id
        if isinstance(receiver, ast.Attribute):
            return func.attr, receiver.attr
        return func.attr, ""
    return "", ""


def _keyword_text(node: ast.Call, keyword: str) -> str | None:
    for item in node.keywords:
        if item.arg == keyword and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str):
            return item.value.value
    return None


# --- training configs -------------------------------------------------------------------------

# Keys that name a model in axolotl, TRL and LLaMA-Factory configs.
MODEL_KEYS = frozenset(
    {"base_model", "base_model_config", "model_name_or_path", "model_name", "model_id", "tokenizer_name_or_path"}
    | {"tokenizer_config", "adapter_name_or_path", "lora_model_dir", "reward_model_path", "ref_model"}
)
DATASET_KEYS = frozenset(
    {"dataset_name", "dataset", "datasets", "test_datasets", "eval_dataset", "pretraining_dataset"}
)


def scan_config_file(path: Path, relative: str) -> tuple[list[Reference], SkippedFile | None]:
    text, problem = _read(path, relative, MAX_CONFIG_BYTES)
    if text is None:
        return [], problem
    if not any(key in text for key in (*MODEL_KEYS, *DATASET_KEYS)):
        return [], None  # not a training config: not worth a parse
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError:
            return [], None  # a JSON file that is not a training config is none of our business
        return _config_references(data, relative, _json_line_finder(text), "json"), None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return [], None
    if node is None:
        return [], None
    return _yaml_references(node, relative), None


def _config_tool(keys: set[str]) -> str:
    if "base_model" in keys or "lora_model_dir" in keys:
        return "axolotl"
    if "template" in keys or "finetuning_type" in keys or "stage" in keys:
        return "llama-factory"
    return "config"


def _yaml_references(root: yaml.Node, relative: str) -> list[Reference]:
    if not isinstance(root, yaml.MappingNode):
        return []
    keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    tool = _config_tool(keys)
    found: list[Reference] = []
    seen: set[int] = set()  # an alias is the same node object: visit it once, so a YAML bomb cannot expand
    for key_node, value in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = key_node.value
        if key in MODEL_KEYS:
            found += _yaml_values(value, relative, ReferenceKind.MODEL, f"{tool} {key}", seen)
        elif key in DATASET_KEYS:
            found += _yaml_values(value, relative, ReferenceKind.DATASET, f"{tool} {key}", seen)
    return found


def _yaml_values(node: yaml.Node, relative: str, kind: ReferenceKind, via: str, seen: set[int]) -> list[Reference]:
    found: list[Reference] = []
    if id(node) in seen or len(seen) > 100_000:
        return found
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        location = Location(relative, node.start_mark.line + 1, node.start_mark.column + 1)
        # LLaMA-Factory: `dataset: alpaca_en,identity` names entries of its dataset_info.json, not Hub ids.
        for name in (p.strip() for p in node.value.split(",")) if "," in node.value else [node.value.strip()]:
            bare_model = kind is ReferenceKind.MODEL and name.lower() not in ("null", "none")
            if is_hub_id(name) and ("/" in name or bare_model):
                found.append(Reference(location, kind, name, via))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _yaml_values(item, relative, kind, via, seen)
    elif isinstance(node, yaml.MappingNode):
        # axolotl: `datasets: - path: tatsu-lab/alpaca`
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value in ("path", "name", "repo_id"):
                found += _yaml_values(value, relative, kind, via, seen)
    return found


def _json_line_finder(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r'"([^"\\]+)"', line):
            lines.setdefault(match.group(1), number)
    return lines


def _config_references(data: object, relative: str, lines: dict[str, int], _suffix: str) -> list[Reference]:
    if not isinstance(data, dict):
        return []
    tool = _config_tool(set(data))
    found: list[Reference] = []
    for key, value in data.items():
        if key in MODEL_KEYS:
            found += _json_values(value, relative, lines, ReferenceKind.MODEL, f"{tool} {key}")
        elif key in DATASET_KEYS:
            found += _json_values(value, relative, lines, ReferenceKind.DATASET, f"{tool} {key}")
    return found


def _json_values(value: object, relative: str, lines: dict[str, int], kind: ReferenceKind, via: str) -> list[Reference]:
    if isinstance(value, str):
        names = [p.strip() for p in value.split(",")]
        return [
            Reference(Location(relative, lines.get(value, 1)), kind, name, via)
            for name in names
            if is_hub_id(name) and ("/" in name or kind is ReferenceKind.MODEL)
        ]
    if isinstance(value, list):
        return [r for item in value[:1000] for r in _json_values(item, relative, lines, kind, via)]
    if isinstance(value, dict):
        return [
            r
            for k in ("path", "name", "repo_id")
            if k in value
            for r in _json_values(value[k], relative, lines, kind, via)
        ]
    return []
