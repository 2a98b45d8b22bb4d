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
    requests_per_second: float = 10.0  # politeness, shared by every worker
    workers: int = 8
    cache_dir: str | None = None  # None: licaudit's cache folder
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def resolved_endpoint(self) -> str:
        if self.endpoint:
            return self.endpoint.rstrip("/")
        from huggingface_hub import constants

        return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")
