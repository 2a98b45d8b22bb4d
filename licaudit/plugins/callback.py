"""A transformers `TrainerCallback` for users' own training scripts: gate first, provenance after.

Importing this module imports transformers; nothing else in licaudit does at import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from licaudit.artifacts import ArtifactKind
from licaudit.errors import LicauditError
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.plugins.provenance_record import provenance_document, write_card, write_provenance
from licaudit.plugins.run_gate import RunGateResult
from licaudit.plugins.scripts import InputLike, LicenseGateError, gate_inputs
from licaudit.sources.local.run_provenance import RunStatus


class LicauditGateCallback(TrainerCallback):  # type: ignore[misc]
    """Raises `LicenseGateError` in `on_train_begin` (before the first step) when the inputs are
    refused for `use`; writes provenance into each saved checkpoint and, at the end of training,
    into the output folder (`status: complete`). Call `write_provenance(folder)` after your own
    `trainer.save_model(folder)` to record a folder the Trainer does not know."""

    def __init__(
        self,
        inputs: Sequence[InputLike],
        use: str = "commercial",
        *,
        output_dir: Path | str | None = None,
        output_id: str | None = None,
        stance: str = "strict",
        policy_file: Path | None = None,
        knowledge: Knowledge | None = None,
    ) -> None:
        self.inputs = list(inputs)
        self.use = use
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self.output_id = output_id
        self.stance = stance
        self.policy_file = policy_file
        self.knowledge = knowledge or load_knowledge()
        self.decision: RunGateResult | None = None
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")

    def _folder(self, args: TrainingArguments) -> Path:
        return self.output_dir or Path(args.output_dir)

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: object
    ) -> None:
        folder = self._folder(args)
        self.decision = gate_inputs(
            self.inputs,
            self.use,
            produces=ArtifactKind.MODEL,
            output=folder,
            output_id=self.output_id,
            stance=self.stance,
            policy_file=self.policy_file,
            knowledge=self.knowledge,
        )
        if not self.decision.allowed:
            raise LicenseGateError(self.decision)
        write_provenance(folder, self._document(RunStatus.RUNNING, state))

    def on_save(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: object) -> None:
        checkpoint = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if self.decision is not None and checkpoint.is_dir():
            document = self._document(RunStatus.COMPLETE, state, f"checkpoint at step {state.global_step}")
            write_provenance(checkpoint, document)
            write_card(checkpoint, document)

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: object
    ) -> None:
        if self.decision is not None:
            self.write_provenance(self._folder(args), state)

    def write_provenance(self, folder: Path | str, state: TrainerState | None = None) -> Path:
        if self.decision is None:
            raise LicauditError("the gate has not run: attach this callback to a Trainer and train first")
        document = self._document(RunStatus.COMPLETE, state)
        write_card(Path(folder), document)
        return write_provenance(Path(folder), document)

    def _document(self, status: str, state: TrainerState | None, detail: str | None = None) -> dict[str, Any]:
        assert self.decision is not None
        run = {"steps": int(state.global_step)} if state is not None else {}
        return provenance_document(self.decision, "trainer-callback", status, self.started_at, detail, run)
