"""A fuzzing find, end to end: a card whose license crashed the normaliser now traces as unknown."""

from __future__ import annotations

from typer.testing import CliRunner

from licaudit.cli import app
from tests.sources.hub_server import HubServer


def test_a_card_with_an_unbalanced_license_expression_is_unknown_not_a_crash(hub: HubServer) -> None:
    hub.model("fuzz/card", "---\nlicense: 'IT AND (AND (GPL-1.0 OR A.0)'\n---\n")
    result = CliRunner().invoke(app, ["trace", "fuzz/card", "--timeout", "2"])
    assert result.exit_code == 1, result.output  # unknown fails the gate: never 70, never allowed
    assert "unknown" in result.stdout.lower()
