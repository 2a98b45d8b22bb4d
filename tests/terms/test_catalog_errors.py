"""Malformed rules files fail with file and line, never silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.errors import DataFileError
from licaudit.terms.catalog import load_catalog


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path, "X.yaml", "schema_version: 1\nid: X\nname: [unclosed\n")
    with pytest.raises(DataFileError) as caught:
        load_catalog(tmp_path)
    assert caught.value.path.endswith("X.yaml") and caught.value.line is not None and caught.value.line >= 3


def test_restrictive_term_without_clause_is_rejected_with_its_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "LicenseRef-X.yaml",
        "schema_version: 1\nid: LicenseRef-X\nname: X\ncategory: non-commercial\ncommercial_use: forbidden\n"
        "terms:\n  - id: nc\n    kind: non_commercial\n",
    )
    with pytest.raises(DataFileError, match="must quote its `clause`") as caught:
        load_catalog(tmp_path)
    assert caught.value.line == 7


def test_unknown_category_lists_the_allowed_ones(tmp_path: Path) -> None:
    _write(tmp_path, "Y.yaml", "schema_version: 1\nid: Y\nname: Y\ncategory: cheerful\ncommercial_use: allowed\n")
    with pytest.raises(DataFileError, match=r"allowed: .*permissive"):
        load_catalog(tmp_path)


def test_an_alias_claimed_by_two_licenses_is_an_error(tmp_path: Path) -> None:
    body = "schema_version: 1\nid: {id}\nname: {id}\ncategory: permissive\ncommercial_use: allowed\naliases: [same]\n"
    _write(tmp_path, "A.yaml", body.format(id="A"))
    _write(tmp_path, "B.yaml", body.format(id="B"))
    with pytest.raises(DataFileError, match="already belongs"):
        load_catalog(tmp_path)
