"""The synthetic Hub generator: reproducible from its seed, and shaped like the Hub."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic_hub import deep_lineage, generate, write_rows


def test_same_seed_same_dump_other_seed_other_dump(tmp_path: Path) -> None:
    first = generate(500, 100, seed=11)
    assert first == generate(500, 100, seed=11)
    assert first != generate(500, 100, seed=12)
    write_rows(first[0], tmp_path / "a.jsonl")
    write_rows(generate(500, 100, seed=11)[0], tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_shape_power_law_fan_out_license_mix_and_bad_cards() -> None:
    models, datasets = generate(3000, 300, seed=1)
    parents = Counter(
        tag.split(":", 1)[1]
        for row in models
        for tag in row["tags"]
        if tag.count(":") == 1 and tag.startswith("base_model:")
    )
    top = parents.most_common(3)
    assert top[0][1] > 20 * (sorted(parents.values())[len(parents) // 2])  # a few bases take most children
    cards = [str(row["card"]) for row in models]
    assert any("license: other" in c for c in cards)
    assert sum("license:" not in c for c in cards) > 100  # missing licenses
    assert any("[unclosed" in c for c in cards)  # malformed YAML
    relations = Counter(tag.split(":")[1] for row in models for tag in row["tags"] if tag.count(":") == 2)
    assert set(relations) == {"finetune", "adapter", "quantized", "merge"}
    assert len(datasets) == 300 and all("datasetId" in d for d in datasets)


def test_deep_lineage_has_twenty_hops_and_a_hundred_ancestors() -> None:
    rows = deep_lineage()
    assert sum("modelId" in r for r in rows) == 21
    assert len(rows) - 1 == 100
