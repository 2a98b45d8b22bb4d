"""`judge`: G-Eval-style scoring of generations by a judge model or API (Liu et al., 2023).

The judge gets the task, the criterion, chain-of-thought evaluation steps (written by the judge
itself when the config gives none) and one generation, and fills in a score. A local judge's
score is the probability-weighted sum over the score tokens, as in G-Eval; an API judge's is the
mean of `samples` sampled scores. The scores are the judge's output: `generated_by` the judge, so
its terms are recorded; `derived_from` the generations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec, PlannedInput, RunContext, RunOutcome, RunPlan
from licaudit.plugins.config import Fields, read_jsonl

_KEYS = {"judge", "generations", "output", "criterion", "description", "steps", "samples", "scale", "request_timeout"}
_SCORE = re.compile(r"\b([1-9])\b")


@dataclass(frozen=True)
class JudgeConfig:
    source: Path
    judge: InputSpec
    generations: InputSpec
    output: OutputSpec
    criterion: str = "coherence"
    description: str = "the collective quality of all sentences: well-structured, well-organised and on topic"
    steps: tuple[str, ...] = ()
    samples: int = 5
    scale: int = 5
    request_timeout: float = 30.0


class JudgeSubsystem:
    name = "judge"
    summary = "G-Eval-style scoring of generations by a judge model or OpenAI-compatible API"
    extra = "judge"
    requires = ()
    consumes = ("judge", "generations")
    produces = ArtifactKind.DATASET

    def parse_config(self, data: Mapping[str, Any], source: Path) -> JudgeConfig:
        fields = Fields(data, source, _KEYS)
        raw_judge = data.get("judge")
        kind = (
            ArtifactKind.MODEL if isinstance(raw_judge, dict) and "endpoint" not in raw_judge else ArtifactKind.SERVICE
        )
        judge = fields.input("judge", "judge", kind)
        generations = fields.input("generations", "generations", ArtifactKind.DATASET)
        assert judge is not None and generations is not None
        if judge.endpoint is None and judge.path is None:
            raise ConfigError(source, "judge", "needs an `endpoint` (OpenAI-compatible API) or a local model `path`")
        if judge.endpoint is not None and judge.id is None:
            raise ConfigError(source, "judge.id", "name the service whose terms apply, e.g. services/openai/gpt-4")
        if generations.path is None:
            raise ConfigError(source, "generations.path", "a local JSONL of {source, output} records is required")
        scale = fields.integer("scale", 5, minimum=2)
        if scale > 9:
            raise ConfigError(source, "scale", "must be at most 9 (single-digit scores)")
        return JudgeConfig(
            source=source,
            judge=judge,
            generations=generations,
            output=fields.output(),
            criterion=fields.text("criterion", "coherence"),
            description=fields.text("description", JudgeConfig.description),
            steps=fields.texts("steps"),
            samples=fields.integer("samples", 5, minimum=1),
            scale=scale,
            request_timeout=fields.number("request_timeout", 30.0),
        )

    def plan(self, config: JudgeConfig) -> RunPlan:
        inputs = (
            PlannedInput(config.generations, Relation.DERIVED_FROM),
            PlannedInput(config.judge, Relation.GENERATED_BY),
        )
        return RunPlan(self.name, ArtifactKind.DATASET, inputs, config.output, str(config.source))

    def run(self, config: JudgeConfig, context: RunContext) -> RunOutcome:
        from licaudit.plugins.builtin.teachers import LocalGenerator, TeacherError, make_generator

        judge = make_generator(config.judge, config.source, "judge", config.request_timeout, 0)
        assert config.generations.path is not None
        rows = _read_generations(config.generations.path)
        steps = list(config.steps)
        if not steps:  # G-Eval's auto chain-of-thought: the judge writes its own evaluation steps
            text = judge.complete(
                f"Task: rate a text for {config.criterion} ({config.description}) on a scale of 1 to "
                f"{config.scale}.\nWrite the evaluation steps, one per line:",
                200,
                0.0,
            )
            steps = [line.strip(" -*0123456789.") for line in text.splitlines() if line.strip(" -*0123456789.")][:8]
        labels = [str(i) for i in range(1, config.scale + 1)]
        scored: list[dict[str, Any]] = []
        for row in rows:
            prompt = g_eval_prompt(config, steps, row)
            if isinstance(judge, LocalGenerator):
                distribution = judge.score_distribution(prompt, labels)
                score = sum(int(label) * p for label, p in distribution.items())
            else:
                values = [parse_score(judge.complete(prompt, 5, 1.0), config.scale) for _ in range(config.samples)]
                valid = [v for v in values if v is not None]
                if not valid:
                    raise TeacherError(f"the judge gave no score in 1..{config.scale} for record {len(scored) + 1}")
                score = sum(valid) / len(valid)
            scored.append({**row, "criterion": config.criterion, "score": round(score, 4)})
        context.output_dir.mkdir(parents=True, exist_ok=True)
        with (context.output_dir / "scores.jsonl").open("w", encoding="utf-8") as handle:
            for record in scored:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        mean = sum(r["score"] for r in scored) / len(scored)
        return RunOutcome({"criterion": config.criterion, "records": len(scored), "mean_score": mean, "steps": steps})


def g_eval_prompt(config: JudgeConfig, steps: list[str], row: dict[str, Any]) -> str:
    numbered = "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
    return (
        f"You will be given one text. Rate it on one metric.\n\nEvaluation Criteria:\n\n"
        f"{config.criterion.title()} (1-{config.scale}) - {config.description}\n\n"
        f"Evaluation Steps:\n\n{numbered}\n\nSource:\n\n{row.get('source', '')}\n\nText:\n\n{row['output']}\n\n"
        f"Evaluation Form (scores ONLY):\n\n- {config.criterion.title()}:"
    )


def parse_score(text: str, scale: int) -> int | None:
    match = _SCORE.search(text)
    if match is None or not 1 <= int(match.group(1)) <= scale:
        return None
    return int(match.group(1))


def _read_generations(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, row in read_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("output"), str):
            raise ConfigError(path, f"line {number}", "needs an `output` string (and optionally `source`)")
        rows.append(row)
    if not rows:
        raise ConfigError(path, "-", "holds no generations")
    return rows


SUBSYSTEM = JudgeSubsystem()
