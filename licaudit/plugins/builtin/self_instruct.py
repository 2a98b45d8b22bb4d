"""`self-instruct`: instruction data bootstrapped from seed tasks by a teacher (Wang et al., 2022).

Rounds of: instruction generation from sampled in-context examples, classification-task
identification, instance generation (output-first for classification), then filtering (ROUGE-L
similarity to the pool, non-text tasks, format checks). Records are written to `data.jsonl`
only when the requested number was reached; before that they live in `data.jsonl.partial`.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec, PlannedInput, RunContext, RunOutcome, RunPlan
from licaudit.plugins.config import Fields, read_jsonl

_KEYS = {
    "seed_tasks", "teacher", "output", "num_instructions", "num_prompt_instructions", "rouge_threshold",
    "max_requests", "request_timeout", "temperature", "seed",
}  # fmt: skip
# Tasks a text-only model cannot do (the paper's blacklist).
NON_TEXT_WORDS = ("image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps",
                  "draw", "plot", "go to", "video", "audio", "flowchart", "diagram")  # fmt: skip
_TASK_LINE = re.compile(r"^\s*(?:Task\s*)?\d+\s*[:.)]\s*(.+?)\s*$", re.IGNORECASE)
_EXAMPLE_SPLIT = re.compile(r"Example\s*\d+\s*:?", re.IGNORECASE)


@dataclass(frozen=True)
class SelfInstructConfig:
    source: Path
    seed_tasks: InputSpec
    teacher: InputSpec
    output: OutputSpec
    num_instructions: int = 20
    num_prompt_instructions: int = 3
    rouge_threshold: float = 0.7
    max_requests: int = 100
    request_timeout: float = 30.0
    temperature: float = 0.7
    seed: int = 0


@dataclass
class Task:
    instruction: str
    instances: list[dict[str, str]] = field(default_factory=list)
    is_classification: bool = False


class SelfInstructSubsystem:
    name = "self-instruct"
    summary = "Self-Instruct data generation from seed tasks with a teacher (local model or OpenAI-compatible API)"
    extra = "self-instruct"
    requires = ("rouge_score",)
    consumes = ("seed_tasks", "teacher")
    produces = ArtifactKind.DATASET

    def parse_config(self, data: Mapping[str, Any], source: Path) -> SelfInstructConfig:
        fields = Fields(data, source, _KEYS)
        seeds = fields.input("seed_tasks", "seed_tasks", ArtifactKind.DATASET)
        teacher_kind = ArtifactKind.SERVICE
        raw_teacher = data.get("teacher")
        if isinstance(raw_teacher, dict) and "endpoint" not in raw_teacher:
            teacher_kind = ArtifactKind.MODEL
        teacher = fields.input("teacher", "teacher", teacher_kind)
        assert seeds is not None and teacher is not None
        if teacher.endpoint is None and teacher.path is None:
            raise ConfigError(source, "teacher", "needs an `endpoint` (OpenAI-compatible API) or a local model `path`")
        if teacher.endpoint is not None and teacher.id is None:
            raise ConfigError(source, "teacher.id", "name the service whose terms apply, e.g. services/openai/gpt-4")
        if seeds.path is None:
            raise ConfigError(source, "seed_tasks.path", "a local seed_tasks.jsonl is required")
        threshold = fields.number("rouge_threshold", 0.7)
        if not 0.0 < threshold <= 1.0:
            raise ConfigError(source, "rouge_threshold", "must be in (0, 1]")
        return SelfInstructConfig(
            source=source,
            seed_tasks=seeds,
            teacher=teacher,
            output=fields.output(),
            num_instructions=fields.integer("num_instructions", 20, minimum=1),
            num_prompt_instructions=fields.integer("num_prompt_instructions", 3, minimum=1),
            rouge_threshold=threshold,
            max_requests=fields.integer("max_requests", 100, minimum=1),
            request_timeout=fields.number("request_timeout", 30.0),
            temperature=fields.number("temperature", 0.7),
            seed=fields.integer("seed", 0),
        )

    def plan(self, config: SelfInstructConfig) -> RunPlan:
        inputs = (
            PlannedInput(config.seed_tasks, Relation.DERIVED_FROM),
            PlannedInput(config.teacher, Relation.GENERATED_BY),
        )
        return RunPlan(self.name, ArtifactKind.DATASET, inputs, config.output, str(config.source))

    def run(self, config: SelfInstructConfig, context: RunContext) -> RunOutcome:
        from licaudit.plugins.builtin.teachers import TeacherError, make_generator

        assert config.seed_tasks.path is not None
        seeds = load_seed_tasks(config.seed_tasks.path)
        teacher = make_generator(config.teacher, config.source, "teacher", config.request_timeout, config.seed)
        rng = random.Random(config.seed)  # noqa: S311 - sampling examples, not secrets
        scorer = RougeL()
        pool = [t.instruction for t in seeds]
        scorer.add_all(pool)
        machine: list[Task] = []
        rejected: dict[str, int] = {}
        requests_made = 0
        partial = context.output_dir / "data.jsonl.partial"
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text("", encoding="utf-8")
        while len(machine) < config.num_instructions and requests_made < config.max_requests:
            examples = sample_prompt_instructions(seeds, machine, config.num_prompt_instructions, rng)
            requests_made += 1
            text = teacher.complete(encode_instruction_prompt(examples), 256, config.temperature)
            for instruction in parse_instructions(text, len(examples)):
                if len(machine) >= config.num_instructions or requests_made >= config.max_requests:
                    break
                problem = instruction_problem(instruction) or scorer.too_similar(instruction, config.rouge_threshold)
                if problem is not None:
                    rejected[problem] = rejected.get(problem, 0) + 1
                    continue
                requests_made += 1
                answer = teacher.complete(encode_classification_prompt(instruction), 8, 0.0)
                task = Task(instruction, is_classification=answer.strip().lower().startswith("yes"))
                requests_made += 1
                text = teacher.complete(encode_instance_prompt(task), 256, 0.0)
                task.instances = parse_instances(text, task.is_classification)
                if not task.instances:
                    rejected["no well-formed instance"] = rejected.get("no well-formed instance", 0) + 1
                    continue
                scorer.add(instruction)
                machine.append(task)
                with partial.open("a", encoding="utf-8") as handle:
                    for record in task_records(task):
                        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        if len(machine) < config.num_instructions:
            reasons = ", ".join(f"{k}: {v}" for k, v in sorted(rejected.items())) or "nothing parseable"
            raise TeacherError(
                f"the teacher produced {len(machine)} usable tasks of {config.num_instructions} requested in "
                f"{requests_made} requests (rejected: {reasons}); the records so far are in {partial.name}, "
                "not passed off as a dataset"
            )
        partial.replace(context.output_dir / "data.jsonl")
        records = sum(len(t.instances) for t in machine)
        return RunOutcome(
            {
                "tasks": len(machine),
                "records": records,
                "classification_tasks": sum(t.is_classification for t in machine),
                "requests": requests_made,
                "rejected": rejected,
                "rouge_threshold": config.rouge_threshold,
                "file": "data.jsonl",
            }
        )


def load_seed_tasks(path: Path) -> list[Task]:
    """The Self-Instruct seed format: {instruction, instances: [{input, output}], is_classification}."""
    tasks: list[Task] = []
    for number, row in read_jsonl(path):
        try:
            record: Any = row
            instances = [{"input": str(i.get("input", "")), "output": str(i["output"])} for i in record["instances"]]
            tasks.append(Task(str(record["instruction"]), instances, bool(record.get("is_classification", False))))
        except (KeyError, TypeError, AttributeError) as error:
            raise ConfigError(path, f"line {number}", f"not a seed task: {error}") from error
    if not tasks:
        raise ConfigError(path, "-", "holds no seed tasks")
    return tasks


def sample_prompt_instructions(seeds: list[Task], machine: list[Task], count: int, rng: random.Random) -> list[str]:
    """Mostly human-written seeds plus a few machine tasks, as in the paper (6 + 2 of 8)."""
    from_machine = min(len(machine), count // 4)
    chosen = rng.sample([t.instruction for t in machine], from_machine) if from_machine else []
    chosen += rng.sample([t.instruction for t in seeds], min(len(seeds), count - from_machine))
    rng.shuffle(chosen)
    return chosen


def encode_instruction_prompt(examples: list[str]) -> str:
    lines = ["Come up with a series of tasks:"]
    lines += [f"Task {i}: {instruction}" for i, instruction in enumerate(examples, 1)]
    lines.append(f"Task {len(examples) + 1}:")
    return "\n".join(lines)


def parse_instructions(text: str, offset: int) -> list[str]:
    """`Task N: ...` lines; the completion continues after the prompt's last `Task N:`."""
    found: list[str] = []
    lines = text.strip().splitlines()
    if lines and not _TASK_LINE.match(lines[0]):
        found.append(lines[0].strip())  # the continuation of "Task {offset+1}:"
        lines = lines[1:]
    for line in lines:
        match = _TASK_LINE.match(line)
        if match:
            found.append(match.group(1))
    del offset
    return [re.sub(r"\s+", " ", f).strip() for f in found if f.strip()]


