"""Crawl throughput against the local Hub server with injected latency, sequential vs concurrent.

One run measures, on the same synthetic Hub (a lineage tree of models and datasets, every
request delayed by --latency seconds): a cold sequential crawl (1 worker: the baseline), cold
concurrent crawls (N workers, without and with the default politeness limit), and a warm
re-trace (requests made within the TTL: the aim is none).
Run: python benchmarks/bench_crawl.py [--latency 0.05] [--workers 8] [--branching 3] [--depth 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sources.hub_server import HubServer


def build_world(hub: HubServer, branching: int, depth: int) -> tuple[str, int]:
    """A tree: each model has `branching` model parents and one dataset, down to `depth` levels."""
    count = 0

    def add(name: str, level: int) -> None:
        nonlocal count
        parents = [f"{name}-{i}" for i in range(branching)] if level < depth else []
        bases = "".join(f"- {p}\n" for p in parents)
        base_block = f"base_model:\n{bases}" if parents else ""
        hub.model(name, f"---\nlicense: apache-2.0\n{base_block}datasets: [{name}-data]\n---\n", config__json="{}")
        hub.dataset(f"{name}-data", "---\nlicense: cc-by-4.0\n---\n")
        count += 2
        for parent in parents:
            add(parent, level + 1)

    add("bench/root", 0)
    return "bench/root", count


def run(target: str, workers: int, rate: float, cache: str, hub: HubServer) -> tuple[float, int, int]:
    from licaudit.knowledge import load_knowledge
    from licaudit.pipeline import TraceSettings, trace
    from licaudit.sources.hub.settings import HubSettings

    knowledge = load_knowledge()
    settings = HubSettings(endpoint=hub.url, workers=workers, requests_per_second=rate, cache_dir=cache)
    hub.reset_log()
    start = time.perf_counter()
    result = trace(target, TraceSettings(hub=settings), knowledge)
    elapsed = time.perf_counter() - start
    assert not result.incomplete
    return elapsed, len(hub.requests()), len(result.graph)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--branching", type=int, default=3)
    parser.add_argument("--depth", type=int, default=2)
    args = parser.parse_args()

    hub = HubServer().start()
    os.environ.update({"HF_ENDPOINT": hub.url, "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_TELEMETRY": "1"})
    os.environ.pop("HF_TOKEN", None)
    scratch = Path(tempfile.mkdtemp(prefix="licaudit-bench-"))
    os.environ["LICAUDIT_CACHE_DIR"] = str(scratch / "data")
    os.environ["HF_HUB_CACHE"] = str(scratch / "hf")
    target, repos = build_world(hub, args.branching, args.depth)
    hub.latency = args.latency
    print(f"{repos} repos, {args.latency * 1000:.0f} ms injected per request, local server {hub.url}")
    print(f"{'run':<58} {'seconds':>8} {'requests':>9} {'repos/s':>8} {'vs baseline':>12}")

    rows = [
        ("cold, sequential (1 worker): baseline", 1, 0.0, "seq"),
        (f"cold, concurrent ({args.workers} workers, no rate cap)", args.workers, 0.0, "conc"),
        (f"cold, concurrent ({args.workers} workers, 10 req/s politeness)", args.workers, 10.0, "polite"),
        (f"warm re-trace ({args.workers} workers, cache of the run above)", args.workers, 10.0, "polite"),
    ]
    baseline = None
    for label, workers, rate, cache in rows:
        elapsed, requests, nodes = run(target, workers, rate, str(scratch / cache), hub)
        baseline = baseline or elapsed
        print(f"{label:<58} {elapsed:8.2f} {requests:9d} {nodes / elapsed:8.1f} {baseline / elapsed:11.1f}x")
    hub.stop()


if __name__ == "__main__":
    main()
