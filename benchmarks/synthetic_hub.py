"""A synthetic Hugging Face Hub card dump, seeded and reproducible, shaped like the real one.

A few popular base models under their real licenses; finetunes, adapters, quantizations and merges
attach by preferential attachment (power-law fan-out: the popular get most children); licenses are
mostly inherited, sometimes relaxed (the laundering licaudit looks for), sometimes `other` or
missing; a few cards have malformed YAML or no front matter; card bodies have a long-tailed size.
Rows follow librarian-bots `model_cards_with_metadata` / `dataset_cards_with_metadata`.

Run: python benchmarks/synthetic_hub.py OUT_DIR --models N --datasets M [--seed S] [--format jsonl|parquet]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASES = [  # (id, Hub license id, weight of popularity)
    ("meta-llama/Llama-2-7b-hf", "llama2", 30),
    ("meta-llama/Meta-Llama-3-8B", "llama3", 40),
    ("mistralai/Mistral-7B-v0.1", "apache-2.0", 35),
    ("google/gemma-7b", "gemma", 15),
    ("microsoft/phi-2", "mit", 10),
    ("Qwen/Qwen2-7B", "apache-2.0", 25),
    ("tiiuae/falcon-7b", "apache-2.0", 5),
    ("facebook/opt-1.3b", "other", 5),
    ("stabilityai/stable-diffusion-2-1", "openrail++", 10),
    ("CompVis/stable-diffusion-v1-4", "creativeml-openrail-m", 8),
    ("bigscience/bloom-560m", "bigscience-bloom-rail-1.0", 4),
    ("lmsys/vicuna-7b-v1.5", "llama2", 4),
    ("research/nc-base", "cc-by-nc-4.0", 6),
]
CHILD_LICENSES = [  # a child that does not copy its parent's license picks one of these
    ("apache-2.0", 40),
    ("mit", 20),
    (None, 20),
    ("other", 8),
    ("cc-by-4.0", 4),
    ("cc-by-nc-4.0", 4),
    ("openrail", 2),
    ("unlicense", 1),
    ("Apache License 2.0", 1),
]
DATASET_LICENSES = [
    ("cc-by-4.0", 25),
    ("mit", 15),
    ("apache-2.0", 15),
    (None, 20),
    ("cc-by-nc-4.0", 8),
    ("cc-by-sa-4.0", 6),
    ("other", 6),
    ("odc-by", 2),
    ("cc-by-nc-sa-4.0", 2),
    ("openrail", 1),
]
RELATIONS = [("finetune", 45), ("adapter", 25), ("quantized", 20), ("merge", 10)]
WORDS = [
    "model",
    "fine-tuned",
    "on",
    "instruction",
    "data",
    "evaluation",
    "results",
    "training",
    "procedure",
    "hyperparameters",
    "learning",
    "rate",
    "batch",
    "size",
    "intended",
    "uses",
    "limitations",
    "bias",
    "risks",
    "dataset",
    "tokenizer",
    "framework",
    "versions",
    "transformers",
    "pytorch",
    "the",
    "this",
    "with",
    "for",
    "and",
    "from",
    "to",
    "of",
    "in",
    "on",
    "a",
    "an",
    "is",
    "was",
    "were",
    "be",
]


@dataclass(frozen=True)
class HubShape:
    """The knobs; the defaults follow published Hub statistics loosely."""

    root_share: float = 0.25  # models with no base model
    inherit_share: float = 0.6  # children that copy their parent's license
    dataset_share: float = 0.3  # models naming training datasets
    derived_dataset_share: float = 0.1  # datasets naming source datasets
    malformed_share: float = 0.02
    no_front_matter_share: float = 0.08
    model_index_share: float = 0.3  # cards with an eval-results block (nested YAML)
    bases: list[tuple[str, str | None, int]] = field(default_factory=lambda: list(BASES))
    child_licenses: list[tuple[str | None, int]] = field(default_factory=lambda: list(CHILD_LICENSES))
    dataset_licenses: list[tuple[str | None, int]] = field(default_factory=lambda: list(DATASET_LICENSES))


def _pick(rng: random.Random, weighted: list[tuple[object, int]]) -> object:
    return rng.choices([item for item, _ in weighted], weights=[w for _, w in weighted])[0]


def _body(rng: random.Random) -> str:
    # Card sizes are long-tailed: median ~1.5 KB, a few tens of KB.
    size = min(int(rng.lognormvariate(math.log(1500), 1.0)), 60_000)
    words = rng.choices(WORDS, k=max(size // 6, 5))
    return "# Model card\n\n" + " ".join(words) + "\n"


def _front_matter(rng: random.Random, shape: HubShape, fields: dict[str, object]) -> str:
    lines = []
    for key, value in fields.items():
        if value is None or value == []:
            continue
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"- {item}" for item in value)
        else:
            lines.append(f"{key}: {value}")
    if rng.random() < shape.model_index_share:
        lines += [
            "model-index:",
            "- name: results",
            "  results:",
            "  - task:",
            "      type: text-generation",
            "    metrics:",
            "    - type: accuracy",
            f"      value: {rng.random():.4f}",
        ]
    return "\n".join(lines)


def _card(rng: random.Random, shape: HubShape, fields: dict[str, object]) -> str:
    roll = rng.random()
    if roll < shape.no_front_matter_share:
        return _body(rng)
    front = _front_matter(rng, shape, fields)
    if roll < shape.no_front_matter_share + shape.malformed_share:
        front += "\nlicense: [unclosed\n  - {bad"
    return f"---\n{front}\n---\n{_body(rng)}"


def _tags(fields: dict[str, object], relation: str | None, bases: list[str]) -> list[str]:
    tags = ["transformers", "text-generation"]
    if fields.get("license"):
        tags.append(f"license:{fields['license']}")
    tags += [f"base_model:{b}" for b in bases]
    if relation:
        tags += [f"base_model:{relation}:{b}" for b in bases]
    return tags


def generate(
    models: int, datasets: int, seed: int = 0, shape: HubShape | None = None
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Model rows and dataset rows, identical for the same arguments."""
    return list(iter_models(models, datasets, seed, shape)), list(iter_datasets(datasets, seed, shape))


