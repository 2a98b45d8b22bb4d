"""Politeness: a token bucket with a burst, slowed by the Hub's RateLimit headers."""

from __future__ import annotations

from licaudit.knowledge import Knowledge
from licaudit.sources.hub.politeness import RateLimitState, TokenBucket, parse_ratelimit
from tests.sources.conftest import Sleeps, fast_settings, hub_trace
from tests.sources.hub_server import HubServer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_at_once_then_requests_are_spaced_at_the_rate() -> None:
    sleeps, clock = Sleeps(), Clock()
    bucket = TokenBucket(rate=10, burst=5, sleep=sleeps, clock=clock)
    for _ in range(5):
        bucket.wait()
    assert sleeps == []  # the burst
    bucket.wait()
    bucket.wait()
    assert sleeps == [0.1, 0.2]  # each waiting caller has its own slot: fair, no spinning
    clock.now += 10  # idle: the bucket refills, never above the burst
    sleeps.clear()
    for _ in range(6):
        bucket.wait()
    assert len(sleeps) == 1


def test_ratelimit_headers_cap_the_tokens_and_an_empty_window_holds_until_reset() -> None:
    assert parse_ratelimit({"RateLimit": '"api";r=12;t=55'}) == RateLimitState("api", 12, 55.0)
    assert parse_ratelimit({"ratelimit": "garbage"}) is None and parse_ratelimit({}) is None
    sleeps, clock = Sleeps(), Clock()
    bucket = TokenBucket(rate=10, burst=500, sleep=sleeps, clock=clock)
    bucket.observe(RateLimitState("api", 2, 60))
    bucket.wait()
    bucket.wait()
    assert sleeps == []
    bucket.wait()
    assert sleeps == [0.1]  # only 2 were left: the third waits for a refill
    bucket.observe(RateLimitState("api", 0, 42))
    bucket.wait()
    assert sleeps[-1] >= 42  # the Hub said nothing is left for 42 s


def test_the_hubs_ratelimit_headers_reach_the_clients_bucket(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("polite/model", "---\nlicense: mit\n---\n")
    original = hub.info

    def info(kind: str, repo_id: str) -> tuple[int, bytes, dict[str, str]]:
        status, body, headers = original(kind, repo_id)
        return status, body, {**headers, "RateLimit": '"api";r=0;t=30'}

    hub.info = info  # type: ignore[method-assign]
    sleeps = Sleeps()
    result = hub_trace(shipped, "polite/model", fast_settings(sleeps, requests_per_second=10.0))
    assert result.graph.facts("polite/model").license_expression == "mit"  # type: ignore[arg-type]
    assert any(29 <= delay <= 30 for delay in sleeps), sleeps  # the README download waited for the window
