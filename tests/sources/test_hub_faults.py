"""Every fault the server can inject: the trace completes with a clear finding, nothing crashes."""

from __future__ import annotations

import email.utils
import time

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.errors import SourceUnreachableError, UnknownArtifactError
from licaudit.findings import FindingKind
from licaudit.knowledge import Knowledge
from licaudit.sources.hub.client import parse_retry_after, scrub
from tests.sources.conftest import Sleeps, fast_settings, hub_trace
from tests.sources.hub_server import FakeRepo, Fault, HubServer


def kinds(result: object) -> list[str]:
    return [f.kind.value for f in result.findings]  # type: ignore[attr-defined]


def messages(result: object, kind: FindingKind) -> list[str]:
    return [f.message for f in result.findings if f.kind is kind]  # type: ignore[attr-defined]


def test_429_with_retry_after_is_honoured(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/rate", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/rate", Fault(429, {"Retry-After": "7"}))
    result = hub_trace(shipped, "f/rate", fast_settings(sleeps))
    assert result.graph.facts("f/rate").license_expression == "mit"  # type: ignore[arg-type]
    assert len(hub.requests("/api/models/f/rate")) == 2
    assert any(7 <= delay <= 8 for delay in sleeps), sleeps  # Retry-After beats the (short) backoff