def iter_datasets(count: int, seed: int = 0, shape: HubShape | None = None) -> Iterator[dict[str, object]]:
    shape = shape or HubShape()
    rng = random.Random(f"datasets-{seed}")
    for index in range(count):
        license_ = _pick(rng, shape.dataset_licenses)  # type: ignore[arg-type]
        sources = []
        if index and rng.random() < shape.derived_dataset_share:
            source = rng.randrange(index)
            sources = [f"ds-org{source % 997}/dataset-{source}"]
        fields: dict[str, object] = {"license": license_, "source_datasets": sources}
        yield {
            "datasetId": f"ds-org{index % 997}/dataset-{index}",
            "author": f"ds-org{index % 997}",
            "last_modified": f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}T00:00:00.000Z",
            "downloads": int(rng.paretovariate(1.1)) - 1,
            "likes": int(rng.paretovariate(1.5)) - 1,
            "tags": [f"license:{license_}"] if license_ else [],
            "createdAt": "2023-06-01T00:00:00.000Z",
            "card": _card(rng, shape, fields),
        }


def iter_models(
    count: int, dataset_count: int = 0, seed: int = 0, shape: HubShape | None = None
) -> Iterator[dict[str, object]]:
    shape = shape or HubShape()
    rng = random.Random(f"models-{seed}")
    licenses: list[str | None] = []
    ids: list[str] = []
    # Preferential attachment: a node appears once, plus once per child (weighted for bases).
    pool: list[int] = []
    for index in range(count):
        relation: str | None = None
        bases: list[int] = []
        if index < len(shape.bases):
            model_id, license_, weight = shape.bases[index]
            pool.extend([index] * weight)
        else:
            model_id = f"org{index % 4999}/model-{index}"
            if pool and rng.random() >= shape.root_share:
                relation = str(_pick(rng, RELATIONS))  # type: ignore[arg-type]
                wanted = rng.randint(2, 3) if relation == "merge" else 1
                bases = sorted({rng.choice(pool) for _ in range(wanted)})
            if bases and rng.random() < shape.inherit_share:
                license_ = licenses[bases[0]]
            else:
                license_ = _pick(rng, shape.child_licenses)  # type: ignore[assignment]
            pool.append(index)
            pool.extend(bases)
        ids.append(model_id)
        licenses.append(license_)
        trained_on = []
        if dataset_count and rng.random() < shape.dataset_share:
            trained_on = [
                f"ds-org{d % 997}/dataset-{d}"
                for d in sorted({min(int(rng.paretovariate(0.8)) - 1, dataset_count - 1) for _ in range(2)})
            ]
        base_ids = [ids[b] for b in bases]
        fields: dict[str, object] = {
            "license": license_,
            "base_model": base_ids if len(base_ids) > 1 else (base_ids[0] if base_ids else None),
            "base_model_relation": relation if relation and rng.random() < 0.5 else None,
            "datasets": trained_on,
            "library_name": "transformers",
            "pipeline_tag": "text-generation",
        }
        yield {
            "modelId": model_id,
            "author": model_id.split("/")[0],
            "last_modified": f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}T00:00:00.000Z",
            "downloads": int(rng.paretovariate(0.9)) - 1,
            "likes": int(rng.paretovariate(1.5)) - 1,
            "library_name": "transformers",
            "tags": _tags(fields, relation, base_ids),
            "pipeline_tag": "text-generation",
            "createdAt": "2023-06-01T00:00:00.000Z",
            "card": _card(rng, shape, fields),
        }


