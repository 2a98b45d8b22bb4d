"""The gate's overhead before a run starts (warm data cache), beside baselines from the same run.

End to end: `licaudit run sft --dry-run` (start-up, config, plan, gate, report; no training)
against `python -c pass` and `python -c 'import transformers'` (what any SFT script pays before
its first step anyway). In-process: the plan alone, then plan + gate (two traces of the planned
lineage), knowledge loaded, and the knowledge load itself with a warm cache.
Run: python benchmarks/bench_gate_overhead.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import call_ms, row, wall_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="licaudit-bench-gate-"))
    env = {**os.environ, "NO_COLOR": "1", "LICAUDIT_CACHE_DIR": str(work / "cache"), "HF_HUB_OFFLINE": "1"}
    config = work / "sft.json"
    config.write_text(
        json.dumps(
            {
                "base_model": {"id": "mistralai/Mistral-7B-v0.1", "path": str(work / "weights")},
                "datasets": ["datasets/databricks/databricks-dolly-15k"],
                "output": str(work / "out"),
            }
        )
    )
    python = sys.executable
    dry_run = [python, "-m", "licaudit", "run", "sft", "--config", str(config), "--dry-run", "--format", "json"]
    first = subprocess.run(dry_run, capture_output=True, text=True, env=env, check=False)  # warms the data cache
    verdict = json.loads(first.stdout)["verdict"] if first.stdout else f"failed: {first.stderr[-300:]}"

    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeat: {args.repeat}   verdict: {verdict}")
    print(f"{'measure (ms)':<62} {'median':>9} {'min':>9} {'ratio':>7}")
    print(row("baseline: python -c pass", wall_ms([python, "-c", "pass"], args.repeat, env)))
    transformers = wall_ms([python, "-c", "import transformers"], args.repeat, env)
    print(row("baseline: python -c 'import transformers'", transformers))
    trainer = wall_ms([python, "-c", "from transformers import Trainer"], args.repeat, env)
    print(row("baseline: python -c 'from transformers import Trainer'", trainer))
    base = statistics.median(trainer)
    trace = [python, "-m", "licaudit", "trace", "mistralai/Mistral-7B-v0.1", "--format", "json"]
    print(row("baseline: licaudit trace <base model> --format json", wall_ms(trace, args.repeat, env), base))
    print(row("licaudit plugins list", wall_ms([python, "-m", "licaudit", "plugins", "list"], args.repeat, env), base))
    print(row("licaudit run sft --dry-run (plan + gate, end to end)", wall_ms(dry_run, args.repeat, env), base))

    os.environ["LICAUDIT_CACHE_DIR"] = env["LICAUDIT_CACHE_DIR"]
    from licaudit.knowledge import load_knowledge
    from licaudit.plugins.builtin.sft import SUBSYSTEM
    from licaudit.plugins.config import load_config_file
    from licaudit.plugins.run_gate import PolicySettings, gate_plan

    knowledge = load_knowledge()
    raw = load_config_file(config)
    loaded = call_ms(load_knowledge, args.repeat)
    plan_only = call_ms(lambda: SUBSYSTEM.plan(SUBSYSTEM.parse_config(raw, config)), args.repeat * 5)
    plan = SUBSYSTEM.plan(SUBSYSTEM.parse_config(raw, config))
    gated = call_ms(lambda: gate_plan(plan, PolicySettings(), knowledge), args.repeat * 5)
    print(row("in-process: config + plan, no gate (baseline)", plan_only))
    print(row("in-process: gate (2 traces of the planned lineage)", gated, statistics.median(plan_only)))
    print(row("in-process: load rules + registry, data cache warm", loaded))
    total = statistics.median(loaded) + statistics.median(gated)
    print(f"gate overhead before a run starts (warm, in-process): {total:.1f} ms (aim < 1000 ms)")


if __name__ == "__main__":
    main()
