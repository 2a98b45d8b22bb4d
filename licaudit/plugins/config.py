"""Run configs: a YAML or JSON file read into plain mappings, then into each subsystem's dataclass."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from licaudit.artifacts import ArtifactKind
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec

_INPUT_KEYS = {"id", "path", "revision", "license", "endpoint", "model"}


def read_jsonl(path: Path) -> Iterator[tuple[int, object]]:
    """A run's JSON Lines input, record by record with its line number; blank lines skipped."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                raise ConfigError(path, f"line {number}", f"not JSON: {error}") from error


def load_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, "-", f"cannot read the config: {error}") from error
    try:
        data = yaml.safe_load(text)  # JSON is YAML
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise ConfigError(path, where, f"malformed YAML/JSON: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(path, "-", "the config must be a mapping")
    return {str(k): v for k, v in data.items()}


class Fields:
    """Typed reads from one config mapping; every error names the file and the key."""

    def __init__(self, data: Mapping[str, Any], source: Path, allowed: set[str], prefix: str = "") -> None:
        self.data = data
        self.source = source
        self.prefix = prefix
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ConfigError(source, prefix + unknown[0], f"unknown key; known: {sorted(allowed)}")

    def _key(self, key: str) -> str:
        return self.prefix + key

    def text(self, key: str, default: str | None = None) -> str:
        value = self.opt_text(key)
        if value is None:
            if default is None:
                raise ConfigError(self.source, self._key(key), "is required")
            return default
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            raise ConfigError(self.source, self._key(key), "must be a non-empty string")
        return str(value)

    def integer(self, key: str, default: int, minimum: int = 0) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ConfigError(self.source, self._key(key), f"must be an integer >= {minimum}")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(self.source, self._key(key), "must be a number")
        return float(value)

    def path(self, key: str) -> Path | None:
        value = self.opt_text(key)
        return resolve_path(self.source, value) if value is not None else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in items):
            raise ConfigError(self.source, self._key(key), "must be a string or a list of strings")
        return tuple(items)

    def input(self, key: str, role: str, kind: ArtifactKind, required: bool = True) -> InputSpec | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise ConfigError(self.source, self._key(key), "is required (an id, or a mapping with id/path)")
            return None
        return parse_input(value, self.source, self._key(key), role, kind)

    def inputs(self, key: str, role: str, kind: ArtifactKind) -> tuple[InputSpec, ...]:
        value = self.data.get(key, [])
        items = value if isinstance(value, list) else [value]
        return tuple(parse_input(v, self.source, f"{self._key(key)}[{i}]", role, kind) for i, v in enumerate(items))

    def output(self, key: str = "output") -> OutputSpec:
        value = self.data.get(key)
        if isinstance(value, str):
            value = {"path": value}
        if not isinstance(value, dict):
            raise ConfigError(self.source, self._key(key), "is required: a folder path or {path, id, license}")
        fields = Fields(value, self.source, {"path", "id", "license", "name"}, f"{self._key(key)}.")
        path = fields.path("path")
        if path is None:
            raise ConfigError(self.source, f"{self._key(key)}.path", "is required")
        return OutputSpec(path, fields.opt_text("id"), fields.opt_text("license"), fields.opt_text("name"))

    def mapping(self, key: str, allowed: set[str]) -> Fields:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise ConfigError(self.source, self._key(key), "must be a mapping")
        return Fields(value, self.source, allowed, f"{self._key(key)}.")


def resolve_path(source: Path, value: str) -> Path:
    """Relative paths in a config are relative to the config file's folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (source.parent / path)


def parse_input(value: object, source: Path, key: str, role: str, kind: ArtifactKind) -> InputSpec:
    if isinstance(value, str):
        value = {"id": value}
    if not isinstance(value, dict):
        raise ConfigError(source, key, "must be an id or a mapping with id, path, revision, license")
    fields = Fields(value, source, _INPUT_KEYS, f"{key}.")
    spec = InputSpec(
        role=role,
        kind=kind,
        id=fields.opt_text("id"),
        path=fields.path("path"),
        revision=fields.opt_text("revision"),
        license=fields.opt_text("license"),
        endpoint=fields.opt_text("endpoint"),
        model=fields.opt_text("model"),
    )
    if spec.id is None and spec.path is None:
        raise ConfigError(source, key, "names neither an `id` nor a `path`: licaudit cannot know its terms")
    return spec