def deep_lineage(hops: int = 20, datasets_per_hop: int = 4, prefix: str = "deep") -> list[dict[str, object]]:
    """A chain of `hops` finetunes, each trained on its own datasets: hops * (1 + datasets) ancestors."""
    rows: list[dict[str, object]] = []
    for hop in range(hops + 1):
        parent = f"{prefix}/chain-{hop - 1:02d}" if hop else None
        data = [f"{prefix}-data/hop{hop:02d}-{d}" for d in range(datasets_per_hop)] if hop else []
        front = ["license: apache-2.0" if hop % 2 else "license: mit"]
        if parent:
            front += [f"base_model: {parent}", "base_model_relation: finetune", "datasets:", *[f"- {d}" for d in data]]
        rows.append(
            {
                "modelId": f"{prefix}/chain-{hop:02d}",
                "downloads": hop,
                "tags": [],
                "card": "---\n" + "\n".join(front) + "\n---\n# deep\n",
            }
        )
        rows.extend(
            {"datasetId": d, "downloads": 1, "tags": [], "card": "---\nlicense: cc-by-4.0\n---\n"} for d in data
        )
    return rows


def write_rows(rows: Iterator[dict[str, object]] | list[dict[str, object]], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        written = 0
        writer = None
        batch: list[dict[str, object]] = []
        for row in itertools.chain(rows, [None]):
            if row is not None:
                batch.append(row)
            if batch and (row is None or len(batch) >= 50_000):
                table = pa.Table.from_pylist(batch)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table.cast(writer.schema))
                written += len(batch)
                batch = []
        if writer is not None:
            writer.close()
        return written
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--datasets", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl")
    args = parser.parse_args()
    models = write_rows(iter_models(args.models, args.datasets, args.seed), args.out / f"models.{args.format}")
    datasets = write_rows(iter_datasets(args.datasets, args.seed), args.out / f"datasets.{args.format}")
    print(f"wrote {models:,} model rows and {datasets:,} dataset rows to {args.out}")


if __name__ == "__main__":
    main()
