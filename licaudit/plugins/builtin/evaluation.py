"""`eval`: lm-evaluation-harness `simple_evaluate` on tasks whose data is local.

The results are an artifact: `derived_from` each eval set (so the eval sets' licenses are checked
against the intended use of the results), `evaluated_on` each eval set (recorded, passes no
terms), and `generated_by` the evaluated model (its outputs are in the results).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec, PlannedInput, RunContext, RunOutcome, RunPlan
from licaudit.plugins.config import Fields, parse_input

_KEYS = {"model", "tasks", "output", "limit", "batch_size", "num_fewshot", "seed"}


@dataclass(frozen=True)
class EvalTask:
    spec: InputSpec  # the eval set: its id and licence; `path` is the task YAML or its folder
    task: str  # the lm-eval task name


@dataclass(frozen=True)
class EvalConfig:
    source: Path
    model: InputSpec
    tasks: tuple[EvalTask, ...]
    output: OutputSpec
    limit: int | None = None
    batch_size: int = 1
    num_fewshot: int | None = None
    seed: int = 0


class EvalSubsystem:
    name = "eval"
    summary = "lm-evaluation-harness simple_evaluate on local tasks; eval sets checked for the results' use"
    extra = "eval"
    requires = ("torch", "transformers", "lm_eval")
    consumes = ("model", "eval_task")
    produces = ArtifactKind.DATASET

    def parse_config(self, data: Mapping[str, Any], source: Path) -> EvalConfig:
        fields = Fields(data, source, _KEYS)
        model = fields.input("model", "model", ArtifactKind.MODEL)
        assert model is not None
        raw_tasks = data.get("tasks")
        if not isinstance(raw_tasks, list) or not raw_tasks:
            raise ConfigError(source, "tasks", "list the eval tasks: [{id, path, task}]")
        tasks = []
        for index, raw in enumerate(raw_tasks):
            key = f"tasks[{index}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("task"), str):
                raise ConfigError(source, key, "needs `task` (the lm-eval task name) and `id`/`path`")
            rest = {k: v for k, v in raw.items() if k != "task"}
            spec = parse_input(rest, source, key, "eval_task", ArtifactKind.DATASET)
            if spec.path is None:
                raise ConfigError(source, f"{key}.path", "the task YAML (or its folder) must be local")
            tasks.append(EvalTask(spec, raw["task"]))
        limit = data.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise ConfigError(source, "limit", "must be a positive integer")
        fewshot = data.get("num_fewshot")
        if fewshot is not None and (not isinstance(fewshot, int) or isinstance(fewshot, bool) or fewshot < 0):
            raise ConfigError(source, "num_fewshot", "must be an integer >= 0")
        return EvalConfig(
            source=source,
            model=model,
            tasks=tuple(tasks),
            output=fields.output(),
            limit=limit,
            batch_size=fields.integer("batch_size", 1, minimum=1),
            num_fewshot=fewshot,
            seed=fields.integer("seed", 0),
        )

    def plan(self, config: EvalConfig) -> RunPlan:
        inputs = [PlannedInput(config.model, Relation.GENERATED_BY)]
        for task in config.tasks:
            inputs.append(PlannedInput(task.spec, Relation.DERIVED_FROM))
            inputs.append(PlannedInput(task.spec, Relation.EVALUATED_ON))
        return RunPlan(self.name, ArtifactKind.DATASET, tuple(inputs), config.output, str(config.source))

    def run(self, config: EvalConfig, context: RunContext) -> RunOutcome:
        from lm_eval import simple_evaluate
        from lm_eval.tasks import TaskManager

        folders = sorted(
            {str(t.spec.path if t.spec.path.is_dir() else t.spec.path.parent) for t in config.tasks if t.spec.path}
        )
        manager = TaskManager(include_path=folders, include_defaults=False)  # local tasks only: no index of 1000s
        pretrained = str(config.model.path or config.model.id)
        context.log(f"eval: {pretrained} on {', '.join(t.task for t in config.tasks)}")
        results: Any = simple_evaluate(
            model="hf",
            model_args={"pretrained": pretrained, "device": "cpu"},
            tasks=[t.task for t in config.tasks],
            task_manager=manager,
            limit=config.limit,
            batch_size=config.batch_size,
            num_fewshot=config.num_fewshot,
            random_seed=config.seed,
            numpy_random_seed=config.seed,
            torch_random_seed=config.seed,
            fewshot_random_seed=config.seed,
            log_samples=False,
        )
        if not results or "results" not in results:
            raise ConfigError(config.source, "tasks", "lm-eval returned no results")
        scores = json.loads(json.dumps(results["results"], default=str))
        document = {
            "model": pretrained,
            "tasks": [t.task for t in config.tasks],
            "limit": config.limit,
            "results": scores,
        }
        context.output_dir.mkdir(parents=True, exist_ok=True)
        (context.output_dir / "results.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        return RunOutcome({"results": scores, "file": "results.json"})


SUBSYSTEM = EvalSubsystem()
