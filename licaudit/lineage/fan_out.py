"""Bounds on how far a trace reaches: parents per artifact, artifacts per trace, and time.

A card may declare 100,000 datasets; looking each up would take hours at a polite rate. Past
`max_parents` the first ones are kept and the rest stand behind one unresolved stand-in parent,
so the artifact's terms are unknown (fail closed) and a `too-many-parents` finding says why.
Past `max_artifacts` or the time budget, what is left is recorded as not looked up: the trace is
incomplete (exit 3) with what was reached, and a re-run resumes from the cache.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from licaudit.artifacts import ArtifactId, Evidence, Origin, Relation
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.sources.facts import ArtifactFacts, ParentLink

DEFAULT_MAX_PARENTS = 256
_STAND_IN_MARK = " parents not followed)"


@dataclass(frozen=True)
class TraceBudget:
    """How far one trace may reach; None: no bound."""

    max_parents: int = DEFAULT_MAX_PARENTS
    max_artifacts: int | None = None
    time_budget: float | None = None  # seconds, from the start of the crawl


def is_stand_in(artifact: str) -> bool:
    """The placeholder for the parents past the cap: no source is ever asked about it."""
    return artifact.endswith(_STAND_IN_MARK)


def bound_parents(facts: ArtifactFacts, max_parents: int) -> tuple[ArtifactFacts, Finding | None]:
    """The facts with at most `max_parents` declared parents plus one stand-in for the rest."""
    parents = facts.parents
    if len(parents) <= max_parents or (len(parents) == max_parents + 1 and is_stand_in(parents[-1].parent)):
        return facts, None
    left = len(parents) - max_parents
    stand_in = ArtifactId(f"{facts.id} (+{left:,}{_STAND_IN_MARK}")
    evidence = (Evidence(Origin.INFERRED, facts.id, f"{len(parents):,} parents declared; limit {max_parents:,}"),)
    kept = (*parents[:max_parents], ParentLink(stand_in, _relation_of(parents[max_parents:]), evidence))
    finding = Finding(
        FindingKind.TOO_MANY_PARENTS,
        Severity.ERROR,
        facts.id,
        f"{facts.id} declares {len(parents):,} parents; only the first {max_parents:,} were followed "
        f"(--max-parents), so its terms are unknown: the other {left:,} may carry any license",
    )
    return replace(facts, parents=kept), finding


def _relation_of(links: tuple[ParentLink, ...]) -> Relation:
    relations = {link.relation for link in links}
    return relations.pop() if len(relations) == 1 else links[0].relation


class Deadline:
    """The time budget as a clock: seconds left, or None when unbounded."""

    def __init__(self, budget: float | None) -> None:
        self._end = time.monotonic() + budget if budget is not None else None

    def left(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def passed(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0


def not_looked_up(artifact: ArtifactId, why: str) -> Finding:
    """An artifact the budget left out: the trace is incomplete, as when a source is down."""
    return Finding(
        FindingKind.UNREACHABLE,
        Severity.ERROR,
        artifact,
        f"{artifact} was not looked up: {why}; the trace is incomplete (re-run with a larger budget to resume)",
    )
