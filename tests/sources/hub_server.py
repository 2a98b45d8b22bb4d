"""A local Hub-compatible HTTP server for tests and benchmarks: fixture repos, injected faults.

It answers what huggingface_hub asks (see /work/shared/REFERENCE.md): repo info JSON at
`/api/models/<id>` and `/api/datasets/<id>`, files at `/<id>/resolve/<rev>/<path>` (datasets
under `/datasets/`), listings at `/api/models?filter=...&search=...`, and any extra URL under
`/ext/`. Faults are queued per path prefix and consumed one request at a time.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml


@dataclass
class FakeRepo:
    repo_id: str
    kind: str = "model"  # model | dataset
    files: dict[str, bytes] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    gated: str | bool = False  # "manual": info visible, files 403
    private: bool = False  # info 401 with RepoNotFound, like the Hub without a token

    @property
    def sha(self) -> str:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(self.repo_id.encode())
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name])
        return digest.hexdigest()

    def card_data(self) -> dict[str, Any] | None:
        readme = self.files.get("README.md")
        if readme is None or not readme.startswith(b"---"):
            return None
        try:
            front = readme.decode("utf-8").split("---", 2)[1]
            data = yaml.safe_load(front)
        except (UnicodeDecodeError, IndexError, yaml.YAMLError):
            return None  # the real Hub drops cardData it cannot parse
        return data if isinstance(data, dict) else None


@dataclass
class Fault:
    """One injected misbehaviour: a status (with headers), a hang, or a truncated body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0
    truncate: bool = False


class HubServer:
    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], FakeRepo] = {}
        self.extra: dict[str, bytes] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.latency = 0.0
        self.log: list[tuple[str, str]] = []
        self.auth_headers: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                server.handle(self, head=True)

            def do_GET(self) -> None:
                server.handle(self, head=False)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (timeout tests) is expected, not news

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # --- fixture API -------------------------------------------------------------------------
    def start(self) -> HubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, repo: FakeRepo) -> FakeRepo:
        self.repos[(repo.kind, repo.repo_id.lower())] = repo
        return repo

    def model(self, repo_id: str, readme: str | bytes | None = None, **files: str | bytes) -> FakeRepo:
        return self._repo("model", repo_id, readme, files)

    def dataset(self, repo_id: str, readme: str | bytes | None = None, **files: str | bytes) -> FakeRepo:
        return self._repo("dataset", repo_id, readme, files)

    def _repo(self, kind: str, repo_id: str, readme: str | bytes | None, files: dict[str, str | bytes]) -> FakeRepo:
        contents = {name.replace("__", "."): _bytes(v) for name, v in files.items()}
        if readme is not None:
            contents["README.md"] = _bytes(readme)
        return self.add(FakeRepo(repo_id, kind, contents))

    def fault(self, path_prefix: str, *faults: Fault) -> None:
        self.faults.setdefault(path_prefix, []).extend(faults)

    def requests(self, contains: str = "") -> list[tuple[str, str]]:
        with self._lock:
            return [r for r in self.log if contains in r[1]]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    # --- serving -----------------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        parts = urlsplit(request.path)
        path = unquote(parts.path)
        with self._lock:
            self.log.append((request.command, request.path))
            auth = request.headers.get("Authorization")
            if auth:
                self.auth_headers.append(auth)
            fault = None
            for prefix, queue in self.faults.items():
                if path.startswith(prefix) and queue:
                    fault = queue.pop(0)
                    break
        if self.latency:
            time.sleep(self.latency)
        if fault is not None and fault.hang:
            time.sleep(fault.hang)
        if fault is not None and fault.status != 200:
            self.send(request, fault.status, b'{"error": "injected"}', head, fault.headers)
            return
        status, body, headers = self.route(path, parse_qs(parts.query))
        if fault is not None and fault.truncate:
            body = body[: max(1, len(body) // 2)]
        self.send(request, status, body, head, headers)

    def route(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str]]:
        if path.startswith("/ext/"):
            found = self.extra.get(path[len("/ext/") :])
            return (200, found, {}) if found is not None else (404, b"not found", {})
        if path in ("/api/models", "/api/datasets"):
            return self.listing("model" if path == "/api/models" else "dataset", query)
        for prefix, kind in (("/api/models/", "model"), ("/api/datasets/", "dataset")):
            if path.startswith(prefix):
                repo_id = path[len(prefix) :].split("/revision/", 1)[0]
                return self.info(kind, repo_id)
        kind = "model"
        rest = path.lstrip("/")
        if rest.startswith("datasets/"):
            kind, rest = "dataset", rest[len("datasets/") :]
        if "/resolve/" in rest:
            repo_id, tail = rest.split("/resolve/", 1)
            filename = tail.split("/", 1)[1] if "/" in tail else ""
            return self.file(kind, repo_id, filename)
        return 404, b"no route", {}

    def info(self, kind: str, repo_id: str) -> tuple[int, bytes, dict[str, str]]:
        repo = self.repos.get((kind, repo_id.lower()))
        if repo is None or repo.private:
            code = 401 if repo is not None else 404
            return code, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}
        data: dict[str, Any] = {
            "id": repo.repo_id,
            "sha": repo.sha,
            "tags": repo.tags,
            "gated": repo.gated,
            "private": False,
            "siblings": [{"rfilename": name} for name in sorted(repo.files)],
        }
        card = repo.card_data()
        if card is not None:
            data["cardData"] = card
        return 200, json.dumps(data).encode(), {"Content-Type": "application/json"}

    def file(self, kind: str, repo_id: str, filename: str) -> tuple[int, bytes, dict[str, str]]:
        repo = self.repos.get((kind, repo_id.lower()))
        if repo is None or repo.private:
            return 404, b"Repository not found", {"X-Error-Code": "RepoNotFound"}
        if repo.gated:
            return 403, b"gated", {"X-Error-Code": "GatedRepo"}
        content = repo.files.get(filename)
        if content is None:
            return 404, b"Entry not found", {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.sha}
        etag = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        return 200, content, {"X-Repo-Commit": repo.sha, "ETag": f'"{etag}"'}

    def listing(self, kind: str, query: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str]]:
        wanted = query.get("filter", [])
        search = (query.get("search") or [""])[0].lower()
        limit = int((query.get("limit") or ["1000"])[0])
        found = [
            {"id": repo.repo_id, "modelId": repo.repo_id}
            for (repo_kind, _), repo in sorted(self.repos.items())
            if repo_kind == kind
            and all(f in repo.tags for f in wanted)
            and (not search or search in repo.repo_id.lower())
        ]
        return 200, json.dumps(found[:limit]).encode(), {"Content-Type": "application/json"}

    def send(
        self, request: BaseHTTPRequestHandler, status: int, body: bytes, head: bool, headers: dict[str, str]
    ) -> None:
        try:
            request.send_response(status)
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            if not head:
                request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): fine


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value
