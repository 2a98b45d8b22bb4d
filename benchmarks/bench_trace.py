"""How long `licaudit trace` of a registry id takes, end to end and in-process.

Each figure stands beside a baseline measured in the same run: Python start-up alone and
`import huggingface_hub` for the end-to-end time, a cold knowledge load for the in-process one.
Run: python benchmarks/bench_trace.py [--repeat N] [--target ID]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import call_ms, compile_licaudit, row, wall_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--target", default="tatsu-lab/alpaca-7b-wdiff")
    args = parser.parse_args()

    env = {**os.environ, "NO_COLOR": "1", "LICAUDIT_CACHE_DIR": tempfile.mkdtemp(prefix="licaudit-bench-")}
    python = sys.executable
    licaudit = [python, "-m", "licaudit"]
    trace_json = [*licaudit, "trace", args.target, "--format", "json"]
    compile_licaudit()
    subprocess.run(trace_json, stdout=subprocess.DEVNULL, env=env, check=False)  # warm the data cache

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeat: {args.repeat}   load average: {load}")
    print(f"{'measure (ms)':<58} {'median':>9} {'min':>9} {'ratio':>7}")
    floor = wall_ms([python, "-c", "pass"], args.repeat, env)
    hub = wall_ms([python, "-c", "import huggingface_hub"], args.repeat, env)
    print(row("baseline: python -c pass", floor))
    print(row("baseline: python -c 'import huggingface_hub'", hub))
    floor_deps = wall_ms([python, "-c", "import typer, rich.console, yaml"], args.repeat, env)
    print(row("floor: import typer, rich, yaml (the CLI's own dependencies)", floor_deps))
    typer_floor = wall_ms([python, "-c", "import typer"], args.repeat, env)
    print(row("floor: import typer (JSON from a warm cache: no rich, no yaml)", typer_floor))
    base = statistics.median(hub)
    print(row("licaudit --help", wall_ms([*licaudit, "--help"], args.repeat, env), base))
    print(row(f"licaudit trace {args.target} --format json", wall_ms(trace_json, args.repeat, env), base))
    print(
        row(f"licaudit trace {args.target} (text)", wall_ms([*licaudit, "trace", args.target], args.repeat, env), base)
    )

    os.environ["LICAUDIT_CACHE_DIR"] = env["LICAUDIT_CACHE_DIR"]
    from licaudit.knowledge import load_knowledge
    from licaudit.pipeline import TraceSettings, trace
    from licaudit.reports.json_report import render_json

    knowledge = load_knowledge()
    cold_dir = tempfile.mkdtemp(prefix="licaudit-bench-cold-")

    def cold_load() -> object:
        os.environ["LICAUDIT_CACHE_DIR"] = tempfile.mkdtemp(dir=cold_dir)
        return load_knowledge()

    cold = call_ms(cold_load, max(3, args.repeat // 3))
    os.environ["LICAUDIT_CACHE_DIR"] = env["LICAUDIT_CACHE_DIR"]
    warm = call_ms(load_knowledge, args.repeat)
    print(row("in-process: load rules + registry, no data cache (baseline)", cold))
    print(row("in-process: load rules + registry, data cache warm", warm, statistics.median(cold)))
    traced = call_ms(lambda: render_json(trace(args.target, TraceSettings(), knowledge)), args.repeat * 4)
    print(row("in-process: trace + JSON report, knowledge loaded", traced, statistics.median(cold)))


if __name__ == "__main__":
    main()
