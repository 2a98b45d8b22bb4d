"""Fan-out and time bounds against the local Hub: wide cards, --max-artifacts, --time-budget."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.findings import FindingKind
from licaudit.knowledge import Knowledge
from licaudit.lineage.fan_out import TraceBudget
from tests.sources.conftest import fast_settings, hub_trace
from tests.sources.hub_server import Fault, HubServer

RUNNER = CliRunner()


def test_a_card_with_3000_base_models_asks_for_256_and_fails_closed(hub: HubServer, shipped: Knowledge) -> None:
    bases = "".join(f"- wide/base-{n}\n" for n in range(3000))
    hub.model("wide/model", f"---\nlicense: mit\nbase_model:\n{bases}---\n")
    for n in range(300):
        hub.model(f"wide/base-{n}", "---\nlicense: mit\n---\n")
    result = hub_trace(shipped, "wide/model", fast_settings(workers=8))
    asked = {path.split("?")[0] for _, path in hub.requests("/api/models/wide/base-")}
    assert len(asked) == 256
    assert [f.kind for f in result.findings].count(FindingKind.TOO_MANY_PARENTS) == 1
    assert result.verdict("commercial").verdict == "unknown" and not result.incomplete
    cli = RUNNER.invoke(app, ["trace", "wide/model", "--max-parents", "3", "--format", "json"])
    assert cli.exit_code == 1, cli.output  # unknown fails: never allowed
    document = json.loads(cli.stdout)
    assert any(f["kind"] == "too-many-parents" for f in document["findings"])


def chain(hub: HubServer, length: int) -> None:
    for n in range(length):
        parent = f"base_model: chain/m{n + 1}\n" if n + 1 < length else ""
        hub.model(f"chain/m{n}", f"---\nlicense: mit\n{parent}---\n")


def test_max_artifacts_ends_incomplete_with_what_was_reached(hub: HubServer, shipped: Knowledge) -> None:
    chain(hub, 6)
    result = hub_trace(shipped, "chain/m0", fast_settings(), budget=TraceBudget(max_artifacts=3))
    assert result.incomplete and {"chain/m0", "chain/m1", "chain/m2"} <= set(result.graph.artifacts())
    assert not hub.requests("/api/models/chain/m4")
    assert any("--max-artifacts" in f.message for f in result.findings if f.kind is FindingKind.UNREACHABLE)
    cli = RUNNER.invoke(app, ["trace", "chain/m0", "--max-artifacts", "2", "--format", "json"])
    assert cli.exit_code == 3, cli.output
    document = json.loads(cli.stdout)
    assert document["incomplete"] is True and "chain/m1" in {n["id"] for n in document["nodes"]}


def test_time_budget_ends_incomplete_while_a_parent_hangs(hub: HubServer) -> None:
    hub.model("slow/child", "---\nlicense: mit\nbase_model: slow/parent\n---\n")
    hub.model("slow/parent", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/slow/parent", Fault(hang=20.0))
    started = time.monotonic()
    cli = RUNNER.invoke(app, ["trace", "slow/child", "--time-budget", "1", "--timeout", "30", "--format", "json"])
    elapsed = time.monotonic() - started
    assert cli.exit_code == 3, cli.output
    assert elapsed < 5, elapsed  # the budget, not the 20 s hang nor the 30 s timeout
    document = json.loads(cli.stdout)
    assert document["incomplete"] is True
    assert any("--time-budget" in f["message"] for f in document["findings"])
