"""The crawl: a target's ancestors, looked up concurrently, within a budget.

Parents that a local source answers (registry, imported dumps) are looked up in place; the rest
are resolved in a pool of threads (the source bounds the request rate), each artifact's parents
asked for as soon as it is known. The graph is then built from what the crawl found, with the
same depth semantics as `build_lineage`.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from licaudit.artifacts import ArtifactId
from licaudit.findings import Finding
from licaudit.lineage.fan_out import Deadline, TraceBudget, bound_parents, is_stand_in, not_looked_up
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.resolution import Lookup

if TYPE_CHECKING:  # concurrent.futures is imported only when a lookup needs the network
    from concurrent.futures import Future


class LookupSource(Protocol):
    def lookup(self, artifact: ArtifactId) -> Lookup: ...

    def lookup_local(self, artifact: ArtifactId) -> Lookup | None:
        """The answer when no network is needed for it, else None (then `lookup` runs in the pool)."""
        ...


@dataclass(frozen=True)
class CrawlProgress:
    done: int
    total: int
    depth: int
    current: ArtifactId | None


ProgressCallback = Callable[[CrawlProgress], None]


@dataclass
class Crawl:
    """What the crawl found: the target's lookup, every ancestor's, and the findings on the way."""

    target: Lookup
    found: dict[ArtifactId, Lookup] = field(default_factory=dict)

    def resolve(self, artifact: ArtifactId) -> ArtifactFacts | None:
        found = self.found.get(artifact)
        return found.facts if found is not None else None

    def findings(self) -> list[Finding]:
        seen: set[Finding] = set()
        ordered: list[Finding] = []
        for lookup in (self.target, *self.found.values()):
            for finding in lookup.findings:
                if finding not in seen:
                    seen.add(finding)
                    ordered.append(finding)
        return ordered

    @property
    def incomplete(self) -> bool:
        return any(lookup.unreachable for lookup in (self.target, *self.found.values()))


def crawl_ancestors(
    target: ArtifactId,
    source: LookupSource,
    max_depth: int | None = None,
    workers: int = 8,
    progress: ProgressCallback | None = None,
    budget: TraceBudget | None = None,
) -> Crawl:
    """Look up the target, then its parents to `max_depth` hops, within the budget (parents per
    artifact, artifacts per trace, seconds). An artifact's parents are asked for as soon as it is
    known, not when its whole level is: no worker waits for the slowest lookup of a level."""
    budget = budget or TraceBudget()
    deadline = Deadline(budget.time_budget)
    notify = progress or (lambda _p: None)
    notify(CrawlProgress(0, 1, 0, target))
    crawl = Crawl(_bounded(source.lookup(target), budget.max_parents))
    root = crawl.target.facts
    if root is None:
        notify(CrawlProgress(1, 1, 0, None))
        return crawl
    crawl.found[root.id] = crawl.target
    seen: set[str] = {root.id.lower(), target.lower()}
    counts = {"done": 1, "total": 1, "asked": 1}
    pending: dict[Future[Lookup], tuple[ArtifactId, int]] = {}
    ready: deque[tuple[ArtifactId, int, Lookup]] = deque()  # answered, not yet walked
    out_of_time = f"the --time-budget of {budget.time_budget or 0:g} s ran out"
    pool: LookupPool | None = None  # started only for lookups that may reach the network

    def record(artifact: ArtifactId, depth: int, lookup: Lookup) -> None:
        lookup = _bounded(lookup, budget.max_parents)
        counts["done"] += 1
        notify(CrawlProgress(counts["done"], counts["total"], depth, artifact))
        crawl.found[artifact] = lookup
        parent = lookup.facts
        if parent is None:
            return
        crawl.found.setdefault(parent.id, lookup)
        key = parent.id.lower()
        if key == artifact.lower() or key not in seen:  # an alias of a known artifact is not walked twice
            seen.add(key)
            ask_parents(parent, depth)

    def ask_parents(facts: ArtifactFacts, depth: int) -> None:
        nonlocal pool
        if max_depth is not None and depth >= max_depth:
            return
        wanted = [link.parent for link in facts.parents if link.parent.lower() not in seen]
        seen.update(artifact.lower() for artifact in wanted)
        counts["total"] += len(wanted)
        notify(CrawlProgress(counts["done"], counts["total"], depth + 1, None))
        for artifact in wanted:
            if is_stand_in(artifact):  # the parents past --max-parents: nobody is asked
                ready.append((artifact, depth + 1, Lookup(None)))
                continue
            counts["asked"] += 1
            if budget.max_artifacts is not None and counts["asked"] > budget.max_artifacts:
                why = f"the --max-artifacts budget of {budget.max_artifacts:,} was reached"
                ready.append((artifact, depth + 1, _left_out(artifact, why)))
            elif deadline.passed():
                ready.append((artifact, depth + 1, _left_out(artifact, out_of_time)))
            elif (known := source.lookup_local(artifact)) is not None:  # quicker in place than in a thread
                ready.append((artifact, depth + 1, known))
            else:
                pool = pool or LookupPool(workers)
                pending[pool.submit(source.lookup, artifact)] = (artifact, depth + 1)

    def settle() -> None:  # walk what was answered; a queue, not recursion: chains may be long
        while ready:
            record(*ready.popleft())

    try:
        ask_parents(root, 0)
        settle()
        if pending:
            from concurrent.futures import FIRST_COMPLETED, wait
        while pending:
            finished, _ = wait(pending, timeout=deadline.left(), return_when=FIRST_COMPLETED)
            if not finished:  # the time budget ran out with lookups in flight: they are abandoned
                for future, (artifact, depth) in pending.items():
                    future.cancel()
                    ready.append((artifact, depth, _left_out(artifact, out_of_time)))
                pending.clear()
            for future in finished:
                artifact, depth = pending.pop(future)
                ready.append((artifact, depth, future.result()))  # a bug in a lookup is raised here
            settle()
    finally:
        if pool is not None:
            pool.close()
    return crawl


def _left_out(artifact: ArtifactId, why: str) -> Lookup:
    return Lookup(None, (not_looked_up(artifact, why),), unreachable=why)


def _bounded(lookup: Lookup, max_parents: int) -> Lookup:
    """The lookup with its artifact's parents bounded (and the finding that says so)."""
    if lookup.facts is None:
        return lookup
    facts, finding = bound_parents(lookup.facts, max_parents)
    if finding is None:
        return lookup
    return replace(lookup, facts=facts, findings=(*lookup.findings, finding))


class LookupPool:
    """Daemon threads for Hub lookups. Not a ThreadPoolExecutor: its threads are joined when the
    interpreter exits, so a Ctrl-C or an exhausted time budget would wait for every request in
    flight (up to its timeout); a daemon thread is abandoned and the process ends at once. What
    a thread was writing to the cache is one SQLite transaction: committed whole or not at all."""

    def __init__(self, workers: int) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[ArtifactId], Lookup], ArtifactId, Future[Lookup]] | None]
        self._jobs = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"licaudit-crawl-{n}", daemon=True) for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            lookup, artifact, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(lookup(artifact))
            except BaseException as error:  # handed to the crawling thread, which decides
                future.set_exception(error)

    def submit(self, lookup: Callable[[ArtifactId], Lookup], artifact: ArtifactId) -> Future[Lookup]:
        from concurrent.futures import Future

        future: Future[Lookup] = Future()
        self._jobs.put((lookup, artifact, future))
        return future

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
