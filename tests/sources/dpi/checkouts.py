"""Small checkouts in the Data Provenance Collection's format, written by the tests themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LICENSE_CLASSES = {
    "CC BY-NC 4.0": ["NC", "1", "0"],
    "MIT License": ["All", "1", "0"],
    "Apache License 2.0": ["All", "1", "0"],
    "OpenAI": ["NC", "?", "?"],
    "Unspecified": ["Unspecified", "0", "0"],
    "Non Commercial": ["NC", "0", "0"],
}
CUSTOM_CLASSES = {"https://example.org/terms": ["Acad", "1", "0"]}
MODEL_GROUPS = {"OpenAI": ["OpenAI ChatGPT", "OpenAI GPT-4", "OpenAI GPT-3"], "Other": ["BART", "Templates"]}


def dataset(uid: str, collection: str, hub: str = "", **fields: Any) -> dict[str, Any]:
    """One entry as `data_summaries/<collection>.json` writes it (the fields licaudit reads, and a few more)."""
    entry: dict[str, Any] = {
        "Unique Dataset Identifier": uid,
        "Dataset Name": fields.pop("name", uid),
        "Collection": collection,
        "Hugging Face URL": hub,
        "Languages": ["English"],
        "Model Generated": fields.pop("generated", []),
        "Derived from Datasets": fields.pop("derived", []),
        "Licenses": [
            {"License": name, "License URL": url} for name, url in fields.pop("licenses", [("MIT License", "")])
        ],
        "License Notes": fields.pop("notes", ""),
        "Inferred Metadata": {"HF Yaml License": fields.pop("card", ""), "HF Date": "2023-09-01"},
    }
    entry.update(fields)
    return entry


def write_checkout(root: Path, collections: dict[str, list[dict[str, Any]]]) -> Path:
    """A checkout: `constants/` and one `data_summaries/<name>.json` per collection."""
    (root / "constants").mkdir(parents=True, exist_ok=True)
    (root / "data_summaries").mkdir(exist_ok=True)
    for name, document in (
        ("license_classes.json", LICENSE_CLASSES),
        ("custom_license_classes.json", CUSTOM_CLASSES),
        ("model_groups.json", MODEL_GROUPS),
    ):
        (root / "constants" / name).write_text(json.dumps(document), encoding="utf-8")
    (root / "data_summaries" / "_template.json").write_text('{"x": {"Licenses": "not read"}}', encoding="utf-8")
    for name, entries in collections.items():
        write_summary(root, name, entries)
    return root


def write_summary(root: Path, name: str, entries: list[dict[str, Any]]) -> None:
    document = {entry["Unique Dataset Identifier"]: entry for entry in entries}
    (root / "data_summaries" / f"{name}.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
