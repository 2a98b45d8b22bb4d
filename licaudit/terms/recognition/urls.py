"""License URLs: Creative Commons deeds and legal codes, opensource.org, apache.org, gnu.org,
spdx.org, choosealicense.com, and any URL ScanCode lists for a license."""

from __future__ import annotations

import re
from dataclasses import dataclass

URL = re.compile(
    r"https?://[^\s<>()\[\]\"'`]+|\b(?:www\.)?(?:creativecommons|opensource|spdx|gnu)\.org/[^\s<>()\[\]\"'`]+"
)
_CC = re.compile(
    r"creativecommons\.org/licenses/(?P<elements>[a-z-]+)/(?P<version>\d\.\d)(?:/(?P<port>[a-z]{2,3}))?", re.IGNORECASE
)
_CC_ZERO = re.compile(r"creativecommons\.org/(?:publicdomain/zero|share-your-work/public-domain/cc0)", re.IGNORECASE)
_CC_MARK = re.compile(r"creativecommons\.org/publicdomain/mark/(\d\.\d)", re.IGNORECASE)
_GNU = re.compile(r"gnu\.org/licenses/(?:old-licenses/)?(a?gpl|lgpl|fdl)(?:-(\d\.\d))?", re.IGNORECASE)
_ID_PATHS = re.compile(
    r"(?:opensource\.org/licenses?|spdx\.org/licenses|choosealicense\.com/licenses)/(?P<id>[A-Za-z0-9.+-]+?)"
    r"(?:\.html|\.txt|\.php|\.json)?/?(?:[#?].*)?$",
    re.IGNORECASE,
)
_APACHE = re.compile(r"apache\.org/licenses/LICENSE-(\d\.\d)", re.IGNORECASE)
_GNU_FAMILY = {"gpl": "GPL", "agpl": "AGPL", "lgpl": "LGPL", "fdl": "GFDL"}


@dataclass(frozen=True)
class UrlReading:
    """What a URL names: an id or name to look up, and (for CC) the port it carries."""

    name: str
    port: str | None = None


def read_license_url(url: str) -> UrlReading | None:
    """The license a URL points to, when the URL's shape alone says it."""
    if _CC_ZERO.search(url):
        return UrlReading("CC0-1.0")
    mark = _CC_MARK.search(url)
    if mark is not None:
        return UrlReading(f"Public Domain Mark {mark.group(1)}")
    cc = _CC.search(url)
    if cc is not None:
        elements = cc.group("elements").upper()
        port = cc.group("port")
        return UrlReading(f"CC-{elements}-{cc.group('version')}", port.upper() if port else None)
    apache = _APACHE.search(url)
    if apache is not None:
        return UrlReading(f"Apache-{apache.group(1)}")
    gnu = _GNU.search(url)
    if gnu is not None:
        family = _GNU_FAMILY[gnu.group(1).lower()]
        return UrlReading(f"{family}-{gnu.group(2)}" if gnu.group(2) else family)
    by_id = _ID_PATHS.search(url)
    if by_id is not None:
        return UrlReading(by_id.group("id"))
    return None


def url_key(url: str) -> str:
    """A URL without scheme, `www.`, trailing slash, fragment or case: how ScanCode's URLs are matched."""
    key = re.sub(r"^[a-z]+://", "", url.strip().lower())
    key = key.removeprefix("www.")
    key = key.split("#", 1)[0]
    return key.rstrip("/.,;:")
