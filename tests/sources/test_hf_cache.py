"""The local Hugging Face cache read from its own folders: ids, kinds, revisions, refs, cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.sources.local.hf_cache import default_cache_folder, read_hf_cache

MAIN = "a" * 40
OLD = "b" * 40


def cached(root: Path, folder: str, files: dict[str, str], refs: dict[str, str] | None = None) -> None:
    """A repository folder laid out as huggingface_hub writes it (blobs linked from snapshots)."""
    base = root / folder
    for name, commit in (refs or {}).items():
        (base / "refs" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "refs" / name).write_text(commit)
    for path, text in files.items():
        commit, _, name = path.partition("/")
        blob = base / "blobs" / f"{abs(hash(path)):x}"
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_text(text)
        target = base / "snapshots" / commit / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(blob)


def test_models_and_datasets_with_the_revisions_present(tmp_path: Path) -> None:
    cached(
        tmp_path, "models--org--model", {f"{MAIN}/config.json": "{}", f"{OLD}/README.md": "---\n---\n"}, {"main": MAIN}
    )
    cached(tmp_path, "datasets--org--data", {f"{MAIN}/README.md": "---\nlicense: mit\n---\n"}, {"main": MAIN})
    cached(tmp_path, "models--gpt2", {f"{MAIN}/config.json": "{}"})
    (tmp_path / "models--org--aborted" / "blobs").mkdir(parents=True)  # no snapshot: nothing held
    (tmp_path / "spaces--org--demo" / "snapshots" / MAIN).mkdir(parents=True)
    (tmp_path / ".locks").mkdir()
    (tmp_path / "version.txt").write_text("1")
    artifacts, problems = read_hf_cache(tmp_path)
    assert problems == []
    assert [(a.id, a.kind, [(r.commit[:1], r.refs, r.files, r.has_card) for r in a.revisions]) for a in artifacts] == [
        ("org/data", "dataset", [("a", ("main",), 1, True)]),
        ("gpt2", "model", [("a", (), 1, False)]),
        ("org/model", "model", [("a", ("main",), 1, False), ("b", (), 1, True)]),
    ]
    model = artifacts[2]
    assert model.card_path(tmp_path) == tmp_path / "models--org--model" / "snapshots" / OLD / "README.md"


def test_an_unreadable_cache_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    artifacts, problems = read_hf_cache(tmp_path / "missing")
    assert artifacts == [] and problems and "cannot read the cache folder" in problems[0].message


def test_the_cache_folder_follows_huggingface_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    assert default_cache_folder() == tmp_path / "hub-cache"
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "home"))
    assert default_cache_folder() == tmp_path / "home" / "hub"
