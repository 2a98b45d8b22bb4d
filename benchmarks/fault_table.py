"""Every misbehaving-Hub scenario against the real CLI: exit code, time to answer, what reached stdout.

Each scenario (tests/sources/misbehaving_hub.py) is run as a user would: `python -m licaudit
trace <target>` in a fresh process with its own caches, pointed at the local server, once as text
and once with `--format json`. The table says the exit code, the seconds until it answered,
whether stdout held a JSON document, and whether a traceback reached stderr.
Run: python benchmarks/fault_table.py [--timeout 2] [--retries 2] [--scenario NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sources.misbehaving_hub import SCENARIOS, MisbehavingHub, Scenario

ROOT = Path(__file__).resolve().parent.parent
TARGET = "fault/target"


def run_one(scenario: Scenario, output_format: str, timeout: float, retries: int) -> dict[str, object]:
    hub = MisbehavingHub().start()
    hub.model(TARGET, "---\nlicense: mit\n---\n")
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "HF_ENDPOINT": hub.url,
                "HF_HUB_CACHE": f"{folder}/hf",
                "LICAUDIT_CACHE_DIR": f"{folder}/licaudit",
                "HF_HUB_DISABLE_TELEMETRY": "1",
                "NO_PROXY": "127.0.0.1,localhost",
            }
            for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
                env.pop(name, None)
            env.update(scenario.apply(hub, TARGET))
            command = [sys.executable, "-m", "licaudit", "trace", TARGET, "--format", output_format]
            command += ["--timeout", str(timeout), "--retries", str(retries), *scenario.flags]
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
            seconds = time.perf_counter() - started
    finally:
        hub.stop()
    try:
        document = json.loads(done.stdout)
        is_json = isinstance(document, dict)
    except ValueError:
        is_json = False
    return {
        "scenario": scenario.name,
        "format": output_format,
        "exit": done.returncode,
        "seconds": round(seconds, 2),
        "stdout_json": is_json,
        "traceback": "Traceback" in done.stderr,
        "requests": len(hub.requests(f"/api/models/{TARGET}")),
        "stderr": done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--scenario", action="append", help="Only scenarios whose name contains this.")
    parser.add_argument("--json", action="store_true", help="One JSON object per line instead of a table.")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.scenario or any(part in s.name for part in args.scenario)]
    wrong = 0
    print(f"{'scenario':28} {'format':6} {'exit':>4} {'seconds':>7} {'reqs':>4}  stdout-json traceback")
    for scenario in chosen:
        for output_format in ("text", "json"):
            row = run_one(scenario, output_format, args.timeout, args.retries)
            if args.json:
                print(json.dumps(row))
                continue
            print(
                f"{row['scenario']:28} {row['format']:6} {row['exit']:>4} {row['seconds']:>7} {row['requests']:>4}  "
                f"{'yes' if row['stdout_json'] else 'no':11} {'YES' if row['traceback'] else 'no'}"
            )
            ok = row["exit"] == scenario.expected_exit and not row["traceback"]
            ok = ok and (output_format == "text" or bool(row["stdout_json"]))
            wrong += not ok
            if row["traceback"] or row["exit"] != scenario.expected_exit:
                print(f"    stderr: {row['stderr']}")
    print(f"{wrong} outcome(s) differ from the contract")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
