"""A card that declares 100,000 datasets (or 3,000 base models): time to answer and peak memory.

The local Hub server serves one model whose card lists N datasets (and M base models); the real
CLI traces it in a fresh process with fresh caches. Each declared id is also a repo on the
server, so an unbounded crawl would fetch every one. Reported: exit code, seconds, peak RSS of
the process (ru_maxrss of the child), requests the server saw.
Run: python benchmarks/bench_fan_out.py [--datasets 100000] [--base-models 3000] [--latency 0.0]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sources.hub_server import HubServer

ROOT = Path(__file__).resolve().parent.parent


def wide_card(datasets: int, base_models: int) -> str:
    lines = ["---", "license: apache-2.0"]
    if base_models:
        lines += ["base_model:", *(f"- wide/base-{n}" for n in range(base_models))]
    if datasets:
        lines += ["datasets:", *(f"- wide/data-{n}" for n in range(datasets))]
    return "\n".join([*lines, "---", "# A very wide model", ""])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--base-models", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--show", action="store_true", help="Print the end of the report.")
    parser.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="More `trace` flags.")
    args = parser.parse_args()
    hub = HubServer().start()
    hub.latency = args.latency
    wide = hub.model("wide/model", wide_card(args.datasets, args.base_models))
    card_data = wide.card_data()  # parsed once: the test server would re-parse it on every request
    wide.card_data = lambda: card_data  # type: ignore[method-assign]
    for n in range(min(args.base_models, 300)):
        hub.model(f"wide/base-{n}", "---\nlicense: mit\n---\n")
    for n in range(min(args.datasets, 300)):
        hub.dataset(f"wide/data-{n}", "---\nlicense: cc-by-4.0\n---\n")
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HF_ENDPOINT": hub.url,
            "HF_HUB_CACHE": f"{folder}/hf",
            "LICAUDIT_CACHE_DIR": f"{folder}/licaudit",
            "HF_HUB_DISABLE_TELEMETRY": "1",
        }
        env.pop("HF_HUB_OFFLINE", None)
        command = [sys.executable, "-m", "licaudit", "trace", "wide/model", "--format", "json", *args.extra]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - started
    hub.stop()
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    size = len(wide_card(args.datasets, args.base_models))
    print(f"card: {args.datasets:,} datasets, {args.base_models:,} base models ({size:,} bytes)")
    print(
        f"exit {done.returncode}, {seconds:.2f} s, peak RSS {peak_kib / 1024:.0f} MiB, {len(hub.requests())} requests"
    )
    if done.stderr.strip():
        print("stderr:", done.stderr.strip().splitlines()[-1][:300])
    kinds = [line.strip() for line in done.stdout.splitlines() if '"kind": "too-many-parents"' in line]
    print(f"too-many-parents findings: {len(kinds)}")
    if args.show:
        print(done.stdout[-3000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
