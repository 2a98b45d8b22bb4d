"""Untrusted text made safe for a terminal: control characters and escape sequences removed."""

from __future__ import annotations

import re

# ANSI/VT escape sequences first (so their parameters go too), then any other control character.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MAX_FIELD_CHARS = 2000


def clean_text(text: object, limit: int = MAX_FIELD_CHARS) -> str:
    """Printable text only, bounded; newlines and tabs become spaces."""
    value = str(text)
    value = _CONTROL.sub("", _ESCAPES.sub("", value)).replace("\n", " ").replace("\t", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"
