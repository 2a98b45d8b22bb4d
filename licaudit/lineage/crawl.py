"""The crawl: a target's ancestors, breadth-first, one level at a time, looked up concurrently.

Each level's parents that a local source answers (registry, imported dumps) are looked up in
place; the rest are resolved in a thread pool (the source bounds the request rate). The graph is
then built from what the crawl found, with the same depth semantics as `build_lineage`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from licaudit.artifacts import ArtifactId
from licaudit.findings import Finding
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.resolution import Lookup

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor


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
) -> Crawl:
    """Look up the target, then each level of parents concurrently, to `max_depth` hops."""
    notify = progress or (lambda _p: None)
    notify(CrawlProgress(0, 1, 0, target))
    crawl = Crawl(source.lookup(target))
    root = crawl.target.facts
    if root is None:
        notify(CrawlProgress(1, 1, 0, None))
        return crawl
    crawl.found[root.id] = crawl.target
    seen: set[str] = {root.id.lower(), target.lower()}
    level = [root]
    depth, done, total = 0, 1, 1
    pool: ThreadPoolExecutor | None = None  # started only for lookups that may reach the network
    try:
        while level and (max_depth is None or depth < max_depth):
            wanted: list[ArtifactId] = []
            for facts in level:
                for link in facts.parents:
                    if link.parent.lower() not in seen:
                        seen.add(link.parent.lower())
                        wanted.append(link.parent)
            total += len(wanted)
            notify(CrawlProgress(done, total, depth + 1, None))
            # Threads only pay off while waiting on the Hub; a local answer is quicker in place.
            local = [source.lookup_local(artifact) for artifact in wanted]
            remote = [artifact for artifact, known in zip(wanted, local, strict=True) if known is None]
            fetched: Iterator[Lookup] = iter(())
            if remote:
                if pool is None:
                    from concurrent.futures import ThreadPoolExecutor

                    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="licaudit-crawl")
                fetched = pool.map(source.lookup, remote)
            next_level: list[ArtifactFacts] = []
            for artifact, known in zip(wanted, local, strict=True):
                lookup = known if known is not None else next(fetched)
                done += 1
                notify(CrawlProgress(done, total, depth + 1, artifact))
                crawl.found[artifact] = lookup
                parent = lookup.facts
                if parent is None:
                    continue
                crawl.found.setdefault(parent.id, lookup)
                key = parent.id.lower()
                if key == artifact.lower() or key not in seen:  # an alias of a known artifact is not walked twice
                    seen.add(key)
                    next_level.append(parent)
            level = next_level
            depth += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return crawl
