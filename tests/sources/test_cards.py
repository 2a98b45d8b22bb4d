"""Card parsing: untrusted text in, typed metadata or recorded errors out, never an exception."""

from __future__ import annotations

import pytest

from licaudit.sources.cards.metadata import MAX_CARD_BYTES, parse_card


def test_typical_model_card() -> None:
    card = parse_card(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\nbase_model_relation: adapter\n"
        "datasets:\n- tatsu-lab/alpaca\ntags: [text-generation]\n---\n# My model\nfine-tuned from X\n"
    )
    assert card.license == ("apache-2.0",)
    assert card.base_model == ("meta-llama/Llama-2-7b-hf",)
    assert card.base_model_relation == "adapter"
    assert card.datasets == ("tatsu-lab/alpaca",)
    assert card.body.startswith("# My model") and not card.errors


def test_loose_types_are_normalised() -> None:
    card = parse_card("---\nlicense: no\ndatasets: one/dataset\nbase_model: [a/b, c/d]\nlicense_name: 2.0\n---\n")
    assert card.license == ("no",)
    assert card.datasets == ("one/dataset",)
    assert card.base_model == ("a/b", "c/d")
    assert card.license_name == "2.0"


def test_list_of_licenses_is_kept_whole() -> None:
    assert parse_card("---\nlicense:\n- mit\n- cc-by-4.0\n---\n").license == ("mit", "cc-by-4.0")


@pytest.mark.parametrize(
    "text",
    [
        "---\nlicense: [unclosed\n---\nbody",
        "---\n- just\n- a list\n---\n",
        "---\nlicense: !!python/object/apply:os.system ['echo pwned']\n---\n",
    ],
)
def test_bad_front_matter_is_an_error_not_a_crash(text: str) -> None:
    card = parse_card(text)
    assert card.has_front_matter and card.errors and card.license == ()


def test_yaml_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(
            f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    card = parse_card("---\n" + "\n".join(lines) + "\nlicense: mit\n---\n")
    assert any("YAML bomb" in e for e in card.errors)


def test_no_front_matter_and_bom() -> None:
    assert not parse_card("# Just markdown\n").has_front_matter
    assert parse_card("\ufeff---\nlicense: mit\n---\n").license == ("mit",)
    assert parse_card("---\r\nlicense: mit\r\n---\r\nbody").license == ("mit",)


def test_invalid_utf8_and_huge_cards_are_bounded() -> None:
    card = parse_card(b"---\nlicense: mit\n---\n\xff\xfe broken")
    assert card.license == ("mit",) and any("UTF-8" in e for e in card.errors)
    huge = parse_card(b"---\nlicense: mit\n---\n" + b"x" * (MAX_CARD_BYTES + 10))
    assert huge.license == ("mit",) and any("only the first" in e for e in huge.errors)
