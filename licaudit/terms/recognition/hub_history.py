"""The Hub's former license ids (rules/hub-license-history.yaml): cards written then still carry them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from licaudit.yaml_data import Fields, load_yaml_file

HUB_HISTORY_FILE = "hub-license-history.yaml"


def load_hub_history(rules_folder: Path, read: Callable[[Path], object] = load_yaml_file) -> dict[str, str]:
    """Former Hub id -> catalog license id ({} when the file is absent, e.g. a user's own rules)."""
    path = rules_folder / HUB_HISTORY_FILE
    if not path.is_file():
        return {}
    fields = Fields(read(path), path, "hub license history")
    fields.schema_version()
    fields.reject_unknown({"schema_version", "source", "ids"})
    history: dict[str, str] = {}
    for entry in fields.mappings("ids"):
        entry.reject_unknown({"id", "license", "listed", "removed"})
        entry.text("listed")
        history[entry.text("id")] = entry.text("license")
    return history
