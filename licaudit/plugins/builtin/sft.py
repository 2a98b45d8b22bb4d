"""`sft`: supervised fine-tuning of a causal LM with transformers' Trainer or TRL's SFTTrainer, full or LoRA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec, PlannedInput, RunContext, RunOutcome, RunPlan
from licaudit.plugins.config import Fields, read_jsonl

_KEYS = {
    "base_model", "datasets", "output", "method", "trainer", "text_field", "max_steps", "learning_rate",
    "batch_size", "max_length", "seed", "lora",
}  # fmt: skip


@dataclass(frozen=True)
class LoraConfig:
    r: int = 8
    alpha: int = 16
    dropout: float = 0.0
    target_modules: tuple[str, ...] = ()


@dataclass(frozen=True)
class SftConfig:
    source: Path
    base_model: InputSpec
    datasets: tuple[InputSpec, ...]
    output: OutputSpec
    method: str = "full"  # full | lora
    trainer: str = "transformers"  # transformers | trl
    text_field: str = "text"
    max_steps: int = 10
    learning_rate: float = 5e-4
    batch_size: int = 2
    max_length: int = 128
    seed: int = 0
    lora: LoraConfig = LoraConfig()


class SftSubsystem:
    name = "sft"
    summary = "Supervised fine-tuning (transformers Trainer or TRL SFTTrainer), full or LoRA"
    extra = "sft"
    requires = ("torch", "transformers", "datasets", "peft", "trl")
    consumes = ("base_model", "dataset")
    produces = ArtifactKind.MODEL

    def parse_config(self, data: Mapping[str, Any], source: Path) -> SftConfig:
        fields = Fields(data, source, _KEYS)
        method = fields.text("method", "full")
        if method not in ("full", "lora"):
            raise ConfigError(source, "method", "must be `full` or `lora`")
        trainer = fields.text("trainer", "transformers")
        if trainer not in ("transformers", "trl"):
            raise ConfigError(source, "trainer", "must be `transformers` or `trl`")
        base = fields.input("base_model", "base_model", ArtifactKind.MODEL)
        assert base is not None
        datasets = fields.inputs("datasets", "dataset", ArtifactKind.DATASET)
        if not datasets:
            raise ConfigError(source, "datasets", "name at least one training dataset")
        lora = fields.mapping("lora", {"r", "alpha", "dropout", "target_modules"})
        return SftConfig(
            source=source,
            base_model=base,
            datasets=datasets,
            output=fields.output(),
            method=method,
            trainer=trainer,
            text_field=fields.text("text_field", "text"),
            max_steps=fields.integer("max_steps", 10, minimum=1),
            learning_rate=fields.number("learning_rate", 5e-4),
            batch_size=fields.integer("batch_size", 2, minimum=1),
            max_length=fields.integer("max_length", 128, minimum=8),
            seed=fields.integer("seed", 0),
            lora=LoraConfig(
                r=lora.integer("r", 8, minimum=1),
                alpha=lora.integer("alpha", 16, minimum=1),
                dropout=lora.number("dropout", 0.0),
                target_modules=lora.texts("target_modules"),
            ),
        )

    def plan(self, config: SftConfig) -> RunPlan:
        weights = Relation.ADAPTER if config.method == "lora" else Relation.FINETUNE
        inputs = [PlannedInput(config.base_model, weights)]
        inputs += [PlannedInput(d, Relation.TRAINED_ON) for d in config.datasets]
        return RunPlan(self.name, ArtifactKind.MODEL, tuple(inputs), config.output, str(config.source))

    def run(self, config: SftConfig, context: RunContext) -> RunOutcome:
        import torch
        from datasets import Dataset
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.manual_seed(config.seed)
        where = str(config.base_model.path or config.base_model.id)
        tokenizer = AutoTokenizer.from_pretrained(where, revision=config.base_model.revision)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(where, revision=config.base_model.revision)
        texts = [t for spec in config.datasets for t in read_texts(spec, config)]
        context.log(f"sft: {len(texts)} training texts, {config.max_steps} steps, {config.method}, {config.trainer}")
        if config.method == "lora":
            from peft import LoraConfig as PeftLoraConfig
            from peft import get_peft_model

            model = get_peft_model(
                model,
                PeftLoraConfig(
                    r=config.lora.r,
                    lora_alpha=config.lora.alpha,
                    lora_dropout=config.lora.dropout,
                    target_modules=list(config.lora.target_modules) or None,
                    task_type="CAUSAL_LM",
                ),
            )
        scratch = context.output_dir / ".licaudit-checkpoints"
        common: dict[str, Any] = {
            "output_dir": str(scratch),
            "max_steps": config.max_steps,
            "learning_rate": config.learning_rate,
            "per_device_train_batch_size": config.batch_size,
            "save_strategy": "no",
            "report_to": [],
            "logging_steps": 1,
            "use_cpu": not torch.cuda.is_available(),
            "seed": config.seed,
            "disable_tqdm": True,
        }
        if config.trainer == "trl":
            from trl import SFTConfig, SFTTrainer

            trainer: Any = SFTTrainer(
                model=model,
                args=SFTConfig(**common, max_length=config.max_length, dataset_text_field="text"),
                train_dataset=Dataset.from_dict({"text": texts}),
                processing_class=tokenizer,
            )
        else:
            from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

            tokenised = Dataset.from_dict({"text": texts}).map(
                lambda batch: tokenizer(batch["text"], truncation=True, max_length=config.max_length),
                batched=True,
                remove_columns=["text"],
            )
            trainer = Trainer(
                model=model,
                args=TrainingArguments(**common),
                train_dataset=tokenised,
                data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
            )
        result = trainer.train()
        trainer.save_model(str(context.output_dir))
        tokenizer.save_pretrained(str(context.output_dir))
        _remove_tree(scratch)
        return RunOutcome(
            {
                "method": config.method,
                "trainer": config.trainer,
                "steps": int(trainer.state.global_step),
                "training_loss": float(result.training_loss),
                "examples": len(texts),
            }
        )


def read_texts(spec: InputSpec, config: SftConfig) -> list[str]:
    """JSONL records: `text_field`, or Alpaca-style instruction/input/output joined into a prompt."""
    if spec.path is None:
        raise ConfigError(config.source, "datasets", f"{spec.label}: a local `path` to a JSONL file is required")
    path = spec.path / "data.jsonl" if spec.path.is_dir() else spec.path
    texts = [format_example(row, config.text_field, path, number) for number, row in read_jsonl(path)]
    if not texts:
        raise ConfigError(path, "-", "holds no training records")
    return texts


def format_example(row: object, text_field: str, path: Path, number: int) -> str:
    if isinstance(row, dict):
        if isinstance(row.get(text_field), str):
            return str(row[text_field])
        if isinstance(row.get("instruction"), str) and isinstance(row.get("output"), str):
            prompt = f"### Instruction:\n{row['instruction']}\n\n"
            if row.get("input"):
                prompt += f"### Input:\n{row['input']}\n\n"
            return prompt + f"### Response:\n{row['output']}"
    raise ConfigError(path, f"line {number}", f"needs `{text_field}` or `instruction` + `output`")


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


SUBSYSTEM = SftSubsystem()
