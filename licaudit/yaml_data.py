"""Line-aware, safe YAML loading for data files: every mapping remembers where it starts."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licaudit.errors import DataFileError

if TYPE_CHECKING:
    import yaml

MAX_DATA_FILE_BYTES = 2_000_000


class LineDict(dict[str, Any]):
    """A YAML mapping that knows the 1-based line it starts on."""

    line: int = 0


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    return mapping


@functools.cache
def _line_loader() -> type[yaml.SafeLoader]:
    """The loader class, built on first use: importing PyYAML costs ~25 ms of start-up, and a run
    whose parsed-data cache is warm never parses YAML."""
    import yaml

    try:  # libyaml's parser is about ten times faster than the pure-Python one
        base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        base = yaml.SafeLoader

    class LineLoader(base):  # type: ignore[misc,valid-type]
        pass

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return LineLoader


def load_yaml_file(path: Path) -> object:
    """Parse one data file; syntax errors become a `DataFileError` naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataFileError(path, None, f"cannot read: {error.strerror}") from error
    if len(raw) > MAX_DATA_FILE_BYTES:
        raise DataFileError(path, None, f"larger than {MAX_DATA_FILE_BYTES} bytes")
    return load_yaml_text(raw.decode("utf-8", errors="replace"), path)


def load_yaml_text(text: str, path: Path | str) -> object:
    import yaml

    try:
        return yaml.load(text, Loader=_line_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = str(error.problem or error)
        if error.context and error.context_mark is not None and error.context_mark is not mark:
            detail += f" ({error.context} started at line {error.context_mark.line + 1})"
        raise DataFileError(path, line, f"invalid YAML: {detail}") from error
    except yaml.YAMLError as error:
        raise DataFileError(path, None, f"invalid YAML: {error}") from error


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """Data files in a stable order, so results never depend on directory order."""
    # Joined, then sorted as Paths sort (part by part), as strings: building and comparing a few
    # hundred Path objects was a tenth of loading the knowledge on every run.
    found = [
        os.path.join(top, name)  # noqa: PTH118 - strings on purpose, see above
        for top, _dirs, names in os.walk(folder)
        for name in names
        if name.endswith(".yaml")
    ]
    found.sort(key=lambda path: os.path.normcase(path).split(os.sep))  # noqa: PTH206
    for path in found:
        yield Path(path)


class Fields:
    """Typed access to one mapping of a data file, with `file:line` errors."""

    def __init__(self, data: object, path: Path, what: str, line: int | None = None) -> None:
        if not isinstance(data, dict):
            raise DataFileError(path, line, f"{what} must be a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.path = path
        self.what = what
        self.line = data.line if isinstance(data, LineDict) else line

    def error(self, message: str) -> DataFileError:
        return DataFileError(self.path, self.line, f"{self.what}: {message}")

    def reject_unknown(self, allowed: Set[str]) -> None:
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise self.error(f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"`{key}` must be a non-empty string")
        return value.strip()

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.error(f"`{key}` must be a string")
        stripped: str = value.strip()
        return stripped or None

    def choice(self, key: str, allowed: Set[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.error(f"`{key}` is {value!r}; allowed: {sorted(allowed)}")
        return value

    def text_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            raise self.error(f"`{key}` must be a list of strings")
        return [str(v) for v in value]

    def mappings(self, key: str) -> list[Fields]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f"`{key}` must be a list")
        return [Fields(item, self.path, f"{self.what}.{key}[{i}]", self.line) for i, item in enumerate(value)]

    def mapping(self, key: str) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        return Fields(value, self.path, f"{self.what}.{key}", self.line)

    def schema_version(self, supported: int = 1) -> None:
        version = self.data.get("schema_version")
        if version != supported:
            raise self.error(f"`schema_version` must be {supported} (got {version!r})")
