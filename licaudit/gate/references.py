"""References: one place in a repository that loads (or produces) a model or dataset, as the readers report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from licaudit.locations import Location


class ReferenceKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"


@dataclass(frozen=True, order=True)
class Reference:
    """One place that loads a model or dataset. `artifact` is None when it cannot be known statically.

    `template` is set for a name built from parts known only at run time (`"org/llama-{}-hf".format(size)`,
    `f"org/{name}"`): the pattern, with `{}` where the unknown parts go.
    """

    location: Location
    kind: ReferenceKind
    artifact: str | None
    via: str  # what references it: `AutoModel.from_pretrained`, `axolotl base_model`, `manifest`, ...
    expression: str | None = None  # the source text, kept when the value is not a static string
    template: str | None = field(default=None, compare=False)


def reference_order(reference: Reference) -> tuple[object, ...]:
    """A total order for sorting (a None artifact beside a named one at one place must not compare)."""
    return (
        reference.location,
        reference.kind.value,
        reference.artifact or "",
        reference.via,
        reference.expression or "",
    )


@dataclass(frozen=True, order=True)
class SkippedFile:
    location: Location
    message: str


@dataclass(frozen=True, order=True)
class PendingName:
    """A value imported from another module of the repository (`from training.consts import MODEL`):
    resolved once every file is read. `level` counts the dots of a relative import."""

    location: Location
    kind: ReferenceKind
    via: str
    module: str
    name: str
    level: int = 0
    importer: str = ""  # the importing file, relative to the root (for relative imports)


@dataclass(frozen=True, order=True)
class ShortName:
    """A trainer's own name for a dataset (LLaMA-Factory `dataset: alpaca_zh`), looked up in its
    dataset_info.json once every file is read."""

    location: Location
    name: str
    via: str
    dataset_dir: str  # the folder holding dataset_info.json, relative to the root


@dataclass
class FileScan:
    """What one file yields: references, outputs it produces, names to resolve later, its constants."""

    references: list[Reference] = field(default_factory=list)
    produced: list[Reference] = field(default_factory=list)
    local_outputs: set[str] = field(default_factory=set)  # output folders written (output_dir=...)
    pending: list[PendingName] = field(default_factory=list)
    short_names: list[ShortName] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # module-level string constants (Python)
    skipped: SkippedFile | None = None

    def extend(self, other: FileScan) -> None:
        self.references += other.references
        self.produced += other.produced
        self.local_outputs |= other.local_outputs
        self.pending += other.pending
        self.short_names += other.short_names
