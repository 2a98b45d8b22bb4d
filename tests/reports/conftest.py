"""Traces the export tests share: the shipped Alpaca lineage, a hostile small world and a 500-node one."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from licaudit.knowledge import load_knowledge
from licaudit.pipeline import TraceResult, TraceSettings, trace
from tests.conftest import record, write_world

CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)  # injected: golden files never change with the clock
SCHEMAS = Path(__file__).parent / "schemas"
GOLDEN = Path(__file__).parent / "golden"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored

HOSTILE_ID = "org/evil<b>&\"'x"
HOSTILE_NAME = '<script>alert("pwned")</script> ]]> & "quoted" \x01\x1b[31m'
HOSTILE_LICENSE = "</script><img src=x onerror=alert(1)>"


def _trace(root: Path, records: list[dict[str, Any]], target: str) -> TraceResult:
    rules, registry = write_world(root, records)
    return trace(target, TraceSettings(), load_knowledge(rules, registry))


@pytest.fixture(scope="session")
def alpaca() -> TraceResult:
    return trace("tatsu-lab/alpaca-7b-wdiff", TraceSettings(), load_knowledge())


def hostile_records() -> list[dict[str, Any]]:
    """Unknown and unrecognised licenses, a license choice, markup in names and ids, a cycle, an unresolved parent."""
    evil = record(HOSTILE_ID, HOSTILE_LICENSE, ("finetune", "org/base"))
    evil["name"] = HOSTILE_NAME
    return [
        record(
            "org/app",
            "mit",
            ("finetune", HOSTILE_ID),
            ("trained_on", "datasets/org/data"),
            ("merge", "org/loop-a"),
            ("merge", "org/dual"),
        ),
        record("org/dual", "mit OR cc-by-sa-4.0", declared="MIT"),
        evil,
        record("org/base", "other"),
        record("datasets/org/data", None, ("generated_by", "services/org/api")),
        record("services/org/api", "api-terms"),
        record("org/loop-a", "cc-by-sa-4.0", ("finetune", "org/loop-b")),
        record("org/loop-b", "mit", ("finetune", "org/loop-a"), ("adapter", "org/ghost")),
    ]


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> TraceResult:
    return _trace(tmp_path_factory.mktemp("hostile"), hostile_records(), "org/app")


def big_records(size: int = 500) -> list[dict[str, Any]]:
    """A lineage of `size` artifacts: a heap of models (each with two parents), datasets and services."""
    services = [f"services/org/api-{i}" for i in range(5)]
    datasets = [f"datasets/org/data-{i}" for i in range(95)]
    models = [f"org/model-{i}" for i in range(size - len(services) - len(datasets))]
    licenses = ["mit", "cc-by-sa-4.0", "cc-by-nc-4.0", "capped", "other", None]
    records = [record(s, "api-terms") for s in services]
    for i, dataset in enumerate(datasets):
        parents = [("generated_by", services[i % len(services)])] if i % 3 == 0 else []
        records.append(record(dataset, licenses[i % len(licenses)], *parents))
    relations = ["finetune", "merge", "adapter", "quantized", "distilled_from"]
    for i, model in enumerate(models):
        parents = [
            (relations[(i + k) % len(relations)], models[c])
            for k, c in enumerate((2 * i + 1, 2 * i + 2))
            if c < len(models)
        ]
        if i % 2 == 0:
            parents.append(("trained_on", datasets[i % len(datasets)]))
        if i % 7 == 0:
            parents.append(("evaluated_on", datasets[(i * 3) % len(datasets)]))
        records.append(record(model, licenses[i % 4], *parents))
    # Every dataset and service must hang from the lineage: the last models train on the rest.
    used = {p["id"] for r in records for p in r["parents"]}
    leftovers = [d for d in datasets if d not in used]
    for index, dataset in enumerate(leftovers):
        records[len(services) + len(datasets) + len(models) - 1 - index % 20]["parents"].append(
            {
                "id": dataset,
                "relation": "trained_on",
                "sources": [{"url": "https://example.org/card", "quote": dataset}],
            }
        )
    return records


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> TraceResult:
    result = _trace(tmp_path_factory.mktemp("big"), big_records(), "org/model-0")
    assert len(result.graph) == 500
    return result
