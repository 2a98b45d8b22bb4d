"""License texts: a LICENSE file or a `license_link` URL, identified by the catalog's text markers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from licaudit.sources.hub.bounded_read import BodyRejected, read_bounded

MAX_LICENSE_BYTES = 1_000_000


@dataclass(frozen=True)
class TextIdentification:
    """How a license text (a LICENSE file, a `license_link` target) was read."""

    expression: str  # catalog ids, joined with AND when the text also states restrictions
    quote: str  # the words that identify it
    method: str  # "text-match", "marker", "name", "phrase", ...
    confidence: float  # 0..1 (a text match: the share of the known license text found)
    problem: str | None = None  # e.g. "modified text: 87% of the Apache-2.0 text found" (a finding)


class LicenseIdentifier(Protocol):
    """What the sources need from the license catalog (implemented in `licaudit.terms.identify`)."""

    def lookup_name(self, name: str) -> str | None:
        """The catalog id a license name or alias means, if any."""

    def identify_text(self, text: str) -> tuple[str, str] | None:
        """(catalog id, the marker phrase found) for a full license text, if a marker matches."""

    def identify_license_text(self, text: str) -> TextIdentification | None:
        """A full license text read with its evidence and score; None when nothing in it is known."""


class NoIdentifier:
    def lookup_name(self, name: str) -> str | None:
        return None

    def identify_text(self, text: str) -> tuple[str, str] | None:
        return None

    def identify_license_text(self, text: str) -> TextIdentification | None:
        return None


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
