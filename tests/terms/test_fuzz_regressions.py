"""Inputs benchmarks/fuzz_parsers.py found crashing the license normaliser: each is now read."""

from __future__ import annotations

import pytest

from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.terms.expressions import LicenseNormaliser, render, unrecognised

# license-expression raised AssertionError ("all arguments must be an Expression") and IndexError
# on these unbalanced expressions; a card's `license` field is anyone's text.
CRASHED = [
    "IT AND (AND (GPL-1.0 OR A.0)",
    "llMIT AND (GMIT AND ( AND (GMIT ANG0 OR ApachPL-2.0 OR Apache-2.0)yesF.0 OR Ap2.0)a",
    "-\r\nl llMIT AND (GMIT AND ()\x1e10x0.F.0 OR Ap2.0)a--\r\nl-y;odEic;",
]


@pytest.fixture(scope="module")
def shipped() -> Knowledge:
    return load_knowledge()


@pytest.mark.parametrize("value", CRASHED)
def test_unbalanced_expressions_are_read_not_a_crash(shipped: Knowledge, value: str) -> None:
    expression = LicenseNormaliser(shipped.catalog).normalise(value)
    assert render(expression)  # read as something (what is the recogniser's business), never raised
    unrecognised(expression)


@pytest.mark.parametrize("value", CRASHED)
def test_a_malformed_expression_never_reads_as_allowed(value: str) -> None:
    """Fuzzing also found the recogniser reading `... OR Apache-2.0)...` out of such garbage as plain
    Apache-2.0: the licenses found in a malformed expression are not all of it, the rest is unknown."""
    import json

    from typer.testing import CliRunner

    from licaudit.cli import app

    result = CliRunner().invoke(app, ["explain", "--format", "json", "--", value])
    if result.exit_code == 2:  # nothing in it is a license: unrecognised, which fails closed
        assert "no catalogued license" in result.output
        return
    assert result.exit_code == 0, result.output
    verdicts = json.loads(result.stdout)["verdicts"]
    assert verdicts["commercial"] in ("unknown", "forbidden"), verdicts
