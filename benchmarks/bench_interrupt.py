"""How fast `import`, `trace` and `gate` stop on Ctrl-C (SIGINT) or SIGTERM, and whether the next run resumes.

import: a Parquet dump (benchmarks/synthetic_hub.py writes one) is imported in a fresh cache; the
signal is sent after --after seconds; then the same import runs again and must say it resumed.
trace / gate: against the local Hub server, every request delayed by --latency seconds, so the
crawl is mid-flight when the signal comes; the re-run must answer.
Reported: the exit code and the seconds from the signal to the end of the process.
Run: python benchmarks/bench_interrupt.py --dump /tmp/dump.parquet/models.parquet [--after 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sources.hub_server import HubServer

ROOT = Path(__file__).resolve().parent.parent


def stop(argv: list[str], env: dict[str, str], after: float, signum: int) -> tuple[int, float, str]:
    """(exit code, seconds from the signal to the exit, last stderr line)."""
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    sent = time.perf_counter()
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=120)
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return child.returncode, time.perf_counter() - sent, (lines[-1] if lines else "")[:160]


def wide_hub(latency: float) -> HubServer:
    hub = HubServer().start()
    bases = "".join(f"- slow/base-{n}\n" for n in range(200))
    hub.model("slow/model", f"---\nlicense: mit\nbase_model:\n{bases}---\n")
    for n in range(200):
        hub.model(f"slow/base-{n}", "---\nlicense: mit\n---\n")
    hub.latency = latency
    return hub


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", type=Path, help="A Parquet or JSONL dump for the import case.")
    parser.add_argument("--after", type=float, default=3.0, help="Seconds before the signal (trace, gate).")
    parser.add_argument("--import-after", type=float, default=20.0, help="Seconds before the signal (import).")
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    python = [sys.executable, "-m", "licaudit"]
    print(f"{'case':34} {'signal':7} {'exit':>4} {'stop (s)':>8}  then")
    for signum in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(signum).name
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "LICAUDIT_CACHE_DIR": f"{folder}/cache"}
            if args.dump is not None:
                code, seconds, _ = stop([*python, "import", str(args.dump)], env, args.import_after, signum)
                again = subprocess.run([*python, "import", str(args.dump)], env=env, capture_output=True, text=True)
                resumed = "resumed" in again.stderr
                said = again.stderr.strip().splitlines()[-1][:100] if again.stderr.strip() else ""
                then = f"re-run exit {again.returncode}, {'resumed' if resumed else 'DID NOT RESUME'}: {said}"
                print(f"{'import ' + args.dump.name:34} {name:7} {code:>4} {seconds:8.2f}  {then}")
            hub = wide_hub(args.latency)
            env.update(
                HF_ENDPOINT=hub.url, HF_HUB_CACHE=f"{folder}/hf", HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_OFFLINE="0"
            )
            code, seconds, _ = stop([*python, "trace", "slow/model"], env, args.after, signum)
            hub.latency = 0.0
            again = subprocess.run([*python, "trace", "slow/model"], env=env, capture_output=True, text=True)
            case = "trace (200 parents, slow Hub)"
            print(f"{case:34} {name:7} {code:>4} {seconds:8.2f}  re-run exit {again.returncode}")
            env.update(HF_HUB_CACHE=f"{folder}/hf-gate", LICAUDIT_CACHE_DIR=f"{folder}/cache-gate")
            repo = Path(folder) / "repo"
            repo.mkdir()
            (repo / "train.py").write_text(
                'from transformers import AutoModel\nAutoModel.from_pretrained("slow/model")\n'
            )
            hub.latency = args.latency
            code, seconds, _ = stop([*python, "gate", str(repo), "--today", "2026-12-01"], env, args.after, signum)
            hub.stop()
            print(f"{'gate (the same model)':34} {name:7} {code:>4} {seconds:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
