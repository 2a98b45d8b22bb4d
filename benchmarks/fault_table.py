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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sources.misbehaving_hub import SCENARIOS, run_cli_against


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
            row = run_cli_against(scenario, output_format, args.timeout, args.retries)
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
