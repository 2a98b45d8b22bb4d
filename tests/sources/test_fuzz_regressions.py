"""Crashes found by fuzzing and by the fault scenarios, each pinned where it was found."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.sources.hub.license_fetch import LicenseFetchError, fetch_license_url
from tests.sources.hub_server import HubServer


def test_a_card_with_an_unbalanced_license_expression_is_unknown_not_a_crash(hub: HubServer) -> None:
    hub.model("fuzz/card", "---\nlicense: 'IT AND (AND (GPL-1.0 OR A.0)'\n---\n")
    result = CliRunner().invoke(app, ["trace", "fuzz/card", "--timeout", "2"])
    assert result.exit_code == 1, result.output  # unknown fails the gate: never 70, never allowed
    assert "unknown" in result.stdout.lower()


def test_a_license_link_whose_host_cannot_be_parsed_is_a_fetch_error_not_a_crash() -> None:
    link = "http://" + "a" * 70 + ".com/LICENSE"  # urllib3's LocationParseError got past requests
    with pytest.raises(LicenseFetchError, match="invalid URL"):
        fetch_license_url(link, 1.0)
