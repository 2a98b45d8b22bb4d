"""`licaudit run`: plan -> gate -> (refuse, having started nothing) or run -> provenance."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licaudit.knowledge import Knowledge
from licaudit.plugins.api import PluginError, RunContext, RunFailedError, RunOutcome, RunPlan, Subsystem
from licaudit.plugins.discovery import missing_requirements
from licaudit.plugins.provenance_record import now, provenance_document, write_card, write_provenance
from licaudit.plugins.run_gate import PolicySettings, RunGateResult, gate_plan
from licaudit.sources.local.run_provenance import PROVENANCE_FILE, RunStatus

# Files that mean "a model or dataset already lives here".
_OUTPUT_MARKERS = (
    PROVENANCE_FILE, "config.json", "adapter_config.json", "model.safetensors", "pytorch_model.bin",
    "adapter_model.safetensors", "data.jsonl", "results.json", "scores.jsonl",
)  # fmt: skip


class OutputExistsError(PluginError):
    def __init__(self, folder: Path, marker: str) -> None:
        self.folder = folder
        super().__init__(f"output folder {folder} already holds {marker}; pass --overwrite to replace it")


@dataclass(frozen=True)
class RunReport:
    decision: RunGateResult
    started: bool
    outcome: RunOutcome | None
    provenance: Path | None


def check_output_folder(folder: Path, overwrite: bool) -> None:
    if overwrite or not folder.exists():
        return
    if not folder.is_dir():
        raise OutputExistsError(folder, "a file of that name")
    for marker in _OUTPUT_MARKERS:
        if (folder / marker).exists():
            raise OutputExistsError(folder, marker)
    if any(folder.glob("*.safetensors")):
        raise OutputExistsError(folder, "safetensors weights")


def plan_and_gate(
    plugin: Subsystem[Any], config: object, settings: PolicySettings, knowledge: Knowledge
) -> tuple[RunPlan, RunGateResult]:
    plan = plugin.plan(config)
    return plan, gate_plan(plan, settings, knowledge)


def run_subsystem(
    plugin: Subsystem[Any],
    raw_config: Mapping[str, Any],
    config_path: Path,
    settings: PolicySettings,
    knowledge: Knowledge,
    overwrite: bool = False,
    dry_run: bool = False,
    log: Callable[[str], None] = lambda _m: None,
    output_override: Path | None = None,
) -> RunReport:
    config = plugin.parse_config(raw_config, config_path)
    if output_override is not None:
        config = _with_output(config, output_override)
    plan, decision = plan_and_gate(plugin, config, settings, knowledge)
    if not decision.allowed or dry_run:
        return RunReport(decision, False, None, None)
    check_output_folder(plan.output.path, overwrite)
    missing = missing_requirements(plugin)
    if missing:
        raise PluginError(
            f"subsystem {plugin.name!r} needs {', '.join(missing)}: "
            f'pip install "licaudit-lineage[{plugin.extra}]" (torch first: pip install torch)'
        )
    started_at = now()
    folder = plan.output.path
    write_provenance(folder, provenance_document(decision, plugin.name, RunStatus.RUNNING, started_at))
    try:
        outcome = plugin.run(config, RunContext(plan, folder, log))
    except BaseException as error:  # interruption included: the record must say incomplete
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        document = provenance_document(decision, plugin.name, RunStatus.INCOMPLETE, started_at, detail)
        write_provenance(folder, document)
        write_card(folder, document)
        if isinstance(error, (PluginError, KeyboardInterrupt)):
            raise
        raise RunFailedError(f"{plugin.name} failed: {detail}; {folder} is marked incomplete") from error
    document = provenance_document(decision, plugin.name, RunStatus.COMPLETE, started_at, run=outcome.summary)
    write_card(folder, document)
    path = write_provenance(folder, document)  # last: `complete` only once everything is written
    return RunReport(decision, True, outcome, path)


def _with_output(config: object, folder: Path) -> object:
    from dataclasses import is_dataclass, replace

    from licaudit.plugins.api import OutputSpec

    output = getattr(config, "output", None)
    if not is_dataclass(config) or isinstance(config, type) or not isinstance(output, OutputSpec):
        raise PluginError("this subsystem's config has no `output` to override")
    return replace(config, output=replace(output, path=folder))
