"""licaudit at Hub scale: every figure beside a baseline measured in the same run.

1. card parsing: licaudit's parser vs huggingface_hub's ModelCard on the same cards (ratio);
2. import of a synthetic dump (default 1,000,000 model rows + 200,000 dataset rows): rows/s and
   peak RSS, beside the floor of reading the same Parquet rows into Python with pyarrow;
3. whole-graph propagation vs a naive per-node walk of all ancestors on a 100,000-model sample
   (ratio), and `licaudit audit` of the whole import: time and peak RSS;
4. `licaudit trace` of a deep lineage (20 hops, 100 ancestors) from the warm cache, in-process
   and end to end, beside `python -c "import huggingface_hub"` and `import typer` (the CLI's
   floor), and of a registry id (tatsu-lab/alpaca-7b-wdiff);
5. `licaudit --help` start-up beside `python -c pass`.

Start-up figures are for byte-compiled modules, as pip installs them: the run compiles licaudit's
modules first (under PYTHONDONTWRITEBYTECODE=1 an uncompiled checkout would otherwise recompile
every module on every start, ~60 ms). The machine's load average is printed with the header: on
a shared machine compare against the baselines of the same run, and prefer the CPU rows.

Run: python benchmarks/bench_hub.py [--models N] [--datasets M] [--sample N] [--work DIR] [--repeat R]
Quick look: python benchmarks/bench_hub.py --models 20000 --datasets 4000 --sample 5000
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_hub import deep_lineage, iter_datasets, iter_models, write_rows
from timing import compile_licaudit

Row = tuple[str, str, str, str, str, str]
ROWS: list[Row] = []


def report(measure: str, value: str, baseline: str, ratio: str, target: str, met: bool | None) -> None:
    ROWS.append((measure, value, baseline, ratio, target, "" if met is None else ("yes" if met else "NO")))
    print(f"  {measure}: {value} (baseline {baseline}; {ratio}) target {target}", file=sys.stderr, flush=True)


def median_ms(function: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def rss_of(command: list[str], env: dict[str, str]) -> tuple[float, float, int, float]:
    # ru_maxrss of RUSAGE_CHILDREN is a running maximum: measure in a fresh Python that runs one command.
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(time.perf_counter() - start, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True, check=True)
    seconds, rss, code, cpu = out.stdout.split()
    return float(seconds), float(rss), int(code), float(cpu)


def process_tree_usage(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(seconds, CPU-seconds, peak RSS MB, processes) of a command and every process it starts.

    rusage misses the import's workers (children of multiprocessing's fork server, which the
    command never waits for), so /proc is sampled: CPU is each process's last utime + stime, RSS
    the largest sum over the tree at one moment."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    start = time.perf_counter()
    root = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    peak = 0.0
    while root.poll() is None:
        parents: dict[int, int] = {}
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):  # noqa: PTH208 - names only, a million times less work than Paths
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry)], stats[int(entry)] = int(fields[1]), fields
        tree = {root.pid}
        changed = True  # a child may be listed before its parent: grow the tree to a fixed point
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        rss = 0.0
        for pid in tree & stats.keys():
            fields = stats[pid]
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
            rss += int(fields[21]) * page / 2**20
        peak = max(peak, rss)
        time.sleep(0.1)
    return time.perf_counter() - start, sum(cpu.values()), peak, len(cpu)


CPU_MS: dict[str, float] = {}


def wall_ms(command: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall time; the median CPU time of the same runs goes to CPU_MS (a shared machine's
    wall time includes waiting for a core, CPU time does not)."""
    timings, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        timings.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    CPU_MS[" ".join(command[-3:])] = statistics.median(cpu)
    return statistics.median(timings)


