"""Politeness towards the Hub: a token bucket shared by every worker, slowed by what the Hub says.

The Hub limits requests over fixed 5-minute windows, per bucket of endpoints; an anonymous
client may make 500 API requests and 3,000 file (resolver) requests per window (hub-docs,
docs/hub/rate-limits.md, "Anonymous user (per IP address) | 500 | 3,000 | 100"). So a short burst
is what the Hub expects and spacing every request evenly only costs time: the bucket starts full
(`burst`, default the anonymous API quota of one window) and refills at `rate` per second. Every
answer's `RateLimit: "api";r=<left>;t=<seconds to reset>` header (IETF draft
ratelimit-headers, which the Hub sends) caps the tokens at what the Hub says is left and, when
nothing is left, holds every worker until the window resets; `Retry-After` on a 429 is honoured
by the retry loop in the client.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2

DEFAULT_BURST = 500  # the anonymous Hub API quota of one 5-minute window (hub-docs rate-limits.md)
_RATELIMIT = re.compile(r'"(?P<kind>[\w-]+)"\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)')


@dataclass(frozen=True)
class RateLimitState:
    kind: str  # api | resolvers | pages
    remaining: int
    reset_seconds: float


def parse_ratelimit(headers: Mapping[str, str]) -> RateLimitState | None:
    """The Hub's `RateLimit` header, or None when absent or unreadable."""
    value = headers.get("RateLimit") or headers.get("ratelimit")
    if not value:
        return None
    found = _RATELIMIT.search(value)
    if found is None:
        return None
    return RateLimitState(found["kind"], int(found["r"]), float(found["t"]))


class TokenBucket:
    """At most `burst` requests at once, then `rate` per second, across all threads; rate <= 0: no limit."""

    def __init__(
        self,
        rate: float,
        burst: int = DEFAULT_BURST,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._sleep = sleep
        self._clock = clock
        self._tokens = float(self.burst)
        self._updated = clock()
        self._held_until = 0.0  # the Hub said nothing is left until then
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Take one token; sleep (outside the lock) until it is due. Tokens may go negative: each
        waiting thread has reserved its own future slot, so waiting is fair and never spins."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1.0
            delay = max(-self._tokens / self.rate if self._tokens < 0 else 0.0, self._held_until - now)
        if delay > 0:
            self._sleep(delay)

    def observe(self, state: RateLimitState) -> None:
        """What the Hub says is left: never spend more than that; nothing left holds until reset."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(self._tokens, float(state.remaining))
            if state.remaining <= 0:
                self._held_until = max(self._held_until, now + state.reset_seconds)


# The shared huggingface_hub session reports every answer here; each bucket hears its own Hub.
_listeners: dict[str, weakref.WeakSet[TokenBucket]] = {}
_listeners_lock = threading.Lock()
_hooked: set[int] = set()


def listen(bucket: TokenBucket, endpoint: str) -> None:
    """Feed `bucket` the RateLimit headers of every answer from `endpoint` (host and port)."""
    from urllib.parse import urlsplit

    from huggingface_hub import get_session

    key = urlsplit(endpoint).netloc.lower()
    with _listeners_lock:
        _listeners.setdefault(key, weakref.WeakSet()).add(bucket)
        try:
            session = get_session()
        except Exception:  # e.g. a SOCKS proxy without socksio: each request then says why
            return
        if id(session) not in _hooked:
            _hooked.add(id(session))
            session.event_hooks["response"].append(_on_response)


def _on_response(response: httpx2.Response) -> None:
    state = parse_ratelimit(response.headers)
    if state is None:
        return
    key = f"{response.request.url.host}:{response.request.url.port}" if response.request.url.port else ""
    with _listeners_lock:
        buckets = list(_listeners.get(key, ())) + list(_listeners.get(str(response.request.url.host).lower(), ()))
    for bucket in buckets:
        bucket.observe(state)