def test_503_with_an_http_date_retry_after(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/busy", "---\nlicense: mit\n---\n")
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    hub.fault("/f/busy/resolve/", Fault(503, {"Retry-After": when}))
    result = hub_trace(shipped, "f/busy", fast_settings(sleeps))
    assert result.graph.facts("f/busy").license_expression == "mit"  # type: ignore[arg-type]
    assert any(25 <= delay <= 31 for delay in sleeps), sleeps


def test_retry_after_is_capped(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/greedy", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/greedy", Fault(429, {"Retry-After": "86400"}))
    hub_trace(shipped, "f/greedy", fast_settings(sleeps, max_retry_after=5))
    assert max(sleeps) <= 5


def test_500_then_success_backs_off_exponentially(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/flaky", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/flaky", Fault(500), Fault(502))
    result = hub_trace(shipped, "f/flaky", fast_settings(sleeps, backoff_base=1.0, retries=3))
    assert result.graph.facts("f/flaky").license_expression == "mit"  # type: ignore[arg-type]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # base * 2**attempt, jittered to 50-100 %


def test_hanging_parent_times_out_and_the_trace_completes_incomplete(
    hub: HubServer, shipped: Knowledge, sleeps: Sleeps
) -> None:
    hub.model("f/child", "---\nlicense: mit\nbase_model: f/slow\ndatasets: [f/data]\n---\n")
    hub.model("f/slow", "---\nlicense: mit\n---\n")
    hub.dataset("f/data", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/slow", Fault(hang=2.0), Fault(hang=2.0))
    started = time.monotonic()
    result = hub_trace(shipped, "f/child", fast_settings(sleeps, timeout=0.3, retries=1))
    assert time.monotonic() - started < 2.0  # the client gave up, it did not wait for the server
    assert result.incomplete
    assert any("f/slow" in m and "re-run" in m for m in messages(result, FindingKind.UNREACHABLE))
    assert "unresolved-parent" in kinds(result)
    # the re-run resumes: only what failed is asked again
    hub.reset_log()
    again = hub_trace(shipped, "f/child", fast_settings(sleeps, timeout=0.3, retries=1))
    assert not again.incomplete
    asked = {path.split("?")[0] for _, path in hub.requests()}
    assert asked == {"/api/models/f/slow", f"/f/slow/resolve/{hub.repos[('model', 'f/slow')].sha}/README.md"}


def test_target_unreachable_raises_after_retries(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/down", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/down", Fault(500), Fault(500), Fault(500))
    with pytest.raises(SourceUnreachableError, match="after 3 attempts"):
        hub_trace(shipped, "f/down", fast_settings(sleeps))
    assert len(hub.requests("/api/models/f/down")) == 3


def test_truncated_json_is_retried(hub: HubServer, shipped: Knowledge, sleeps: Sleeps) -> None:
    hub.model("f/cut", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/f/cut", Fault(truncate=True))
    result = hub_trace(shipped, "f/cut", fast_settings(sleeps))
    assert result.graph.facts("f/cut").license_expression == "mit"  # type: ignore[arg-type]
    assert len(hub.requests("/api/models/f/cut")) == 2


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (b"---\nlicense: [apache-2.0\nbase_model: x\n---\n", "malformed YAML"),
        (b"# A model\nNo front matter at all.\n", "no YAML front matter"),
        (b"---\nlicense: mit\n---\n\xff\xfe not utf-8 \xc3\x28\n", "not valid UTF-8"),
        (b"---\n- a\n- list\n---\n", "not a mapping"),
    ],
)
def test_broken_cards_are_findings(hub: HubServer, shipped: Knowledge, card: bytes, expected: str) -> None:
    hub.add(FakeRepo("f/broken", files={"README.md": card}))
    result = hub_trace(shipped, "f/broken")
    assert any(expected in m for m in messages(result, FindingKind.CARD_PROBLEM)), result.findings


def test_a_10_mb_card_is_not_read(hub: HubServer, shipped: Knowledge) -> None:
    hub.add(FakeRepo("f/huge", files={"README.md": b"---\nlicense: mit\n---\n" + b"x" * 10_000_000}))
    hub.add(
        FakeRepo(
            "f/huge-config",
            files={"README.md": b"---\nlicense: mit\n---\n", "config.json": b"{" + b" " * 2_000_000 + b"}"},
        )
    )
    result = hub_trace(shipped, "f/huge")
    assert any("README.md: too large" in m for m in messages(result, FindingKind.CARD_PROBLEM))
    assert result.graph.facts("f/huge").license_expression == "mit"  # type: ignore[arg-type]  # from the listing
    config = hub_trace(shipped, "f/huge-config")
    assert any("config.json: too large" in m for m in messages(config, FindingKind.CARD_PROBLEM))


def test_escapes_and_markup_in_a_license_name_never_reach_the_terminal(hub: HubServer) -> None:
    evil = "[bold red]mit[/] \x1b[31mEVIL\x1b[0m \x07"
    hub.model(
        "f/evil", f'---\nlicense: other\nlicense_name: "{evil}"\n---\n'.replace("\x1b", "\\e").replace("\x07", "\\a")
    )
    result = CliRunner().invoke(app, ["trace", "f/evil"])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[bold red]mit[/]" in result.stdout  # shown literally, not interpreted
    json_result = CliRunner().invoke(app, ["trace", "f/evil", "--format", "json"])
    assert "[bold red]mit[/]" in json_result.stdout


def test_path_traversal_ids_are_never_requested(hub: HubServer, shipped: Knowledge) -> None:
    hub.model(
        "f/sneaky",
        "---\nlicense: mit\nbase_model: ../../etc\ndatasets: [../../../etc/passwd, 'a/b/../../c']\n---\n",
        adapter_config__json='{"base_model_name_or_path": "/etc/shadow"}',
    )
    result = hub_trace(shipped, "f/sneaky")
    invalid = messages(result, FindingKind.INVALID_ID)
    assert len(invalid) == 4 and all("not followed" in m for m in invalid)
    assert not [p for _, p in hub.requests() if "etc" in p or ".." in p]
    assert [e.parent for e in result.graph.edges()] == []


def test_gated_repo_is_recorded_with_its_listed_license_and_the_crawl_goes_on(
    hub: HubServer, shipped: Knowledge
) -> None:
    hub.model("g/child", "---\nlicense: llama2\nbase_model: g/gated\ndatasets: [g/data]\n---\n")
    hub.add(
        FakeRepo(
            "g/gated", files={"README.md": b"---\nlicense: llama2\n---\n"}, tags=["license:llama2"], gated="manual"
        )
    )
    hub.dataset("g/data", "---\nlicense: mit\n---\n")
    result = hub_trace(shipped, "g/child")
    gated = messages(result, FindingKind.GATED)
    assert any("g/gated" in m and "403" in m for m in gated)
    assert any("listing" in m for m in gated)
    assert result.graph.facts("g/gated").license_expression == "llama2"  # type: ignore[arg-type]
    assert "datasets/g/data" in result.graph  # the crawl went on


def test_missing_parent_has_did_you_mean_and_private_is_not_found(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("n/child", "---\nlicense: mit\nbase_model: [n/llama-bas, n/secret]\n---\n")
    hub.model("n/llama-base", "---\nlicense: mit\n---\n")
    hub.add(FakeRepo("n/secret", private=True))
    result = hub_trace(shipped, "n/child")
    not_found = messages(result, FindingKind.NOT_FOUND)
    assert any("n/llama-bas" in m and "did you mean" in m and "n/llama-base" in m for m in not_found)
    assert any("n/secret" in m for m in not_found)
    assert kinds(result).count("unresolved-parent") == 2


def test_unknown_target_is_a_usage_error_with_did_you_mean(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("n/llama-base", "---\nlicense: mit\n---\n")
    with pytest.raises(UnknownArtifactError) as raised:
        hub_trace(shipped, "n/llama-bas")
    assert "n/llama-base" in raised.value.suggestions
    cli = CliRunner().invoke(app, ["trace", "n/llama-bas"])
    assert cli.exit_code == 2 and cli.stdout == ""
    assert "Did you mean" in cli.stderr and "n/llama-base" in cli.stderr


def test_unreachable_target_exits_3_on_the_cli(hub: HubServer) -> None:
    hub.fault("/api/models/f/gone", *[Fault(hang=1.0)] * 5)
    cli = CliRunner().invoke(app, ["trace", "f/gone", "--timeout", "0.1", "--retries", "1"])
    assert cli.exit_code == 3, cli.output
    assert "re-run resumes" in cli.stderr


def test_retry_after_parsing_and_scrubbing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(email.utils.formatdate(1000.0 + 60, usegmt=True), now=1000.0) == pytest.approx(60)
    assert scrub("Bearer hf_abcdef123 failed", ["hf_abcdef123"]) == "Bearer *** failed"
