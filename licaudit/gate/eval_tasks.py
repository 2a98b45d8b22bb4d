"""Evaluation-harness task configs (lm-evaluation-harness): `dataset_path` names the Hub dataset,
`dataset_name` only its configuration, and `include:` pulls the keys of a template file, often one
without a `.yaml` suffix (`_default_template_yaml`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

# Keys only a task config has: with `dataset_path` or `include`, the file is an evaluation task.
TASK_KEYS = frozenset({"task", "include", "doc_to_text", "doc_to_target", "output_type", "test_split", "tag"})
MAX_INCLUDE_DEPTH = 5


def is_task_template(name: str) -> bool:
    """A template read by `include:` that has no YAML suffix, by the harness's naming (`*_yaml`)."""
    return name.endswith("_yaml") and not name.startswith(".")


def included_dataset_paths(config: Path, include: str, depth: int = 0) -> list[str]:
    """The `dataset_path` an `include:` brings in (following includes of includes), or [] if none."""
    if depth >= MAX_INCLUDE_DEPTH or not include or "\x00" in include:
        return []
    target = (config.parent / include).resolve()
    keys = _template_keys(str(target))
    if keys is None:
        return []
    path = keys.get("dataset_path")
    if isinstance(path, str):
        return [path]
    nested = keys.get("include")
    return included_dataset_paths(target, nested, depth + 1) if isinstance(nested, str) else []


@lru_cache(maxsize=256)
def _template_keys(path: str) -> dict[str, object] | None:
    """A template's top-level keys (a harness folder includes one template from dozens of tasks)."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(1_000_001)
    except OSError:
        return None
    if len(raw) > 1_000_000:
        return None
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_IgnoringLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


class _IgnoringLoader(yaml.SafeLoader):
    """Safe loading that reads the harness's `!function utils.process` tags as plain text."""


_IgnoringLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
