"""The one exception tree: exceptions mean "cannot continue", never "unknown"."""

from __future__ import annotations

from pathlib import Path


class LicauditError(Exception):
    """Base of every error licaudit raises on purpose."""


class DataFileError(LicauditError):
    """A shipped or user-supplied data file (rules, registry, policy) is malformed."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UnknownArtifactError(LicauditError):
    """The id names no artifact any source knows."""

    def __init__(self, artifact_id: str, suggestions: list[str]) -> None:
        self.artifact_id = artifact_id
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown artifact {artifact_id!r}.{hint}")


class UnknownLicenseError(LicauditError):
    """The name given to `licaudit explain` matches no catalogued license."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no catalogued license matches {name!r}.{hint}")


class UsageError(LicauditError):
    """Flags or arguments that cannot be honoured."""


class SourceUnreachableError(LicauditError):
    """A source (the Hub) still failed after retries; what was fetched is cached and a re-run resumes."""

    def __init__(self, artifact_id: str, reason: str) -> None:
        self.artifact_id = artifact_id
        self.reason = reason
        super().__init__(f"could not read {artifact_id!r}: {reason}; a re-run resumes from the cache")
