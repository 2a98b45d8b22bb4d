"""The Hugging Face Hub as a source: repo info and small files through huggingface_hub, cached.

Every request goes through one gate: the politeness limit (requests per second, shared by all
threads), a per-request timeout, and retries with exponential backoff and jitter that honour
`Retry-After` on 429 and 503. Nothing from a repo is executed: files are read as bytes with a
size bound (no `trust_remote_code`, no pickles, no weights). The token (HF_TOKEN or the saved
one) is handed to huggingface_hub only; every message is scrubbed of it.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from licaudit.artifact_ref import HUB_KINDS, RefKind, hub_repo_id, parse_ref
from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.sources.cards.license_text import MAX_LICENSE_BYTES
from licaudit.sources.cards.metadata import MAX_CARD_BYTES, parse_card
from licaudit.sources.cards.snapshot import (
    DATASET_FILES,
    LICENSE_FILES,
    MAX_CONFIG_BYTES,
    MODEL_FILES,
    README,
    RepoSnapshot,
    repo_file_of_link,
)
from licaudit.sources.hub.bounded_read import BodyRejected, read_bounded
from licaudit.sources.hub.cache import HubCache
from licaudit.sources.hub.license_fetch import LicenseFetchError, fetch_license_url
from licaudit.sources.hub.politeness import TokenBucket, listen
from licaudit.sources.hub.settings import HubSettings, env_offline
from licaudit.sources.hub.transport import classify_transport_error

T = TypeVar("T")
_MODEL_EXPAND = ["baseModels", "cardData", "gated", "sha", "siblings", "tags"]
_DATASET_EXPAND = ["cardData", "gated", "sha", "siblings", "tags"]
_RETRY_STATUS = {429, 500, 502, 503, 504}
_RELATIONS = ("finetune", "adapter", "merge", "quantized")


class FetchStatus(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    GATED = "gated"  # 401/403 on the repo itself: private or gated, nothing visible
    INVALID = "invalid"  # cannot be a Hub id; never requested
    UNREACHABLE = "unreachable"  # still failing after retries
    NOT_CACHED = "not_cached"  # offline and never fetched


@dataclass(frozen=True)
class Fetched:
    status: FetchStatus
    snapshot: RepoSnapshot | None = None
    message: str = ""
    incomplete: bool = False  # some file could not be read: a re-run resumes


class _Transient(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Offline(Exception):
    pass


def _unexpected_status(status: int) -> Exception:
    """A status the Hub does not answer to a good request: a 4xx (400, 405, 410, ...) repeats itself
    on a retry; an unlisted 5xx may pass."""
    if 400 <= status < 500 and status not in (408, 425):
        return _Permanent(f"HTTP {status}; not retried")
    return _Transient(f"HTTP {status}")


class _Permanent(Exception):
    """A failure a retry would repeat (redirect loop, TLS, proxy, invalid URL, undecodable body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Denied(Exception):
    """401/403: gated or private."""


class _Missing(Exception):
    """404: no such repo or file."""


class Unreachable(Exception):
    """Still failing after every retry."""


def scrub(text: str, secrets: list[str]) -> str:
    """The message with every secret replaced; tokens never reach output, logs or the cache."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HubClient:
    """Reads repos from the Hub (or only the cache when offline). Thread-safe."""

    def __init__(self, settings: HubSettings, cache: HubCache | None) -> None:
        self.settings = settings
        self.cache = cache
        self.endpoint = settings.resolved_endpoint()
        self.offline = settings.offline or env_offline()
        self._polite = TokenBucket(settings.requests_per_second, settings.burst, settings.sleep)
        if not self.offline and settings.requests_per_second > 0:
            listen(self._polite, self.endpoint)  # the Hub's RateLimit headers slow the bucket
        self._count_lock = threading.Lock()
        self.requests_made = 0

    # --- the one gate every request passes -------------------------------------------------
    def _secrets(self) -> list[str]:
        from huggingface_hub import get_token

        found = [os.environ.get("HF_TOKEN", ""), os.environ.get("HUGGING_FACE_HUB_TOKEN", "")]
        with contextlib.suppress(Exception):  # a broken token file is not our failure
            found.append(get_token() or "")
        return found

    def _call(self, what: str, request: Callable[[], T]) -> T:
        attempts = self.settings.retries + 1
        last = ""
        for attempt in range(attempts):
            self._polite.wait()
            with self._count_lock:
                self.requests_made += 1
            try:
                return self._classified(request)
            except _Offline as error:
                raise Unreachable(f"{what}: huggingface_hub is in offline mode ({error})") from None
            except _Permanent as error:
                raise Unreachable(scrub(f"{what}: {error.reason}", self._secrets())) from None
            except _Transient as error:
                last = error.reason
                if attempt + 1 >= attempts:
                    break
                delay = min(self.settings.backoff_cap, self.settings.backoff_base * 2**attempt)
                delay *= 0.5 + random.random() / 2  # noqa: S311 - jitter, not cryptography
                if error.retry_after is not None:
                    delay = max(delay, min(error.retry_after, self.settings.max_retry_after))
                self.settings.sleep(delay)
        raise Unreachable(scrub(f"{what}: {last} (after {attempts} attempts)", self._secrets()))

    def _classified(self, request: Callable[[], T]) -> T:
        import httpx2
        from huggingface_hub.errors import (
            GatedRepoError,
            HfHubHTTPError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        try:
            return request()
        except GatedRepoError:
            raise _Denied from None
        except (RepositoryNotFoundError, RevisionNotFoundError):
            raise _Missing from None
        except HfHubHTTPError as error:
            response = error.response
            status = response.status_code if response is not None else 0
            if status in (401, 403):
                raise _Denied from None
            if status == 404:
                raise _Missing from None
            if status in _RETRY_STATUS:
                retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
                raise _Transient(f"HTTP {status}", retry_after) from None
            raise _unexpected_status(status) from None
        except ConnectionError as error:  # huggingface_hub's OfflineModeIsEnabled: no point retrying
            raise _Offline(type(error).__name__) from None
        except httpx2.TimeoutException:
            raise _Transient(f"timed out after {self.settings.timeout:g} s") from None
        except (httpx2.HTTPError, httpx2.InvalidURL, ImportError, ValueError) as error:
            failure = classify_transport_error(error)
            if failure is None and isinstance(error, ValueError):  # JSON huggingface_hub could not read
                raise _Transient(f"malformed answer ({type(error).__name__})") from None
            if failure is None:
                raise
            raise (_Transient(failure.reason) if failure.retry else _Permanent(failure.reason)) from None

    # --- repos ------------------------------------------------------------------------------
    def repo(self, artifact: ArtifactId, kind: ArtifactKind) -> Fetched:
        """One repo: its info and the small files licaudit reads, from the cache when fresh."""
        ref = parse_ref(artifact)
        named_dataset = ref is not None and ref.kind is RefKind.DATASET
        if ref is None or ref.kind not in HUB_KINDS or (named_dataset and kind is not ArtifactKind.DATASET):
            return Fetched(FetchStatus.INVALID, message=f"{artifact!r} cannot be a Hub repo id; not requested")
        repo_id = ref.name
        key = f"{kind.value}:{repo_id.lower()}"
        cached = self.cache.get_repo(key) if self.cache is not None else None
        usable = cached is not None and (self.offline or (not self.settings.refresh and self._fresh(cached.fetched_at)))
        if cached is not None and usable:
            status, revision, info = cached.status, cached.revision, cached.info
        elif self.offline:
            return Fetched(FetchStatus.NOT_CACHED, message=f"{artifact} is not in the cache (offline)")
        else:
            try:
                info = self._call(f"{kind.value} info for {repo_id}", lambda: self._info(repo_id, kind))
                status, revision = "ok", info.get("sha")
            except _Missing:
                status, revision, info = "not_found", None, {}
            except _Denied:
                status, revision, info = "gated", None, {}
            except Unreachable as error:
                return Fetched(FetchStatus.UNREACHABLE, message=str(error))
            if self.cache is not None:
                self.cache.put_repo(key, status, revision, info)
        if status == "not_found":
            return Fetched(FetchStatus.NOT_FOUND, message=f"the Hub has no {kind.value} {repo_id} (or it is private)")
        if status == "gated":
            return Fetched(FetchStatus.GATED, message=f"{repo_id} is private or gated (401/403); nothing is visible")
        return self._with_files(artifact, repo_id, kind, key, revision, info)

    def _fresh(self, fetched_at: float) -> bool:
        return self.cache is not None and self.cache.fresh(fetched_at, self.settings.ttl_seconds)

    def _info(self, repo_id: str, kind: ArtifactKind) -> dict[str, Any]:
        from huggingface_hub import HfApi

        api = HfApi(endpoint=self.endpoint)
        if kind is ArtifactKind.DATASET:
            info: Any = api.dataset_info(repo_id, expand=_DATASET_EXPAND, timeout=self.settings.timeout)  # type: ignore[arg-type]
        else:
            info = api.model_info(repo_id, expand=_MODEL_EXPAND, timeout=self.settings.timeout)  # type: ignore[arg-type]
        card_data = getattr(info, "card_data", None)
        siblings = getattr(info, "siblings", None)
        return {
            "sha": info.sha if isinstance(info.sha, str) else None,
            "tags": [t for t in (info.tags or []) if isinstance(t, str)][:2000],
            "card_data": card_data.to_dict() if card_data is not None else None,
            "gated": info.gated if isinstance(info.gated, str) else None,
            "siblings": [s.rfilename for s in siblings] if siblings is not None else None,
            "base_models": getattr(info, "base_models", None),
        }

    def _with_files(
        self,
        artifact: ArtifactId,
        repo_id: str,
        kind: ArtifactKind,
        key: str,
        revision: str | None,
        info: dict[str, Any],
    ) -> Fetched:
        web = f"{self.endpoint}/datasets/{repo_id}" if kind is ArtifactKind.DATASET else f"{self.endpoint}/{repo_id}"
        siblings = info.get("siblings")
        candidates = DATASET_FILES if kind is ArtifactKind.DATASET else MODEL_FILES
        if isinstance(siblings, list):
            wanted = [p for p in candidates if p in siblings]
        else:
            wanted = [README] + ([] if kind is ArtifactKind.DATASET else ["config.json", "adapter_config.json"])
        files: dict[str, bytes] = {}
        problems: dict[str, str] = {}
        incomplete = False
        rev = revision or "main"

        def snapshot() -> RepoSnapshot:
            return RepoSnapshot(
                artifact=ArtifactId(f"datasets/{repo_id}" if kind is ArtifactKind.DATASET else repo_id),
                kind=kind,
                revision=revision,
                web_url=web,
                tags=tuple(info.get("tags") or ()),
                card_data=info.get("card_data") if isinstance(info.get("card_data"), dict) else None,
                gated=info.get("gated"),
                base_models=info.get("base_models"),
                files=dict(files),
                file_problems=dict(problems),
            )

        def read(path: str) -> None:
            nonlocal incomplete
            outcome = self._file(key, repo_id, kind, rev, path)
            if isinstance(outcome, bytes):
                files[path] = outcome
            elif outcome != "missing":
                problems[path] = outcome
                incomplete = incomplete or outcome.startswith(("unreachable", "not cached"))

        for path in wanted:
            read(path)
        if README in files:  # a license_link inside the repo is read too
            link = parse_card(files[README]).license_link
            linked = repo_file_of_link(link, snapshot())
            fresh = linked is not None and linked not in files and linked not in problems
            if linked is not None and fresh and (not isinstance(siblings, list) or linked in siblings):
                read(linked)
        message = "; ".join(f"{p}: {m}" for p, m in problems.items())
        return Fetched(FetchStatus.OK, snapshot(), message, incomplete)

    def _file(self, key: str, repo_id: str, kind: ArtifactKind, revision: str, path: str) -> bytes | str:
        """The file's bytes, or why not: "missing", "gated (HTTP 401)", "too large ...", "unreachable ..."."""
        immutable = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
        cached = self.cache.get_file(key, revision, path) if self.cache is not None else None
        if cached is not None and (
            self.offline or immutable or (not self.settings.refresh and self._fresh(cached.fetched_at))
        ):
            return cached.content or b"" if cached.status == "ok" else cached.status
        if self.offline:
            return "not cached (offline)"
        limit = MAX_CARD_BYTES if path == README else MAX_LICENSE_BYTES if path in LICENSE_FILES else MAX_CONFIG_BYTES
        try:
            content: bytes | str = self._call(
                f"{path} of {repo_id}", lambda: self._download(repo_id, kind, revision, path, limit)
            )
        except _Missing:
            content = "missing"
        except _Denied:
            content = "gated (401/403): the file is not visible without access"
        except _TooLarge as error:
            content = str(error)
        except Unreachable as error:
            return f"unreachable: {error}"
        if self.cache is not None:
            if isinstance(content, bytes):
                self.cache.put_file(key, revision, path, "ok", content)
            else:
                self.cache.put_file(key, revision, path, content, None)
        return content

    def _download(self, repo_id: str, kind: ArtifactKind, revision: str, path: str, limit: int) -> bytes:
        """GET one file through huggingface_hub's session, streamed, bounded in size and time.

        Not `hf_hub_download`: it cannot bound a file's size (a 1 GB config would be written to
        disk first), and it retries on its own for ~23 s; this gate owns retries.
        """
        import httpx2
        from huggingface_hub import get_session, hf_hub_url
        from huggingface_hub.utils._headers import build_hf_headers

        url = hf_hub_url(
            repo_id, path, repo_type="dataset" if kind is ArtifactKind.DATASET else None, revision=revision,
            endpoint=self.endpoint,
        )  # fmt: skip
        headers = build_hf_headers(library_name="licaudit")
        deadline = time.monotonic() + self.settings.timeout * 3
        timeout = httpx2.Timeout(self.settings.timeout)
        with get_session().stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
            status = response.status_code
            if status in (401, 403) or response.headers.get("X-Error-Code") == "GatedRepo":
                raise _Denied
            if status == 404:
                raise _Missing
            if status in _RETRY_STATUS:
                raise _Transient(f"HTTP {status}", parse_retry_after(response.headers.get("Retry-After")))
            if status >= 400:
                raise _unexpected_status(status)
            try:
                return read_bounded(response.iter_bytes(65536), limit, response.headers.get("Content-Length"), deadline)
            except BodyRejected as rejected:
                if rejected.too_slow:
                    raise _Transient(f"too slow: not complete after {self.settings.timeout * 3:g} s") from None
                raise _TooLarge(str(rejected)) from None

    # --- URLs, lists ------------------------------------------------------------------------
    def license_text(self, url: str) -> tuple[bytes | None, str | None]:
        """A `license_link` outside the repo, fetched with requests (timeout, size bound), cached."""
        cached = self.cache.get_url(url) if self.cache is not None else None
        if cached is not None and (self.offline or (not self.settings.refresh and self._fresh(cached.fetched_at))):
            return (cached.content, None) if cached.status == "ok" else (None, cached.status)
        if self.offline:
            return None, "not cached (offline)"
        self._polite.wait()
        with self._count_lock:
            self.requests_made += 1
        try:
            content = fetch_license_url(url, self.settings.timeout)
        except LicenseFetchError as error:
            return None, f"not read: {error}"
        if self.cache is not None:
            self.cache.put_url(url, "ok", content)
        return content, None

    def _listing(self, query: str, produce: Callable[[], list[Any]]) -> list[Any] | None:
        cached = self.cache.get_list(query) if self.cache is not None else None
        if cached is not None and (self.offline or (not self.settings.refresh and self._fresh(cached[1]))):
            return cached[0]
        if self.offline:
            return None
        try:
            result = self._call(query, produce)
        except (Unreachable, _Missing, _Denied):
            return None
        if self.cache is not None:
            self.cache.put_list(query, result)
        return result

    def children(self, artifact: ArtifactId, limit: int) -> list[tuple[str, str]] | None:
        """(child id, relation) for models the Hub lists under `base_model:<relation>:<id>`."""
        ref = parse_ref(artifact)
        if ref is None or ref.kind is not RefKind.MODEL:  # only models have children by `base_model`
            return []
        repo_id = ref.name
        from huggingface_hub import HfApi

        api = HfApi(endpoint=self.endpoint)
        found: list[tuple[str, str]] = []
        for relation in _RELATIONS:
            query = f"base_model:{relation}:{repo_id}"

            def produce(query: str = query) -> list[Any]:
                return [m.id for m in api.list_models(filter=query, limit=limit)]

            ids = self._listing(f"children {query} {limit}", produce)
            if ids is None:
                return None
            found += [(str(i), relation) for i in ids if isinstance(i, str)]
        return sorted(set(found))[:limit]

    def search(self, artifact: ArtifactId, kind: ArtifactKind) -> list[str]:
        """Did-you-mean: ids the Hub finds for the name part (cached like every answer)."""
        name = artifact.rsplit("/", 1)[-1]
        if not hub_repo_id(name):
            return []
        from huggingface_hub import HfApi

        api = HfApi(endpoint=self.endpoint)
        if kind is ArtifactKind.DATASET:
            result = self._listing(
                f"search dataset {name.lower()}",
                lambda: [f"datasets/{d.id}" for d in api.list_datasets(search=name, limit=5)],
            )
        else:
            result = self._listing(
                f"search model {name.lower()}", lambda: [m.id for m in api.list_models(search=name, limit=5)]
            )
        return [str(r) for r in result or [] if isinstance(r, str) and r.lower() != artifact.lower()]


class _TooLarge(Exception):
    pass
