"""Transport failures: what went wrong between licaudit and the Hub, and whether a retry can help.

huggingface_hub speaks through httpx2 and `license_link` URLs are read with requests; both raise
their own trees, and some failures arrive as plain ValueError or ImportError. Each is named in
words a CI log can show, and classed: a timeout or a dropped connection may pass on a retry; a
redirect loop, a TLS or proxy failure, an invalid URL or a body that cannot be decoded will fail
the same way again, so it is not retried (the trace records the source as unreachable at once).
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class TransportFailure:
    reason: str
    retry: bool  # False: the same request would fail the same way


def classify_transport_error(error: BaseException) -> TransportFailure | None:
    """The failure `error` stands for, or None when it is no transport failure (a bug: re-raise)."""
    import httpx2

    if isinstance(error, httpx2.TooManyRedirects):
        return TransportFailure("redirect loop (too many redirects); not retried", retry=False)
    if isinstance(error, httpx2.TimeoutException):
        return TransportFailure(f"timed out ({type(error).__name__})", retry=True)
    if isinstance(error, httpx2.ProxyError):
        return TransportFailure(f"the proxy failed ({_first_line(error)}); not retried", retry=False)
    if isinstance(error, (httpx2.UnsupportedProtocol, httpx2.InvalidURL)):
        return TransportFailure(f"invalid URL ({_first_line(error)}); not retried", retry=False)
    if isinstance(error, httpx2.ConnectError) and _caused_by(error, ssl.SSLError):
        return TransportFailure(f"TLS failed ({_first_line(error)}); not retried", retry=False)
    if isinstance(error, httpx2.ConnectError) and _caused_by(error, ConnectionRefusedError):
        return TransportFailure("connection refused", retry=True)
    if isinstance(error, httpx2.DecodingError):
        return TransportFailure(f"the answer could not be decoded ({_first_line(error)}); not retried", retry=False)
    if isinstance(error, httpx2.RemoteProtocolError) and "invalid url" in str(error).lower():  # a bad Location
        return TransportFailure(f"invalid URL ({_first_line(error)}); not retried", retry=False)
    if isinstance(error, httpx2.RemoteProtocolError):
        return TransportFailure(f"the server broke the HTTP protocol ({_first_line(error)})", retry=True)
    if isinstance(error, httpx2.TransportError):
        return TransportFailure(type(error).__name__, retry=True)
    if isinstance(error, httpx2.RequestError):
        return TransportFailure(f"request failed ({type(error).__name__})", retry=True)
    if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
        return TransportFailure(f"malformed answer ({type(error).__name__})", retry=True)
    if isinstance(error, ImportError) and "proxy" in str(error).lower():
        return TransportFailure(f"the proxy needs a package that is not installed ({_first_line(error)})", False)
    return _requests_failure(error)


def _requests_failure(error: BaseException) -> TransportFailure | None:
    try:
        import requests
    except ImportError:  # pragma: no cover - requests ships with huggingface_hub's extras
        return None
    if isinstance(error, requests.TooManyRedirects):
        return TransportFailure("redirect loop (too many redirects); not retried", retry=False)
    if isinstance(error, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return TransportFailure(f"{type(error).__name__}; not retried", retry=False)
    if isinstance(error, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return TransportFailure("invalid URL; not retried", retry=False)
    if isinstance(error, requests.RequestException):
        return TransportFailure(type(error).__name__, retry=True)
    return None


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return kind is ssl.SSLError and "ssl" in str(error).lower()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0][:200] if text else "") or type(error).__name__
