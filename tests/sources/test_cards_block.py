"""The block-YAML reader: wherever it answers, it answers exactly what libyaml does."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.sources.cards import _FRONT_MATTER, _flat_front_matter, parse_card

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic_hub import iter_datasets, iter_models

WORDS = [
    "license",
    "mit",
    "no",
    "yes",
    "on",
    "1.0",
    "2",
    "2024-01-01",
    "null",
    "a/b",
    "https://x.org/a",
    "x y",
    "- z",
    "'q'",
    '"d"',
    "&a",
    "*a",
    "a: b",
    "[a, b]",
    "[]",
    "{}",
    "|",
    ">",
    "#c",
    "~",
    "0x1f",
    ".inf",
    "<<",
]


def libyaml(front: str) -> object:
    data = yaml.load(front, Loader=yaml.CSafeLoader)
    return {} if data is None else data  # an empty block is an empty mapping to the card parser


line = st.tuples(
    st.sampled_from(["", " ", "  ", "    ", "\t"]),
    st.sampled_from(["", "- ", "-  "]),
    st.sampled_from(["", "key: ", "k2:", "base_model: ", "tags:", "on: "]),
    st.sampled_from([*WORDS, ""]),
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(line, min_size=1, max_size=8))
def test_random_block_lines_agree_with_libyaml(lines: list[str]) -> None:
    front = "\n".join(lines)
    ours = _flat_front_matter(front)
    if ours is None:
        return  # libyaml reads it
    assert ours == libyaml(front)


def test_generated_hub_cards_agree_with_libyaml() -> None:
    read = 0
    for row in [*iter_models(400, 50, seed=5), *iter_datasets(100, seed=5)]:
        found = _FRONT_MATTER.match(str(row["card"]))
        if found is None:
            continue
        ours = _flat_front_matter(found.group(1))
        if ours is not None:
            read += 1
            assert ours == libyaml(found.group(1))
    assert read > 300  # the common shapes, model-index included, skip libyaml


def test_yaml_typing_is_kept_on_the_fast_path() -> None:
    card = parse_card(
        "---\nlicense: no\nlicense_name: 1.0\ndatasets: [a/b, c/d]\nmodel-index:\n- name: x\n  results: []\n---\n"
    )
    assert card.license == ("no",) and card.license_name == "1.0" and card.datasets == ("a/b", "c/d")
