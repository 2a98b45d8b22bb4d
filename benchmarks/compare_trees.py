"""Before and after: the same commands from two licaudit source trees, interleaved, medians.

Each round runs every measure from both trees, the order alternating, each tree with a cache
folder of its own (a shared one would make each run rebuild the other's parsed-data snapshot):

- `licaudit --help`;
- `trace` of a registry id (the first trace in a fresh cache: the data files are parsed);
- `import` of a synthetic JSON Lines dump (rows/s; workers start above 4 MB);
- `trace` of a 20-hop lineage the dump holds (warm);
- `gate` of a 5,000-file repository referencing 200 registry artifacts, SARIF to a file.

The baseline is the other tree, measured in the same run. Make a tree of an older commit with
`git worktree add /tmp/before <commit>`.

Run: python benchmarks/compare_trees.py /tmp/before . [--rounds 5] [--models 100000]
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gate import write_registry, write_repository
from synthetic_hub import deep_lineage, iter_datasets, iter_models, write_rows

MEASURES = ("help_ms", "trace_registry_ms", "trace_deep_ms", "import_rows_per_s", "gate_5000_files_s")


def run(tree: Path, args: list[str], cache: Path) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "LICAUDIT_CACHE_DIR": str(cache),
        "NO_COLOR": "1",
        "HF_HUB_OFFLINE": "1",
    }
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "licaudit", *args],
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--models", type=int, default=100_000)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    for tree in trees.values():
        compileall.compile_dir(str(tree / "licaudit"), quiet=1)  # as pip installs it
    work = Path(tempfile.mkdtemp(prefix="licaudit-compare-"))
    try:
        rng = random.Random(4)
        registry, repo, dump = work / "registry", work / "repo", work / "dump.jsonl"
        write_repository(repo, 5000, write_registry(registry, 200, rng), rng)
        rows = [*iter_models(args.models), *iter_datasets(args.models // 5), *deep_lineage()]
        count = write_rows(iter(rows), dump)
        print(f"cores: {os.cpu_count()}   load average: {os.getloadavg()[0]:.1f}   dump rows: {count:,}")
        results: dict[tuple[str, str], list[float]] = {}
        for index in range(args.rounds):
            order = list(trees.items()) if index % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                cache = work / f"cache-{name}-{index}"

                def record(measure: str, value: float, name: str = name) -> None:
                    results.setdefault((measure, name), []).append(value)

                record("help_ms", run(tree, ["--help"], cache) * 1000)
                record(
                    "trace_registry_ms", run(tree, ["trace", "tatsu-lab/alpaca-7b-wdiff", "-f", "json"], cache) * 1000
                )
                record("import_rows_per_s", count / run(tree, ["import", str(dump)], cache))
                deep = ["trace", "deep/chain-20", "--format", "json", "--offline"]
                run(tree, deep, cache)
                record("trace_deep_ms", run(tree, deep, cache) * 1000)
                gate = ["gate", str(repo), "--policy", "commercial", "--registry", str(registry), "--offline"]
                gate += ["--today", "2026-11-22", "--format", "sarif", "--output", str(work / f"{name}.sarif")]
                record("gate_5000_files_s", run(tree, gate, cache))
                shutil.rmtree(cache, ignore_errors=True)
        print(f"{'measure':<22} {'before':>10} {'after':>10} {'after/before':>13}")
        for measure in MEASURES:
            before = statistics.median(results[(measure, "before")])
            after = statistics.median(results[(measure, "after")])
            print(f"{measure:<22} {before:>10.1f} {after:>10.1f} {after / before:>13.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
