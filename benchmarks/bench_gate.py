"""How long `licaudit gate` takes on a large repository: 5,000 Python files, 200 distinct artifacts.

The repository and a registry of 200 artifacts (fine-tunes, adapters and datasets over a few
bases, with real shipped licenses) are generated into a temporary folder. Every figure stands
beside a baseline measured in the same run: reading and `ast.parse`-ing the same files, which is
the floor for any scanner that uses `ast`. "Warm" means the OS file cache and licaudit's parsed
data cache are warm (one run before the timed ones).
Run: python benchmarks/bench_gate.py [--files N] [--artifacts N] [--repeat N]
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

BASES = [
    ("base/apache", "apache-2.0"),
    ("base/mit", "mit"),
    ("base/llama2", "llama2"),
    ("base/nc", "cc-by-nc-4.0"),
    ("base/openrail", "openrail"),
]
DATASETS = [("data/clean", "cc-by-4.0"), ("data/sa", "cc-by-sa-4.0"), ("data/odc", "odc-by")]
RELATIONS = ["finetune", "adapter", "quantized", "merge"]


def record(artifact: str, license_: str, parents: list[tuple[str, str]], kind: str = "model") -> dict[str, object]:
    source = [{"url": "https://example.org/card", "quote": f"license: {license_}"}]
    return {
        "schema_version": 1,
        "id": artifact,
        "kind": kind,
        "license": {"expression": license_, "sources": source},
        "parents": [{"id": p, "relation": r, "sources": source} for r, p in parents],
    }


def write_registry(folder: Path, count: int, rng: random.Random) -> list[str]:
    records = [record(f"datasets/{d}", lic, [], "dataset") for d, lic in DATASETS]
    records += [record(b, lic, []) for b, lic in BASES]
    ids = [b for b, _ in BASES]
    while len(ids) < count:
        parent = rng.choice(ids)
        parents = [(rng.choice(RELATIONS), parent)]
        if rng.random() < 0.5:
            parents.append(("trained_on", f"datasets/{rng.choice(DATASETS)[0]}"))
        artifact = f"org{len(ids) % 17}/model-{len(ids)}"
        records.append(record(artifact, rng.choice(["apache-2.0", "mit", "other"]), parents))
        ids.append(artifact)
    for rec in records:
        artifact = str(rec["id"])
        kind_folder = {"model": "models", "dataset": "datasets"}[str(rec["kind"])]
        bare = artifact.split("/", 1)[1] if artifact.startswith("datasets/") else artifact
        path = folder / kind_folder / f"{bare}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rec, sort_keys=False), encoding="utf-8")
    return ids


FILE_TEMPLATE = '''"""Generated module {index}."""

import os
from dataclasses import dataclass

from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

MODEL = "{first}"


@dataclass
class Config:
    lr: float = 1e-4
    epochs: int = {index}


def helper_{index}(values: list[int]) -> int:
    total = 0
    for value in values:
        if value % 3 == 0:
            total += value * 2
        else:
            total -= value
    return total


def load(config: Config):
    model = AutoModelForCausalLM.from_pretrained(MODEL)
    tokenizer = AutoTokenizer.from_pretrained("{second}")
    chat = pipeline("text-generation", model="{third}")
    return model, tokenizer, chat, os.environ.get("HOME")
'''


def write_repository(root: Path, files: int, ids: list[str], rng: random.Random) -> None:
    for index in range(files):
        folder = root / f"pkg{index % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        first, second, third = ids[index % len(ids)], rng.choice(ids), rng.choice(ids)
        text = FILE_TEMPLATE.format(index=index, first=first, second=second, third=third)
        (folder / f"module_{index}.py").write_text(text, encoding="utf-8")


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


def baseline_parse(root: Path) -> int:
    count = 0
    for path in sorted(root.rglob("*.py")):
        ast.parse(path.read_bytes().decode("utf-8"), filename=str(path))
        count += 1
    return count


def row(name: str, timings: list[float], baseline: float | None = None) -> str:
    median = statistics.median(timings)
    ratio = f"{median / baseline:6.2f}x" if baseline else "       "
    return f"{name:<60} {median:8.3f} {min(timings):8.3f} {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--artifacts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from licaudit.gate import gate_repository
    from licaudit.gate.scanner import scan_repository
    from licaudit.knowledge import load_knowledge
    from licaudit.policy.policy_file import load_policy
    from licaudit.shipped import shipped_folder

    rng = random.Random(4)
    work = Path(tempfile.mkdtemp(prefix="licaudit-bench-gate-"))
    os.environ["LICAUDIT_CACHE_DIR"] = str(work / "cache")
    try:
        registry, repo = work / "registry", work / "repo"
        ids = write_registry(registry, args.artifacts, rng)
        write_repository(repo, args.files, ids, rng)
        rules = shipped_folder("rules")
        today = dt.date(2026, 11, 22)

        def gate_in_process() -> object:
            knowledge = load_knowledge(rules, registry)
            policy = load_policy("commercial", knowledge, today, rules)
            return gate_repository(repo, policy, knowledge, today)

        warm = gate_in_process()  # warms the OS file cache and licaudit's parsed-data cache
        distinct = len(warm.artifacts)  # type: ignore[attr-defined]
        references = len(warm.references)  # type: ignore[attr-defined]
        command = [sys.executable, "-m", "licaudit", "gate", str(repo), "--policy", "commercial", "--registry"]
        command += [str(registry), "--today", "2026-11-22", "--format", "sarif", "--output", str(work / "out.sarif")]
        env = {**os.environ, "NO_COLOR": "1"}

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        python = sys.version.split()[0]
        print(f"cores: {os.cpu_count()}   load average: {load:.1f}   python: {python}   repeat: {args.repeat}")
        print(f"repository: {args.files} Python files, {references} references to {distinct} distinct artifacts")
        print(f"{'measure (seconds)':<60} {'median':>8} {'min':>8} {'ratio':>7}")
        floor = timed(lambda: baseline_parse(repo), args.repeat)
        base = statistics.median(floor)
        print(row("baseline: read + ast.parse every file", floor))
        serial = timed(lambda: scan_repository(repo, workers=1), args.repeat)
        print(row("scan only, one process (ast + reference extraction)", serial, base))
        parallel = timed(lambda: scan_repository(repo, workers=os.cpu_count()), args.repeat)
        print(row(f"scan only, {os.cpu_count()} worker processes", parallel, base))
        print(row("gate in-process (knowledge load + scan + 200 traces)", timed(gate_in_process, args.repeat), base))
        cli = timed(lambda: subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False), args.repeat)
        print(row("licaudit gate CLI end to end, SARIF to a file (warm)", cli, base))
        target = 10.0
        verdict = "under" if statistics.median(cli) < target else "OVER"
        print(f"aim: end to end under {target:.0f} s -> {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
