"""The plugin contract: a subsystem declares what it consumes and produces, its typed config, and `run`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import LicauditError


class PluginError(LicauditError):
    """A plugin could not be loaded, configured or run."""


class PluginLoadError(PluginError):
    """An entry point in `licaudit.plugins` failed to import or is not a subsystem."""

    def __init__(self, name: str, target: str, reason: str) -> None:
        self.name = name
        self.target = target
        super().__init__(f"plugin {name!r} ({target}) failed to load: {reason}")


class ConfigError(PluginError):
    """A run config that cannot be honoured; names the file and the key."""

    def __init__(self, source: Path | str, key: str, message: str) -> None:
        self.source = str(source)
        self.key = key
        super().__init__(f"{source}: `{key}`: {message}")


class RunFailedError(PluginError):
    """The subsystem started and could not finish; the output is marked incomplete."""


@dataclass(frozen=True)
class InputSpec:
    """One artifact a run consumes: by id (looked up in the registry), local path, or both.

    `license` may declare the terms of a local file the user owns (evidence: the config file);
    a registry record for `id` always wins over it.
    """

    role: str  # base_model, dataset, seed_tasks, teacher, eval_task, judge, generations
    kind: ArtifactKind
    id: str | None = None
    path: Path | None = None
    revision: str | None = None
    license: str | None = None
    endpoint: str | None = None  # an HTTP API the run will call (teacher or judge)
    model: str | None = None  # the model name sent to that API

    @property
    def label(self) -> str:
        return self.id or (str(self.path) if self.path is not None else self.endpoint or self.role)


@dataclass(frozen=True)
class PlannedInput:
    spec: InputSpec
    relation: Relation  # read "output <relation> input"


@dataclass(frozen=True)
class OutputSpec:
    path: Path
    id: str | None = None
    license: str | None = None  # an extra license the author adds (ANDed with the computed one)
    name: str | None = None


@dataclass(frozen=True)
class RunPlan:
    """The inputs and the planned output node, before anything starts."""

    subsystem: str
    kind: ArtifactKind  # what the output is
    inputs: tuple[PlannedInput, ...]
    output: OutputSpec
    config_source: str

    @property
    def output_id(self) -> str:
        return self.output.id or f"local/{self.output.path.resolve().name}"


@dataclass
class RunContext:
    """What a subsystem gets while it runs: where to write and how to report progress."""

    plan: RunPlan
    output_dir: Path
    log: Callable[[str], None] = field(default=lambda _message: None)


@dataclass(frozen=True)
class RunOutcome:
    """What the run reports back; `summary` goes into the provenance file's `run` block."""

    summary: dict[str, Any]


ConfigT = TypeVar("ConfigT")


@runtime_checkable
class Subsystem(Protocol[ConfigT]):
    """A run licaudit can gate. Heavy libraries are imported inside `run`, never at import time."""

    name: str
    summary: str
    extra: str  # the pip extra that installs what `run` needs
    requires: tuple[str, ...]  # importable modules `run` needs
    consumes: tuple[str, ...]  # input roles, e.g. ("base_model", "dataset")
    produces: ArtifactKind

    def parse_config(self, data: Mapping[str, Any], source: Path) -> ConfigT: ...

    def plan(self, config: ConfigT) -> RunPlan: ...

    def run(self, config: ConfigT, context: RunContext) -> RunOutcome: ...
