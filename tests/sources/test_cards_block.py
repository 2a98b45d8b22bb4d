"""The block-YAML reader: wherever it answers, it answers exactly what libyaml does."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.sources.cards.metadata import _FRONT_MATTER, _flat_front_matter, parse_card, split_front_matter

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
    "0.7312",
    "-3",
    "+1.5",
    "2.",
    "017",
    "0",
    "-0.0",
    "1_000",
    "1e3",
    "12:30",
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


def test_a_date_that_is_no_date_is_a_recorded_error_not_an_exception() -> None:
    card = parse_card("---\nlicense: mit\nreleased: 2024-13-45\n---\n")
    assert card.has_front_matter and card.license == ()
    assert card.errors == ("malformed YAML front matter: ValueError",)  # what libyaml says of it


def test_lines_read_once_are_read_the_same_from_the_cache() -> None:
    front = "license: mit\nbase_model: a/b\ntags:\n- x\n- 'quoted'\n"
    first = _flat_front_matter(front)
    assert first is None  # the quoted item leaves the subset ...
    assert _flat_front_matter(front) is None  # ... also when its lines come from the cache
    text = "license: mit\ntags:\n- x\ndatasets: [a/b]\n"
    one, two = _flat_front_matter(text), _flat_front_matter(text)
    assert one == two == {"license": "mit", "tags": ["x"], "datasets": ["a/b"]}
    assert one is not None and two is not None
    assert one["tags"] is not two["tags"] and one["datasets"] is not two["datasets"]  # never shared


edge = st.sampled_from(["---", "--- ", "---\t", "----", "-- -", "\ufeff---", " ---", "x", "", "---x", "\r"])
card_text = st.lists(st.one_of(edge, st.sampled_from(["license: mit", "a: b", "# h"])), max_size=8).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n"]).map(lambda newline: newline.join(lines))
)


@settings(max_examples=300, deadline=None)
@given(card_text, st.booleans())
def test_front_matter_is_split_exactly_as_the_reference_pattern_splits_it(text: str, trailing: bool) -> None:
    text += "\n" if trailing else ""
    found = _FRONT_MATTER.match(text)
    expected = None if found is None else (found.group(1), text[found.end() :])
    assert split_front_matter(text) == expected
