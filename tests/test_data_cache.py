"""The parsed-data cache: a warm cache skips the YAML parser; any edit, or a mismatched file, does not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from licaudit import data_cache
from licaudit.data_cache import ParsedFileCache


def _files(root: Path) -> list[Path]:
    first, second = root / "a.yaml", root / "b.yaml"
    first.write_text("name: first\n", encoding="utf-8")
    second.write_text("name: second\n", encoding="utf-8")
    return [first, second]


def _fill(files: list[Path], cache: Path) -> None:
    filling = ParsedFileCache(files, cache)
    for path in files:
        filling.read(path)
    filling.save()


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> object:
        raise AssertionError(f"parsed {path} although the cache is warm")

    monkeypatch.setattr(data_cache, "load_yaml_file", refuse)


def test_a_warm_cache_answers_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, cache = _files(tmp_path), tmp_path / "cache"
    _fill(files, cache)
    _no_parsing(monkeypatch)
    warm = ParsedFileCache(reversed(files), cache)  # the order files are listed in does not matter
    assert [warm.read(path) for path in files] == [{"name": "first"}, {"name": "second"}]


def test_an_edit_invalidates_the_snapshot_and_replaces_it(tmp_path: Path) -> None:
    files, cache = _files(tmp_path), tmp_path / "cache"
    _fill(files, cache)
    files[0].write_text("name: edited, and longer\n", encoding="utf-8")
    edited = ParsedFileCache(files, cache)
    assert edited.read(files[0]) == {"name": "edited, and longer"}
    edited.read(files[1])
    edited.save()
    assert [p.name for p in cache.glob("data-*.json")] == [edited.location.name]  # the stale one is gone


def test_a_snapshot_of_other_files_under_the_same_name_is_ignored(tmp_path: Path) -> None:
    files, cache = _files(tmp_path), tmp_path / "cache"
    reader = ParsedFileCache(files, cache)
    cache.mkdir()
    # What a checksum collision would leave: the right file name, another fingerprint inside.
    stale = {"fingerprint": "other files", "files": {str(files[0]): {"name": "stale"}}}
    reader.location.write_text(json.dumps(stale), encoding="utf-8")
    assert ParsedFileCache(files, cache).read(files[0]) == {"name": "first"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_an_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    files, cache = _files(tmp_path), tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        _fill(files, cache)
        assert ParsedFileCache(files, cache).read(files[1]) == {"name": "second"}
    finally:
        cache.chmod(0o700)
