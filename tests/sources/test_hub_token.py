"""HF_TOKEN is handed to huggingface_hub and to nothing else: not output, logs, cache, reports or errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app
from licaudit.data_cache import default_cache_dir
from tests.sources.hub_server import FakeRepo, Fault, HubServer

TOKEN = "hf_TopSecretToken0123456789abcdefXYZ"  # noqa: S105 - a fake, for the leak test


def test_the_token_never_leaks(hub: HubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.model(
        "s/child",
        f"---\nlicense: other\nlicense_link: {hub.url}/ext/LICENSE\nbase_model: [s/gated, s/down, s/secret]\n---\n",
    )
    hub.extra["LICENSE"] = b"some license text"
    hub.add(FakeRepo("s/gated", files={"README.md": b"---\nlicense: llama2\n---\n"}, gated="manual"))
    hub.model("s/down", "---\nlicense: mit\n---\n")
    hub.fault("/api/models/s/down", *[Fault(500)] * 3)
    hub.add(FakeRepo("s/secret", private=True))
    hub.fault("/api/models/s/unreachable", *[Fault(503)] * 3)

    runner = CliRunner()
    outputs: list[str] = []
    fast = ["--retries", "2", "--timeout", "1", "--rate", "1000"]
    for args in (
        ["trace", "s/child", *fast],
        ["trace", "s/child", "--format", "json", "--refresh", *fast],
        ["trace", "s/child", "--output", str(tmp_path / "report.txt"), *fast],
        ["trace", "s/unreachable", *fast],
        ["trace", "s/nothing-here", *fast],
        ["cache", "info"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1, 2, 3), (args, result.output)
        outputs += [result.stdout, result.stderr, repr(result.exception)]
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_OFFLINE": "0", "HF_DEBUG": "1"}
    process = subprocess.run(
        [sys.executable, "-m", "licaudit", "trace", "s/child", "--format", "json", "--refresh", *fast],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    outputs += [process.stdout, process.stderr]

    assert any(TOKEN in header for header in hub.auth_headers)  # the Hub did get it
    for text in outputs:
        assert TOKEN not in text
    stored = [p for p in [*default_cache_dir().rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    assert any(p.name.startswith("licaudit.sqlite3") for p in stored)
    for path in stored:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_license_links_are_fetched_without_credentials(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.model("s/linked", f"---\nlicense: other\nlicense_link: {hub.url}/ext/L\n---\n")
    hub.extra["L"] = b"LLAMA 2 COMMUNITY LICENSE AGREEMENT"
    seen: list[int] = []
    original = hub.handle

    def spy(request, head):  # type: ignore[no-untyped-def]
        if request.path.startswith("/ext/"):
            seen.append(int(request.headers.get("Authorization") is not None))
        original(request, head)

    hub.handle = spy  # type: ignore[method-assign]
    result = CliRunner().invoke(app, ["trace", "s/linked", "--format", "json"])
    assert "LicenseRef-Llama-2-Community" in result.stdout
    assert seen == [0]
