"""How the Hub is read: settings only, so traces that never reach the Hub never import its client."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def env_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class HubSettings:
    """How the Hub is read. Defaults suit the real Hub; tests inject short timeouts and a fake sleep."""

    endpoint: str | None = None  # None: HF_ENDPOINT, else huggingface_hub's default
    offline: bool = False  # cache and registry only (HF_HUB_OFFLINE=1 implies it)
    refresh: bool = False  # ignore cached answers (files at a commit sha are immutable and kept)
    check_cards: bool = False  # also read the cards of artifacts the registry knows
    ttl_seconds: float = 7 * 24 * 3600.0
    timeout: float = 10.0  # per request
    retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0
    requests_per_second: float = 10.0  # politeness: the bucket's refill rate, shared by every worker
    burst: int = 500  # the bucket's size: the anonymous Hub API quota of one 5-minute window
    workers: int = 8
    cache_dir: str | None = None  # None: licaudit's cache folder
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def resolved_endpoint(self) -> str:
        """The Hub's base URL; a malformed one (flag or HF_ENDPOINT) is a usage error, found before
        huggingface_hub is imported (its import raises a bare ValueError on some of them)."""
        configured = self.endpoint or os.environ.get("HF_ENDPOINT")
        if configured:
            _check_endpoint(configured)
            return configured.rstrip("/")
        from huggingface_hub import constants

        return constants.ENDPOINT.rstrip("/")


def _check_endpoint(url: str) -> None:
    from urllib.parse import urlsplit

    from licaudit.errors import UsageError

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(f"the Hub endpoint {url!r} (HF_ENDPOINT) is not an http(s) URL with a host")
