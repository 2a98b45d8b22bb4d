"""Untrusted HTTP bodies: refused when declared or found too large, or still arriving at the deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from licaudit.sources.hub.bounded_read import BodyRejected, read_bounded


def test_a_body_within_bounds_is_joined() -> None:
    assert read_bounded([b"ab", b"cd"], 4, "4", time.monotonic() + 5) == b"abcd"


def test_a_declared_length_over_the_bound_is_refused_before_reading() -> None:
    def never() -> Iterator[bytes]:
        raise AssertionError("read despite Content-Length")
        yield b""

    with pytest.raises(BodyRejected, match="10,000,000 bytes"):
        read_bounded(never(), 1000, "10000000", None)


def test_a_body_that_lies_about_its_length_is_cut_at_the_bound() -> None:
    with pytest.raises(BodyRejected, match="over the 5-byte bound") as caught:
        read_bounded([b"abc", b"def"], 5, "3", None)
    assert not caught.value.too_slow


def test_a_trickling_body_stops_at_the_deadline() -> None:
    with pytest.raises(BodyRejected) as caught:
        read_bounded([b"a", b"b"], 100, None, time.monotonic() - 1)
    assert caught.value.too_slow
