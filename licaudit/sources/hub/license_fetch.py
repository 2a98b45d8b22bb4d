"""A `license_link` that points off the repo: fetched over HTTP(S), bounded in size and time."""

from __future__ import annotations

import time

from licaudit.sources.cards.license_text import MAX_LICENSE_BYTES
from licaudit.sources.hub.bounded_read import BodyRejected, read_bounded


class LicenseFetchError(Exception):
    """The URL could not be read (timeout, HTTP error, too large); the message says which."""


def fetch_license_url(url: str, timeout: float, max_bytes: int = MAX_LICENSE_BYTES) -> bytes:
    """GET an http(s) URL with a timeout and a size bound; no credentials are ever sent."""
    import requests  # lazily: a registry-only trace never needs it

    if not url.lower().startswith(("https://", "http://")):
        raise LicenseFetchError("only http(s) links are followed")
    try:
        with requests.get(url, timeout=timeout, stream=True, allow_redirects=True) as response:
            if response.status_code >= 400:
                raise LicenseFetchError(f"HTTP {response.status_code}")
            deadline = time.monotonic() + timeout * 3  # a trickling server cannot hold the crawl
            try:
                return read_bounded(
                    response.iter_content(65536), max_bytes, response.headers.get("Content-Length"), deadline
                )
            except BodyRejected as rejected:
                raise LicenseFetchError(str(rejected)) from None
    except requests.RequestException as error:
        raise LicenseFetchError(type(error).__name__) from None
    except (ValueError, UnicodeError) as error:  # urllib3's LocationParseError: a host label too long
        raise LicenseFetchError(f"invalid URL ({type(error).__name__})") from None
