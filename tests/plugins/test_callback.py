"""The TrainerCallback for users' scripts: aborts before the first step, or records provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licaudit.knowledge import Knowledge, load_knowledge

pytest.importorskip("transformers")


@pytest.fixture
def knowledge(world_dirs: tuple[Path, Path]) -> Knowledge:
    return load_knowledge(*world_dirs)


def tiny_trainer(tiny_gpt2: Path, output_dir: Path, callback: object, max_steps: int = 2) -> object:
    from datasets import Dataset
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
    )

    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2)
    data = Dataset.from_dict({"text": ["the quick brown fox", "a tiny model learns"] * 4}).map(
        lambda b: tokenizer(b["text"]), batched=True, remove_columns=["text"]
    )
    args = TrainingArguments(
        output_dir=str(output_dir), max_steps=max_steps, per_device_train_batch_size=2, report_to=[],
        save_strategy="steps", save_steps=max_steps, use_cpu=True, disable_tqdm=True,
    )  # fmt: skip
    return Trainer(
        model=model,
        args=args,
        train_dataset=data,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
        callbacks=[callback],
    )


def test_the_callback_aborts_a_trainer_before_its_first_step(
    tiny_gpt2: Path, tmp_path: Path, knowledge: Knowledge
) -> None:
    from licaudit.plugins.callback import LicauditGateCallback
    from licaudit.plugins.scripts import LicenseGateError

    callback = LicauditGateCallback(
        ["huggyllama/llama-7b", "datasets/tatsu-lab/alpaca"], "commercial", knowledge=knowledge
    )
    trainer = tiny_trainer(tiny_gpt2, tmp_path / "run", callback)
    with pytest.raises(LicenseGateError) as raised:
        trainer.train()  # type: ignore[attr-defined]
    assert trainer.state.global_step == 0  # type: ignore[attr-defined]
    message = str(raised.value)
    assert "refused this run for commercial use" in message and "huggyllama/llama-7b" in message
    assert not (tmp_path / "run" / "licaudit-provenance.json").exists()


def test_the_callback_writes_provenance_for_checkpoints_and_at_the_end(
    tiny_gpt2: Path, tmp_path: Path, knowledge: Knowledge
) -> None:
    from licaudit.plugins.callback import LicauditGateCallback

    callback = LicauditGateCallback(
        ["local/tiny-gpt2", "datasets/local/tiny-instructions"],
        "commercial",
        output_id="me/scripted",
        knowledge=knowledge,
    )
    trainer = tiny_trainer(tiny_gpt2, tmp_path / "run", callback)
    trainer.train()  # type: ignore[attr-defined]
    checkpoint = tmp_path / "run" / "checkpoint-2"
    assert json.loads((checkpoint / "licaudit-provenance.json").read_text())["status"] == "complete"
    final = json.loads((tmp_path / "run" / "licaudit-provenance.json").read_text())
    assert final["status"] == "complete" and final["run"]["steps"] == 2
    assert final["artifact"]["hub_license"] == "apache-2.0"
    assert [(i["id"], i["relation"]) for i in final["inputs"]] == [
        ("local/tiny-gpt2", "finetune"),
        ("datasets/local/tiny-instructions", "trained_on"),
    ]