def instruction_problem(instruction: str) -> str | None:
    """The paper's heuristics: length, non-text tasks, punctuation or non-ASCII starts."""
    words = instruction.split()
    if len(words) <= 3 or len(words) > 150:
        return "too short or too long"
    lowered = instruction.lower()
    if any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in NON_TEXT_WORDS):
        return "non-text task"
    if lowered.startswith("write a program"):
        return "non-text task"
    if not instruction[0].isascii() or not instruction[0].isalnum():
        return "starts with punctuation or a non-ASCII character"
    return None


def encode_classification_prompt(instruction: str) -> str:
    return (
        "Can the following task be regarded as a classification task with finite output labels?\n\n"
        f"Task: {instruction}\nIs it classification?"
    )


def encode_instance_prompt(task: Task) -> str:
    if task.is_classification:
        head = "Given the classification task definition and the class labels, generate an input that corresponds "
        head += "to each of the class labels. Write each as:\nExample 1\nClass label: ...\nInput: ...\n\n"
    else:
        head = "Come up with examples for the following task. Write each as:\nExample 1\nInput: ...\nOutput: ...\n\n"
    return f"{head}Task: {task.instruction}\n"


def parse_instances(text: str, is_classification: bool) -> list[dict[str, str]]:
    """Format checks: every instance needs an output; input and output must differ; bounded sizes."""
    instances: list[dict[str, str]] = []
    for block in _EXAMPLE_SPLIT.split(text):
        if is_classification:
            match = re.search(r"Class label:\s*(.+?)\s*Input:\s*(.*)", block, re.DOTALL | re.IGNORECASE)
            pair = (match.group(2), match.group(1)) if match else None
        else:
            match = re.search(r"Input:\s*(.*?)\s*Output:\s*(.+)", block, re.DOTALL | re.IGNORECASE)
            pair = (match.group(1), match.group(2)) if match else None
        if pair is None:
            continue
        given, output = (part.strip() for part in pair)
        if given.lower() in ("<noinput>", "none", "n/a"):
            given = ""
        if not output or output == given or len(output) > 2000 or len(given) > 2000:
            continue
        instances.append({"input": given, "output": output})
    unique = {(i["input"], i["output"]): i for i in instances}
    return list(unique.values())


def task_records(task: Task) -> list[dict[str, Any]]:
    return [
        {
            "instruction": task.instruction,
            "input": instance["input"],
            "output": instance["output"],
            "is_classification": task.is_classification,
        }
        for instance in task.instances
    ]


class RougeL:
    """ROUGE-L F-measure against every instruction in the pool (rouge-score, as the paper)."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
        self._pool: list[str] = []

    def add(self, instruction: str) -> None:
        self._pool.append(instruction)

    def add_all(self, instructions: list[str]) -> None:
        self._pool.extend(instructions)

    def too_similar(self, instruction: str, threshold: float) -> str | None:
        for existing in self._pool:
            if self._scorer.score(existing, instruction)["rougeL"].fmeasure > threshold:
                return "ROUGE-L too similar to the pool"
        return None


SUBSYSTEM = SelfInstructSubsystem()
