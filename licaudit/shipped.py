"""Where the shipped rules/ and registry/ folders are: inside the wheel, or beside the source."""

from __future__ import annotations

from pathlib import Path

from licaudit.errors import DataFileError

_PACKAGE = Path(__file__).resolve().parent


def shipped_folder(name: str) -> Path:
    """`rules` or `registry`: the wheel copy (licaudit/_data) first, else the source checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise DataFileError(name, None, "folder missing from this installation (reinstall licaudit)")
