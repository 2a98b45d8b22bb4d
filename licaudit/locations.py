"""Locations: a place in a repository or file that a finding or a reference points at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in the repository: a POSIX path relative to the scanned root, 1-based line and column."""

    file: str
    line: int
    column: int = 1