def wall_ms_each(commands: list[list[str]], env: dict[str, str], repeat: int) -> list[float]:
    """`wall_ms` of several commands, run round-robin: on a shared machine whose load comes and
    goes, a baseline then shares the conditions of the figure it stands beside."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, command in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls[index].append((time.perf_counter() - start) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[index].append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    for command, cpu in zip(commands, cpus, strict=True):
        CPU_MS[" ".join(command[-3:])] = statistics.median(cpu)
    return [statistics.median(wall) for wall in walls]


def cpu_of(command: list[str]) -> float:
    return CPU_MS[" ".join(command[-3:])]


def bench_cards(work: Path, repeat: int) -> None:
    import warnings

    from huggingface_hub import ModelCard
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()

    from licaudit.sources.cards import metadata as card_module
    from licaudit.sources.cards.metadata import parse_card

    cards = [str(row["card"]) for row in iter_models(3000, 600, seed=7)]

    def ours() -> None:
        # Each repetition starts with an empty line cache, as an import does: the figure counts the
        # first reading of every distinct front-matter line, not a cache that already holds them all.
        card_module._LINE_CACHE.clear()
        for card in cards:
            parse_card(card)

    def theirs() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for card in cards:
                try:
                    ModelCard(card, ignore_metadata_errors=True)
                except Exception:  # noqa: S112 - malformed YAML raises even so
                    continue

    ours_ms = median_ms(ours, repeat) / len(cards)
    theirs_ms = median_ms(theirs, repeat) / len(cards)
    ratio = theirs_ms / ours_ms
    report(
        f"card parsing ({len(cards):,} synthetic cards), ms/card",
        f"{ours_ms:.3f}",
        f"huggingface_hub ModelCard {theirs_ms:.3f}",
        f"{ratio:.1f}x faster",
        ">= 8x",
        ratio >= 8,
    )


def bench_import(work: Path, models: int, datasets: int, env: dict[str, str]) -> Path:
    dump = work / f"hub-{models}-{datasets}"
    model_file, dataset_file = dump / "models.parquet", dump / "datasets.parquet"
    if not model_file.exists():
        start = time.perf_counter()
        write_rows(iter_models(models, datasets, seed=1), model_file)
        write_rows(iter_datasets(datasets, seed=1), dataset_file)
        write_rows(deep_lineage(), dump / "deep.jsonl")
        print(f"  generated the dump in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    import pyarrow.parquet as pq

    start = time.perf_counter()
    for path in (model_file, dataset_file):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            batch.to_pylist()
    floor = (models + datasets) / (time.perf_counter() - start)
    command = [sys.executable, "-m", "licaudit", "import", str(model_file), str(dataset_file), str(dump / "deep.jsonl")]
    seconds, cpu, rss, processes = process_tree_usage(command, env)
    rate = (models + datasets) / seconds
    report(
        f"import {models:,} model + {datasets:,} dataset rows, rows/s",
        f"{rate:,.0f} ({seconds:.0f} s)",
        f"pyarrow read to Python {floor:,.0f}",
        f"{rate / floor:.2f}x of the floor",
        ">= 20,000",
        rate >= 20_000,
    )
    report(f"import peak RSS, all {processes} processes together, MB", f"{rss:,.0f}", "", "", "", None)
    # The machine may be shared: CPU time says what the import costs whatever else runs.
    report(
        "import rows per CPU-second (all processes)",
        f"{(models + datasets) / cpu:,.0f}",
        f"{cpu:.0f} CPU-s",
        "",
        "",
        None,
    )
    return dump


def bench_propagation(work: Path, sample: int, env: dict[str, str]) -> None:
    """Bulk propagation vs a naive walk of every node's ancestors, same rules, same sample."""
    from licaudit.knowledge import load_knowledge
    from licaudit.policy.audit import load_audit_graph
    from licaudit.sources.dumps.store import DumpStore
    from licaudit.terms.bulk_propagation import propagate_bulk
    from licaudit.terms.flow_rules import STRICT

    cache = work / f"sample-{sample}"
    dump = cache / "models.parquet"
    sample_env = {**env, "LICAUDIT_CACHE_DIR": str(cache)}
    if not (cache / "licaudit.sqlite3").exists():
        write_rows(iter_models(sample, sample // 5, seed=2), dump)
        write_rows(iter_datasets(sample // 5, seed=2), cache / "datasets.parquet")
        subprocess.run(
            [sys.executable, "-m", "licaudit", "import", str(dump), str(cache / "datasets.parquet")],
            env=sample_env,
            check=False,
            stderr=subprocess.DEVNULL,
        )
    os.environ["LICAUDIT_CACHE_DIR"] = str(cache)
    knowledge = load_knowledge()
    with DumpStore(cache / "licaudit.sqlite3") as store:
        graph = load_audit_graph(store, knowledge)
    start = time.perf_counter()
    bulk = propagate_bulk(graph, knowledge.normaliser, knowledge.rules, "commercial", STRICT)
    bulk_s = time.perf_counter() - start
    start = time.perf_counter()
    naive = naive_walk(graph, bulk)
    naive_s = time.perf_counter() - start
    assert naive == bulk.effective, "the naive walk and the bulk pass disagree"
    report(
        f"propagation, {len(graph):,}-node sample, s",
        f"{bulk_s:.2f}",
        f"naive ancestor walk {naive_s:.2f}",
        f"{naive_s / bulk_s:.1f}x faster",
        "",
        None,
    )


def naive_walk(graph: object, bulk: object) -> list[int]:
    """For every node on its own: collect all ancestors, then fold their terms in along the edges."""
    from licaudit.lineage.compact import CompactGraph
    from licaudit.terms.bulk_propagation import BulkPropagation

    assert isinstance(graph, CompactGraph) and isinstance(bulk, BulkPropagation)
    width, artifact_all = bulk.width, (1 << bulk.width) - 1
    result = []
    for node in range(len(graph)):
        terms: dict[int, int] = {}
        stack = [(node, False)]
        while stack:  # every ancestor, depth first; a node's terms once its parents' are known
            current, parents_done = stack.pop()
            if current in terms:
                continue
            parents = [
                graph.parent_node[s] for s in range(graph.parent_start[current], graph.parent_start[current + 1])
            ]
            if not parents_done:
                stack.append((current, True))
                stack.extend((p, False) for p in parents if p not in terms)
                continue
            bits = bulk.own_bits(current)
            for slot in range(graph.parent_start[current], graph.parent_start[current + 1]):
                inherited, code = terms.get(graph.parent_node[slot], 0), graph.parent_relation[slot]
                bits |= inherited & bulk.passes[code]
                if bulk.activates[code]:
                    bits |= (inherited >> width) & artifact_all
            terms[current] = bits
        result.append(terms[node])
    return result


def bench_audit(env: dict[str, str], models: int, datasets: int) -> None:
    command = [sys.executable, "-m", "licaudit", "audit", "--format", "json", "--output", os.devnull]
    seconds, rss, _, cpu = rss_of(command, env)
    report(
        f"audit of the whole import ({models + datasets:,} rows) end to end, s",
        f"{seconds:.1f}",
        "",
        "",
        "< 60 s",
        seconds < 60,
    )
    report("audit peak RSS, MB", f"{rss:,.0f}", f"{cpu:.0f} CPU-s", "", "< 4,096", rss < 4096)


def bench_trace(env: dict[str, str], repeat: int) -> None:
    target = "deep/chain-20"
    python = sys.executable
    trace = [python, "-m", "licaudit", "trace", target, "--format", "json"]
    registry_trace = [python, "-m", "licaudit", "trace", "tatsu-lab/alpaca-7b-wdiff", "--format", "json"]
    subprocess.run(trace, env=env, stdout=subprocess.DEVNULL, check=False)  # warm the parsed-data cache
    hub, typer_floor, e2e, registry_e2e = wall_ms_each(
        [[python, "-c", "import huggingface_hub"], [python, "-c", "import typer"], trace, registry_trace], env, repeat
    )
    report(
        "trace deep/chain-20 (20 hops, 100 ancestors) end to end, ms",
        f"{e2e:.0f}",
        f"import huggingface_hub {hub:.0f}",
        f"{e2e / hub:.2f}x",
        "< 300 ms",
        e2e < 300,
    )
    report(
        "trace deep/chain-20 end to end, CPU ms (user + sys)",
        f"{cpu_of(trace):.0f}",
        f"import huggingface_hub {cpu_of([python, '-c', 'import huggingface_hub']):.0f}; "
        f"import typer {cpu_of([python, '-c', 'import typer']):.0f}",
        f"{cpu_of(trace) / cpu_of([python, '-c', 'import typer']):.2f}x typer",
        "",
        None,
    )
    report(
        "trace tatsu-lab/alpaca-7b-wdiff (registry) end to end, ms",
        f"{registry_e2e:.0f}",
        f"import typer {typer_floor:.0f}",
        f"{registry_e2e / typer_floor:.2f}x",
        "< 300 ms",
        registry_e2e < 300,
    )
    report(
        "trace tatsu-lab/alpaca-7b-wdiff end to end, CPU ms (user + sys)",
        f"{cpu_of(registry_trace):.0f}",
        f"import typer {cpu_of([python, '-c', 'import typer']):.0f}",
        "",
        "",
        None,
    )
    probe = (
        "import time, statistics\n"
        "from licaudit.knowledge import load_knowledge\n"
        "from licaudit.pipeline import TraceSettings, trace, chained_resolver, registry_resolver\n"
        "from licaudit.sources.dumps.store import DumpStore\n"
        "k = load_knowledge(); r = chained_resolver(registry_resolver(k), DumpStore().facts)\n"
        "t = []\n"
        f"for _ in range({repeat}):\n"
        "    s = time.perf_counter()\n"
        "    res = trace('deep/chain-20', TraceSettings(), k, r)\n"
        "    t.append(time.perf_counter() - s)\n"
        "assert len(res.graph) == 101, len(res.graph)\n"
        "print(statistics.median(t) * 1000)\n"
    )
    out = subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, check=False)
    if out.returncode == 0:
        report("trace deep/chain-20 in-process (warm), ms", f"{float(out.stdout):.1f}", "", "", "", None)
    else:
        print(out.stderr[-2000:], file=sys.stderr)


def bench_help(env: dict[str, str], repeat: int) -> None:
    python = sys.executable
    help_command = [python, "-m", "licaudit", "--help"]
    floor, hub, helped = wall_ms_each(
        [[python, "-c", "pass"], [python, "-c", "import huggingface_hub"], help_command], env, repeat
    )
    report(
        "licaudit --help start-up, ms",
        f"{helped:.0f}",
        f"python -c pass {floor:.0f}; import huggingface_hub {hub:.0f}",
        f"{helped / floor:.1f}x python",
        "< 200 ms",
        helped < 200,
    )
    report(
        "licaudit --help, CPU ms (user + sys)",
        f"{cpu_of(help_command):.0f}",
        f"python -c pass {cpu_of([python, '-c', 'pass']):.0f}; import huggingface_hub "
        f"{cpu_of([python, '-c', 'import huggingface_hub']):.0f}",
        "",
        "",
        None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--datasets", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "licaudit-bench-hub")
    parser.add_argument(
        "--only",
        default="help,cards,import,audit,trace,propagation",
        help="comma-separated parts to run; without `import` the previous import's cache is reused",
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / f"cache-{args.models}-{args.datasets}"
    if "import" in parts and cache.exists():
        import shutil

        shutil.rmtree(cache)
    env = {**os.environ, "NO_COLOR": "1", "LICAUDIT_CACHE_DIR": str(cache)}
    compile_licaudit()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"cores: {os.cpu_count()}   memory: {memory:.0f} GiB   python {sys.version.split()[0]}   repeat: {args.repeat}"
        f"   load average: {load}",
        flush=True,
    )
    if "help" in parts:
        bench_help(env, args.repeat)
    if "cards" in parts:
        bench_cards(args.work, max(3, args.repeat // 2))
    if "import" in parts:
        bench_import(args.work, args.models, args.datasets, env)
    if "audit" in parts:
        bench_audit(env, args.models, args.datasets)
    if "trace" in parts:
        bench_trace(env, args.repeat)
    if "propagation" in parts:
        bench_propagation(args.work, args.sample, env)
    print()
    print("| measure | licaudit | baseline (same run) | ratio | target | met |")
    print("| --- | ---: | --- | --- | --- | --- |")
    for row in ROWS:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
