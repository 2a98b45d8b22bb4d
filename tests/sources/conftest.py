"""The local Hub server fixture: the real huggingface_hub client, pointed at 127.0.0.1 by HF_ENDPOINT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.pipeline import TraceResult, TraceSettings, trace
from licaudit.sources.hub.settings import HubSettings
from tests.sources.hub_server import HubServer


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LICAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("shipped-cache")))
        return load_knowledge()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    from huggingface_hub import constants

    server = HubServer().start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read at import time by huggingface_hub
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    yield server
    server.stop()


class Sleeps(list[float]):
    """An injected sleep: records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def fast_settings(sleeps: Sleeps | None = None, **overrides: object) -> HubSettings:
    values: dict[str, object] = {
        "timeout": 0.5,
        "retries": 2,
        "backoff_base": 0.01,
        "requests_per_second": 0,
        "workers": 4,
    }
    if sleeps is not None:
        values["sleep"] = sleeps
    values.update(overrides)
    return HubSettings(**values)  # type: ignore[arg-type]


def hub_trace(
    knowledge: Knowledge, target: str, hub_settings: HubSettings | None = None, **settings: object
) -> TraceResult:
    return trace(target, TraceSettings(hub=hub_settings or fast_settings(), **settings), knowledge)  # type: ignore[arg-type]
