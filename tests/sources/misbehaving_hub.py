"""A Hub-compatible server that misbehaves at the transport level, and the list of its scenarios.

`HubServer` injects HTTP-level faults (a status, a hang, a truncated body). This adds what a
broken proxy, a CDN error page or a half-dead server does: redirect loops, HTML where JSON
belongs, bodies that claim gzip and are not, answers that are not HTTP, connections closed
mid-answer. `SCENARIOS` names each with how to set it up; tests and benchmarks/fault_table.py
run licaudit against every one of them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.sources.hub_server import Fault, HubServer


class Misbehaviour:
    REDIRECT_LOOP = "redirect-loop"  # 302 to itself, forever
    REDIRECT_INVALID = "redirect-invalid"  # 302 to a URL that cannot be requested
    HTML = "html"  # 200 text/html: a CDN or captive-portal page
    BAD_GZIP = "bad-gzip"  # Content-Encoding: gzip over bytes that are not gzip
    NOT_HTTP = "not-http"  # the answer is not an HTTP response at all
    CLOSED = "closed"  # the connection is closed without an answer
    SHORT_BODY = "short-body"  # Content-Length promises more than is sent, then the connection closes
    BAD_JSON_UTF8 = "bad-json-utf8"  # 200 application/json that is not UTF-8


class MisbehavingHub(HubServer):
    def __init__(self) -> None:
        super().__init__()
        self.misbehaviours: dict[str, str] = {}  # path prefix -> Misbehaviour, on every request

    def misbehave(self, path_prefix: str, what: str) -> None:
        self.misbehaviours[path_prefix] = what

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        path = request.path.split("?", 1)[0]
        what = next((w for prefix, w in self.misbehaviours.items() if path.startswith(prefix)), None)
        if what is None:
            super().handle(request, head)
            return
        with self._lock:
            self.log.append((request.command, request.path))
        if what == Misbehaviour.REDIRECT_LOOP:
            self.send(request, 302, b"", head, {"Location": request.path})
        elif what == Misbehaviour.REDIRECT_INVALID:
            self.send(request, 302, b"", head, {"Location": "gopher://[::1/x"})
        elif what == Misbehaviour.HTML:
            page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
            self.send(request, 200, page, head, {"Content-Type": "text/html"})
        elif what == Misbehaviour.BAD_GZIP:
            self.send(request, 200, b"\x00not gzip at all\xff" * 8, head, {"Content-Encoding": "gzip"})
        elif what == Misbehaviour.BAD_JSON_UTF8:
            self.send(request, 200, b'{"id": "\xff\xfe\xc3("}', head, {"Content-Type": "application/json"})
        elif what == Misbehaviour.NOT_HTTP:
            _raw(request, b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02garbage\r\n\r\n")
        elif what == Misbehaviour.CLOSED:
            _raw(request, b"")
        elif what == Misbehaviour.SHORT_BODY:
            _raw(request, b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"id":')
        else:  # pragma: no cover - a scenario added without a behaviour
            raise AssertionError(what)


def _raw(request: BaseHTTPRequestHandler, data: bytes) -> None:
    try:
        request.wfile.write(data)
        request.wfile.flush()
        request.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    request.close_connection = True


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Scenario:
    """One way the Hub can fail; `apply` sets it up for `target` and returns extra environment."""

    name: str
    apply: Callable[[MisbehavingHub, str], dict[str, str]]
    expected_exit: int = 3
    flags: tuple[str, ...] = field(default=())
    own_process: bool = False  # huggingface_hub's one HTTP session reads proxies once per process


def _on_info(what: str) -> Callable[[MisbehavingHub, str], dict[str, str]]:
    def apply(hub: MisbehavingHub, target: str) -> dict[str, str]:
        hub.misbehave(f"/api/models/{target}", what)
        return {}

    return apply


def _fault_forever(fault: Fault) -> Callable[[MisbehavingHub, str], dict[str, str]]:
    def apply(hub: MisbehavingHub, target: str) -> dict[str, str]:
        hub.fault(f"/api/models/{target}", *[fault] * 50)
        return {}

    return apply


def _tls(hub: MisbehavingHub, target: str) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.url.replace("http://", "https://")}  # TLS handshake against plain HTTP


def _dead_proxy(hub: MisbehavingHub, target: str) -> dict[str, str]:
    proxy = f"http://127.0.0.1:{closed_port()}"
    return {"HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy, "NO_PROXY": "", "no_proxy": ""}


def _socks_proxy(hub: MisbehavingHub, target: str) -> dict[str, str]:
    proxy = f"socks5://127.0.0.1:{closed_port()}"  # needs an optional package httpx may lack
    return {"ALL_PROXY": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "NO_PROXY": "", "no_proxy": ""}


def _invalid_endpoint(hub: MisbehavingHub, target: str) -> dict[str, str]:
    return {"HF_ENDPOINT": "http://[127.0.0.1"}


def _refused(hub: MisbehavingHub, target: str) -> dict[str, str]:
    return {"HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}"}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("redirect loop", _on_info(Misbehaviour.REDIRECT_LOOP)),
    Scenario("redirect to an invalid URL", _on_info(Misbehaviour.REDIRECT_INVALID)),
    Scenario("HTML instead of JSON", _on_info(Misbehaviour.HTML)),
    Scenario("truncated JSON", _fault_forever(Fault(truncate=True))),
    Scenario("JSON that is not UTF-8", _on_info(Misbehaviour.BAD_JSON_UTF8)),
    Scenario("gzip that is not gzip", _on_info(Misbehaviour.BAD_GZIP)),
    Scenario("answer that is not HTTP", _on_info(Misbehaviour.NOT_HTTP)),
    Scenario("connection closed", _on_info(Misbehaviour.CLOSED)),
    Scenario("body shorter than promised", _on_info(Misbehaviour.SHORT_BODY)),
    Scenario("hang", _fault_forever(Fault(hang=30.0))),
    Scenario("HTTP 500 forever", _fault_forever(Fault(500))),
    Scenario("HTTP 429 forever", _fault_forever(Fault(429, {"Retry-After": "1"}))),
    Scenario("HTTP 400 (not retried)", _fault_forever(Fault(400))),
    Scenario("TLS to a plain-HTTP server", _tls),
    Scenario("dead HTTP proxy", _dead_proxy, own_process=True),
    Scenario("SOCKS proxy", _socks_proxy, own_process=True),
    Scenario("invalid endpoint URL", _invalid_endpoint, expected_exit=2),  # a configuration error
    Scenario("connection refused", _refused),
)


ROOT = Path(__file__).resolve().parent.parent.parent
TARGET = "fault/target"


def run_cli_against(
    scenario: Scenario, output_format: str, timeout: float, retries: int, command: str = "trace"
) -> dict[str, object]:
    """`python -m licaudit trace` in a fresh process with fresh caches against the scenario."""
    hub = MisbehavingHub().start()
    hub.model(TARGET, "---\nlicense: mit\n---\n")
    try:
        with tempfile.TemporaryDirectory() as folder:
            # A clean environment: nothing of the calling process (proxies, offline switches a
            # test fixture set) may change what the child does.
            kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
            env = {
                **{name: os.environ[name] for name in kept if name in os.environ},
                "PYTHONPATH": str(ROOT),
                "HF_ENDPOINT": hub.url,
                "HF_HUB_CACHE": f"{folder}/hf",
                "LICAUDIT_CACHE_DIR": f"{folder}/licaudit",
                "HF_HUB_DISABLE_TELEMETRY": "1",
                "NO_PROXY": "127.0.0.1,localhost",
            }
            for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "LICAUDIT_DEBUG"):
                env.pop(name, None)
            env.update(scenario.apply(hub, TARGET))
            argv = [sys.executable, "-m", "licaudit", command, TARGET, "--format", output_format]
            argv += ["--timeout", str(timeout), "--retries", str(retries), *scenario.flags]
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)
            seconds = time.perf_counter() - started
    finally:
        hub.stop()
    try:
        document = json.loads(done.stdout)
    except ValueError:
        document = None
    return {
        "scenario": scenario.name,
        "format": output_format,
        "exit": done.returncode,
        "seconds": round(seconds, 2),
        "stdout_json": isinstance(document, dict),
        "document": document,
        "traceback": "Traceback" in done.stderr,
        "requests": len(hub.requests(f"/api/models/{TARGET}")),
        "stderr": done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else [],
    }
