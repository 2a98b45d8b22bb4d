"""Training configs (YAML or JSON) read for the models and datasets they name.

axolotl (`base_model`, `datasets: - path:`), TRL and the alignment handbook (`model_name_or_path`,
`dataset_name`, `dataset_mixture: datasets: - id:`, `dataset_mixer: {org/data: 1.0}`), LLaMA-Factory
(`dataset: alpaca_zh,identity` are its own short names, looked up later in its dataset_info.json),
recipes that say `dataset_id_or_path`, and evaluation-harness task configs (see eval_tasks). Publish
destinations (`hub_model_id`, `push_dataset_to_hub`) are outputs; `output_dir` is a local output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from licaudit.gate.eval_tasks import TASK_KEYS, included_dataset_paths
from licaudit.gate.reference_keys import HUB_OUTPUT_NAMES, hub_value, is_output_name, kind_of_name
from licaudit.gate.references import FileScan, Reference, ReferenceKind, ShortName
from licaudit.locations import Location

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

# Keys that name a model in axolotl, TRL and LLaMA-Factory configs.
MODEL_KEYS = frozenset(
    {"base_model", "base_model_config", "model_name_or_path", "model_name", "model_id", "tokenizer_name_or_path"}
    | {"tokenizer_config", "adapter_name_or_path", "lora_model_dir", "reward_model_path", "ref_model"}
)
DATASET_KEYS = frozenset(
    {"dataset_name", "dataset", "datasets", "test_datasets", "eval_dataset", "pretraining_dataset"}
    | {"dataset_id_or_path", "dataset_path", "dataset_mixture", "dataset_mixer"}
)
# Keys too general to mean an artifact in an arbitrary YAML file (Hydra groups, tool settings).
_GENERAL_KEYS = frozenset({"model", "tokenizer", "checkpoint", "adapter", "pretrained"})
MAX_NESTING = 4
# Keys read at the top level only: deeper they are as often a tool's own setting (`dataset: {split: ...}`).
_SHALLOW_ONLY = frozenset({"dataset", "datasets", "test_datasets", "eval_dataset", "pretraining_dataset", "model"})
_BARE_DATASET_KEYS = frozenset(
    {("lm-eval", "dataset_path"), ("axolotl", "datasets"), ("axolotl", "pretraining_dataset")}
    | {("axolotl", "test_datasets")}
)
_ITEM_KEYS = frozenset({"path", "name", "repo_id", "id", "dataset_id", "datasets"})
_TRIGGER = re.compile(r"(model|dataset|tokenizer|adapter|lora|checkpoint|data_path|hub_model_id|push_dataset)", re.I)


def config_key_kind(key: str) -> ReferenceKind | None:
    if key in MODEL_KEYS:
        return ReferenceKind.MODEL
    if key in DATASET_KEYS:
        return ReferenceKind.DATASET
    if key in _GENERAL_KEYS:
        return None
    return kind_of_name(key)


def scan_config_text(text: str, relative: str, name: str | None = None, path: Path | None = None) -> FileScan:
    """References in one config's text; `name` decides YAML or JSON (`relative` when None); `path`
    lets an evaluation task follow its `include:`."""
    name = name or relative
    if not _TRIGGER.search(text):
        return FileScan()  # not a training config: not worth a parse
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return FileScan()  # a JSON file that is not a training config is none of our business
        return _json_config(data, relative, _json_line_finder(text))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return FileScan()
    if not isinstance(node, yaml.MappingNode):
        return FileScan()
    return _yaml_config(node, relative, path)


def config_tool(keys: set[str]) -> str:
    if keys & TASK_KEYS and keys & {"dataset_path", "include"} and not keys & {"base_model", "stage"}:
        return "lm-eval"
    if "base_model" in keys or "lora_model_dir" in keys:
        return "axolotl"
    if "template" in keys or "finetuning_type" in keys or "stage" in keys:
        return "llama-factory"
    return "config"


def _yaml_config(root: yaml.MappingNode, relative: str, path: Path | None) -> FileScan:
    pairs = [(k.value, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]
    keys = {key for key, _ in pairs}
    tool = config_tool(keys)
    found = FileScan()
    seen: set[int] = set()  # an alias is the same node object: visit it once, so a YAML bomb cannot expand
    for key, value in pairs:
        if is_output_name(key):
            _yaml_output(found, key, value, relative, tool)
            continue
        kind = config_key_kind(key)
        if kind is None:
            continue
        via = f"{tool} {key}"
        if tool == "llama-factory" and key in ("dataset", "eval_dataset"):
            _short_names(found, value, relative, via, _scalar(pairs, "dataset_dir") or "data")
            continue
        if key == "dataset_name" and "dataset_path" in keys:
            continue  # the evaluation harness: the dataset's configuration, not a dataset
        # A bare dataset name is a Hub id where the tool says so (axolotl paths, harness dataset_path);
        # elsewhere it is as often the tool's own short name.
        bare = kind is ReferenceKind.MODEL or (tool, key) in _BARE_DATASET_KEYS
        for text, location in _yaml_values(value, relative, seen):
            artifact = hub_value(text, kind, bare)
            if artifact is not None:
                found.references.append(Reference(location, kind, artifact, via))
    nested_seen: set[int] = set()  # apart from `seen`: a mapping read for its `path:` is still read for its keys
    for key, value in pairs:
        if isinstance(value, yaml.MappingNode) and key not in DATASET_KEYS and not is_output_name(key):
            found.extend(_nested(value, relative, f"{tool} {key}", nested_seen, 1))
    if tool == "lm-eval" and "dataset_path" not in keys and path is not None:
        for include_node in (v for k, v in pairs if k == "include"):
            if isinstance(include_node, yaml.ScalarNode):
                location = _location(include_node, relative)
                for dataset in included_dataset_paths(path, include_node.value):
                    artifact = hub_value(dataset, ReferenceKind.DATASET, bare=True)
                    if artifact is not None:
                        found.references.append(
                            Reference(
                                location, ReferenceKind.DATASET, artifact, f"lm-eval include {include_node.value}"
                            )
                        )
    return found


def _nested(node: yaml.MappingNode, relative: str, via: str, seen: set[int], depth: int) -> FileScan:
    """Keys as specific as `model_name_or_path` below the top level (alpaca_eval's
    `model: completions_kwargs: model_name: org/model`); general ones (`model:`) are not read there."""
    found = FileScan()
    if depth > MAX_NESTING or id(node) in seen:
        return found
    seen.add(id(node))
    for key_node, value in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if isinstance(value, yaml.MappingNode):
            if not is_output_name(key):
                found.extend(_nested(value, relative, f"{via}.{key}", seen, depth + 1))
            continue
        kind = config_key_kind(key) if key not in _SHALLOW_ONLY else None
        if kind is None or is_output_name(key) or not isinstance(value, yaml.ScalarNode):
            continue
        artifact = hub_value(str(value.value), kind, bare=False)
        if artifact is not None:
            found.references.append(Reference(_location(value, relative), kind, artifact, f"{via}.{key}"))
    return found


def _yaml_output(found: FileScan, key: str, value: yaml.Node, relative: str, tool: str) -> None:
    if not isinstance(value, yaml.ScalarNode) or not isinstance(value.value, str):
        return
    found.local_outputs.add(value.value.strip().strip("./").lower())
    if key in HUB_OUTPUT_NAMES:
        kind = ReferenceKind.DATASET if "dataset" in key else ReferenceKind.MODEL
        artifact = hub_value(value.value, kind, bare=True)
        if artifact is not None:
            found.produced.append(Reference(_location(value, relative), kind, artifact, f"{tool} {key}"))


def _short_names(found: FileScan, value: yaml.Node, relative: str, via: str, dataset_dir: str) -> None:
    """LLaMA-Factory: `dataset: alpaca_en,identity` names entries of its dataset_info.json, not Hub ids."""
    for text, location in _yaml_values(value, relative, set()):
        for name in (p.strip() for p in text.split(",")):
            if not name:
                continue
            if "/" in name:
                artifact = hub_value(name, ReferenceKind.DATASET, bare=False)
                if artifact is not None:
                    found.references.append(Reference(location, ReferenceKind.DATASET, artifact, via))
            else:
                found.short_names.append(ShortName(location, name, via, dataset_dir))


def _scalar(pairs: list[tuple[str, yaml.Node]], key: str) -> str | None:
    for name, node in pairs:
        if name == key and isinstance(node, yaml.ScalarNode):
            return str(node.value)
    return None


def _location(node: yaml.Node, relative: str) -> Location:
    return Location(relative, node.start_mark.line + 1, node.start_mark.column + 1)


def _yaml_values(node: yaml.Node, relative: str, seen: set[int]) -> list[tuple[str, Location]]:
    """Every string under a key: scalars, list items, `path:`/`id:` of dataset entries, mixer keys."""
    found: list[tuple[str, Location]] = []
    if id(node) in seen or len(seen) > 100_000:
        return found
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        location = _location(node, relative)
        values = [p.strip() for p in node.value.split(",")] if "," in node.value else [node.value.strip()]
        found += [(value, location) for value in values]
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _yaml_values(item, relative, seen)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value == "name":  # axolotl `name:` is the dataset's configuration, unless `org/...`
                found += [(t, at) for t, at in _yaml_values(value, relative, seen) if "/" in t]
            elif key_node.value in _ITEM_KEYS:  # axolotl `- path: org/data`, handbook `- id: org/data`
                found += _yaml_values(value, relative, seen)
            elif "/" in str(key_node.value) and isinstance(value, yaml.ScalarNode) and _is_number(value.value):
                found.append((str(key_node.value), _location(key_node, relative)))  # `dataset_mixer: {org/data: 0.5}`
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _json_line_finder(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r'"([^"\\]+)"', line):
            lines.setdefault(match.group(1), number)
    return lines


def _json_config(data: object, relative: str, lines: dict[str, int]) -> FileScan:
    found = FileScan()
    if not isinstance(data, dict):
        return found
    tool = config_tool(set(data))
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        if is_output_name(key):
            if isinstance(value, str):
                found.local_outputs.add(value.strip().strip("./").lower())
                if key in HUB_OUTPUT_NAMES:
                    artifact = hub_value(value, ReferenceKind.MODEL, bare=True)
                    if artifact is not None:
                        location = Location(relative, lines.get(value, 1))
                        found.produced.append(Reference(location, ReferenceKind.MODEL, artifact, f"{tool} {key}"))
            continue
        kind = config_key_kind(key)
        if kind is not None:
            found.references += _json_values(value, relative, lines, kind, f"{tool} {key}")
    return found


def _json_values(value: object, relative: str, lines: dict[str, int], kind: ReferenceKind, via: str) -> list[Reference]:
    if isinstance(value, str):
        found = []
        for name in (p.strip() for p in value.split(",")):
            artifact = hub_value(name, kind, bare=kind is ReferenceKind.MODEL)
            if artifact is not None:
                found.append(Reference(Location(relative, lines.get(value, 1)), kind, artifact, via))
        return found
    if isinstance(value, list):
        return [r for item in value[:1000] for r in _json_values(item, relative, lines, kind, via)]
    if isinstance(value, dict):
        return [r for k in _ITEM_KEYS if k in value for r in _json_values(value[k], relative, lines, kind, via)]
    return []
