"""Artifact references: a model, dataset, service or local folder named in text, parsed once."""

from __future__ import annotations

import re

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9_.\-]+)?$")


def is_hub_id(text: str) -> bool:
    return bool(_HUB_ID.match(text)) and not text.endswith((".json", ".yaml", ".yml", ".bin", ".safetensors"))
