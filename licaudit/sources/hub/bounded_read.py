"""Reading an untrusted HTTP body: bounded in size (declared and actual) and in total time."""

from __future__ import annotations

import time
from collections.abc import Iterable


class BodyRejected(Exception):
    """The body was not read whole: too large, or too slow. The message says which, for a finding."""

    def __init__(self, message: str, too_slow: bool = False) -> None:
        super().__init__(message)
        self.too_slow = too_slow


def read_bounded(chunks: Iterable[bytes], limit: int, content_length: str | None, deadline: float | None) -> bytes:
    """Join `chunks` unless the body is over `limit` bytes or still arriving at `deadline` (monotonic)."""
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise BodyRejected(f"too large: {int(content_length):,} bytes (bound {limit:,}); not read")
    received: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise BodyRejected(f"too large: over the {limit:,}-byte bound; not read")
        if deadline is not None and time.monotonic() > deadline:
            raise BodyRejected("too slow: the body was still arriving at the time limit", too_slow=True)
        received.append(chunk)
    return b"".join(received)
