"""Golden files: compared byte for byte; regenerated only on purpose with LICAUDIT_REGENERATE_GOLDEN=1."""

from __future__ import annotations

import os

from tests.reports.conftest import GOLDEN


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LICAUDIT_REGENERATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with LICAUDIT_REGENERATE_GOLDEN=1 once, then review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
