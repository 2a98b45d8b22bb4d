"""Normalising card license values: strings, lists, SPDX expressions, junk."""

from __future__ import annotations

import pytest

from licaudit.knowledge import Knowledge
from licaudit.terms.expressions import AllOf, AnyOf, LicenseLeaf, is_unknown, render, unrecognised
from tests.conftest import WorldFactory


@pytest.fixture
def knowledge(world: WorldFactory) -> Knowledge:
    return world([])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mit", "MIT"),
        ("MIT License", "MIT"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
        ("  cc_by_nc_4.0 ", "CC-BY-NC-4.0"),
        ("mit OR cc-by-nc-4.0", "MIT OR CC-BY-NC-4.0"),
        ("MIT AND (cc-by-sa-4.0 OR cc-by-nc-4.0)", "MIT AND (CC-BY-SA-4.0 OR CC-BY-NC-4.0)"),
        ("MIT WITH Classpath-exception-2.0", "MIT"),
        (["mit", "cc-by-nc-4.0"], "MIT AND CC-BY-NC-4.0"),
        ("mit, cc-by-sa-4.0", "MIT AND CC-BY-SA-4.0"),
        (["mit"], "MIT"),
    ],
)
def test_known_values_normalise(knowledge: Knowledge, value: object, expected: str) -> None:
    assert render(knowledge.normaliser.normalise(value)) == expected


@pytest.mark.parametrize("value", [None, "", "   ", False])
def test_missing_license_is_an_explicit_unknown(knowledge: Knowledge, value: object) -> None:
    expr = knowledge.normaliser.normalise(value)
    assert expr == LicenseLeaf(None, "") and is_unknown(expr)


@pytest.mark.parametrize("value", ["my cool license", "(((", "MIT AND", 42, "GPL-9.9"])
def test_unrecognised_text_is_kept_raw(knowledge: Knowledge, value: object) -> None:
    expr = knowledge.normaliser.normalise(value)
    assert is_unknown(expr)
    assert any(str(value).strip() in raw or raw in str(value) for raw in unrecognised(expr))


def test_partially_recognised_expression_keeps_known_parts(knowledge: Knowledge) -> None:
    expr = knowledge.normaliser.normalise("MIT AND Weird-1.0")
    assert isinstance(expr, AllOf) and unrecognised(expr) == ["Weird-1.0"]
    assert render(expr) == "MIT AND unknown(Weird-1.0)"


def test_or_is_kept_as_a_choice(knowledge: Knowledge) -> None:
    assert isinstance(knowledge.normaliser.normalise("mit OR cc-by-nc-4.0"), AnyOf)
