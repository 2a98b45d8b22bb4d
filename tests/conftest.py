"""Shared test worlds: the shipped flow rules with small fixture licenses and registries."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.shipped import shipped_folder

FIXTURES = Path(__file__).parent / "fixtures"
WorldFactory = Callable[[list[dict[str, Any]]], Knowledge]


def record(
    artifact_id: str,
    license_: str | None,
    *parents: tuple[str, str],
    kind: str | None = None,
    declared: str | None = None,
) -> dict[str, Any]:
    """A registry record in the shipped schema; `parents` are (relation, id) pairs."""
    if kind is None:
        kind = (
            artifact_id.split("/", 1)[0].rstrip("s") if artifact_id.startswith(("datasets/", "services/")) else "model"
        )
    return {
        "schema_version": 1,
        "id": artifact_id,
        "kind": kind,
        "license": {
            "expression": license_ if license_ is not None else "unknown",
            "declared": declared,
            "sources": [{"url": "https://example.org/card", "quote": f"license: {license_}"}],
        },
        "parents": [
            {"id": parent, "relation": relation, "sources": [{"url": "https://example.org/card", "quote": parent}]}
            for relation, parent in parents
        ],
    }


def write_world(root: Path, records: list[dict[str, Any]]) -> tuple[Path, Path]:
    rules = root / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    shipped = shipped_folder("rules")
    for name in ("uses.yaml", "relations.yaml"):
        shutil.copy(shipped / name, rules / name)
    shutil.copytree(FIXTURES / "licenses", rules / "licenses", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "questions", rules / "questions", dirs_exist_ok=True)
    registry = root / "registry"
    for rec in records:
        artifact_id = rec["id"]
        folder = {"model": "models", "dataset": "datasets", "service": "services"}[rec["kind"]]
        bare = artifact_id.split("/", 1)[1] if artifact_id.startswith(f"{folder}/") else artifact_id
        path = registry / folder / f"{bare}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rec, sort_keys=False), encoding="utf-8")
    registry.mkdir(exist_ok=True)
    return rules, registry


@pytest.fixture
def world(tmp_path: Path) -> WorldFactory:
    counter = iter(range(1_000_000))

    def make(records: list[dict[str, Any]]) -> Knowledge:
        rules, registry = write_world(tmp_path / f"world{next(counter)}", records)
        return load_knowledge(rules, registry)

    return make


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own licaudit cache, never the user's, and never reaches the real Hub:
    offline unless a test starts the local Hub server (tests/sources/hub_server.py)."""
    monkeypatch.setenv("LICAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("licaudit-cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: a leak fails fast, never leaves the host
    monkeypatch.delenv("HF_TOKEN", raising=False)
