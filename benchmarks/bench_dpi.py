"""The Data Provenance Collection layer: import time, what it holds, and `trace` start-up with it.

Needs a checkout of the collection (default: $LICAUDIT_DPI_CHECKOUT, else ../shared/dpi beside the
repository). Prints:
  - the import of the whole collection, end to end (a fresh cache each time) and in-process;
  - records, artifacts, Hub ids;
  - for DPI's artifacts with Hub ids, how often the card license is more permissive for commercial use
    than DPI's annotation, judged by licaudit's catalog and flow rules one license against the other
    (no lineage), against what is knowable offline: the card license DPI recorded ("HF Yaml License",
    read by DPI in 2023-24) and, for the ids the registry has, the card license the registry quotes;
  - `licaudit trace` of a registry id from a cache without the layer and from one with it (same run),
    and of an id only the layer knows.
Run: python benchmarks/bench_dpi.py [--checkout PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import call_ms, compile_licaudit, row, wall_ms

ROOT = Path(__file__).resolve().parent.parent
DUMP_MODEL = "bench/model-from-a-dump"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("LICAUDIT_DPI_CHECKOUT") or str(ROOT.parent / "shared" / "dpi")
    parser.add_argument("--checkout", type=Path, default=Path(default))
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--registry-target", default="tatsu-lab/alpaca-7b-wdiff")
    parser.add_argument("--layer-target", default="datasets/DIBT/10k_prompts_ranked")
    args = parser.parse_args()
    if not (args.checkout / "data_summaries").is_dir():
        sys.exit(f"no Data Provenance Collection checkout at {args.checkout} (--checkout PATH)")

    compile_licaudit()
    python = sys.executable
    licaudit = [python, "-m", "licaudit"]
    without = {**os.environ, "NO_COLOR": "1", "LICAUDIT_CACHE_DIR": tempfile.mkdtemp(prefix="licaudit-nodpi-")}
    with_layer = {**os.environ, "NO_COLOR": "1", "LICAUDIT_CACHE_DIR": tempfile.mkdtemp(prefix="licaudit-dpi-")}
    subprocess.run([*licaudit, "import", str(args.checkout)], env=with_layer, check=True, stderr=subprocess.DEVNULL)
    # One model only an imported card dump knows, in both caches: its lookup misses the registry, so a
    # cache with the layer opens the layer and asks it first.
    dump = Path(tempfile.mkdtemp(prefix="licaudit-dpi-dump-")) / "models.jsonl"
    card = f"---\nlicense: mit\nbase_model: {args.registry_target}\n---\n"
    dump.write_text(json.dumps({"modelId": DUMP_MODEL, "downloads": 1, "card": card}) + "\n", encoding="utf-8")
    for env in (without, with_layer):
        subprocess.run([*licaudit, "import", str(dump)], env=env, check=True, stderr=subprocess.DEVNULL)

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeat: {args.repeat}   load average: {load}")
    print(f"{'measure (ms)':<62} {'median':>9} {'min':>9} {'ratio':>7}")
    floor = wall_ms([python, "-c", "pass"], args.repeat, without)
    print(row("baseline: python -c pass", floor))
    base = statistics.median(floor)

    fresh = tempfile.mkdtemp(prefix="licaudit-dpi-imports-")

    def import_env() -> dict[str, str]:
        return {**without, "LICAUDIT_CACHE_DIR": tempfile.mkdtemp(dir=fresh)}

    imports = []
    for _ in range(max(3, args.repeat // 2)):
        env = import_env()
        start = time.perf_counter()
        subprocess.run([*licaudit, "import", str(args.checkout)], env=env, stderr=subprocess.DEVNULL, check=True)
        imports.append((time.perf_counter() - start) * 1000)
    print(row("licaudit import <collection> (fresh cache, end to end)", imports, base))
    reimports = wall_ms([*licaudit, "import", str(args.checkout)], max(3, args.repeat // 2), with_layer)
    print(row("licaudit import <collection> again (nothing changed)", reimports, base))

    from licaudit.sources.dpi.collection import read_checkout
    from licaudit.sources.dpi.store import CollectionStore

    def in_process() -> None:
        with CollectionStore(Path(tempfile.mkdtemp(dir=fresh)) / "licaudit.sqlite3") as store:
            store.import_checkout(read_checkout(args.checkout))

    print(row("in-process: read the checkout and import it into a new store", call_ms(in_process, 5), base))

    # Interleaved, so drift in the machine's load falls on both alike.
    plain = 0.0
    for target in (args.registry_target, DUMP_MODEL):
        command = [*licaudit, "trace", target, "--offline", "--format", "json"]
        timings: dict[str, list[float]] = {"without": [], "with": []}
        for env in (without, with_layer):
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)  # warm the data cache
        for _ in range(args.repeat):
            timings["without"] += wall_ms(command, 1, without)
            timings["with"] += wall_ms(command, 1, with_layer)
        baseline = statistics.median(timings["without"])
        plain = plain or baseline
        print(row(f"trace {target} (without the layer; baseline)", timings["without"]))
        print(row(f"trace {target} (with the layer)", timings["with"], baseline))
    layer_trace = [*licaudit, "trace", args.layer_target, "--offline", "--format", "json"]
    subprocess.run(layer_trace, env=with_layer, stdout=subprocess.DEVNULL, check=False)
    print(row(f"trace {args.layer_target} (the layer answers)", wall_ms(layer_trace, args.repeat, with_layer), plain))
    print()
    _counts(args.checkout, Path(with_layer["LICAUDIT_CACHE_DIR"]))


def _counts(checkout: Path, cache: Path) -> None:
    from licaudit.knowledge import load_knowledge
    from licaudit.sources.dpi.layer import CollectionLayer
    from licaudit.sources.dpi.store import CollectionStore
    from licaudit.sources.dumps.store import DATABASE_NAME
    from licaudit.sources.resolution import license_set
    from licaudit.terms.expressions import expression_terms
    from licaudit.terms.identify import CatalogIdentifier
    from licaudit.terms.propagation import terms_effect
    from licaudit.terms.vocabulary import Effect

    knowledge = load_knowledge()
    rules, normaliser = knowledge.rules, knowledge.normaliser

    def effect(expression: str) -> Effect:
        def judge(terms: list) -> Effect:  # type: ignore[type-arg]
            return terms_effect(rules, "commercial", terms)

        return judge(expression_terms(normaliser.normalise(expression), judge))

    def compare(card: str, annotation: str) -> str:
        mine, theirs = effect(card), effect(annotation)
        if Effect.UNKNOWN in (mine, theirs):
            return "unknown on one side"
        if mine.rank < theirs.rank:
            return "card more permissive"
        return "card as permissive" if mine.rank == theirs.rank else "card more restrictive"

    with CollectionStore(cache / DATABASE_NAME) as store:
        layer = CollectionLayer(store, knowledge.registry, CatalogIdentifier(knowledge.catalog))
        records, artifacts = store.counts()
        hub_records = sum(1 for stored in store.all_records() if stored.record.hub_id)
        found = list(layer.all_artifacts())
    hub = [a for a in found if a.facts.on_hub]
    print(f"records loaded: {records:,}   artifacts: {artifacts:,}   records with a Hub id: {hub_records:,}")
    print(f"artifacts with a Hub id: {len(hub):,}   without (dpi/<collection>/<dataset>): {artifacts - len(hub):,}")
    recorded = Counter()
    for annotated in hub:
        if annotated.facts.license_expression is None:
            recorded["no annotation"] += 1
        elif annotated.recorded_card is None:
            recorded["no card license recorded"] += 1
        else:
            recorded[compare(annotated.recorded_card, annotated.facts.license_expression)] += 1
    print("Hub-id artifacts, card license DPI recorded vs DPI annotation (commercial use):")
    for outcome, count in sorted(recorded.items()):
        print(f"  {outcome:<40} {count:6,}")
    identifier = CatalogIdentifier(knowledge.catalog)
    differ = sum(
        1
        for a in hub
        if a.recorded_card
        and a.facts.license_expression
        and license_set(a.recorded_card, identifier) != license_set(a.facts.license_expression, identifier)
    )
    print(f"  of which registry-card-disagreement (license sets differ): {differ:,}")
    per_record = Counter()
    with CollectionStore(cache / DATABASE_NAME) as store:
        for stored in store.all_records():
            record = stored.record
            if not record.hub_id:
                continue
            if not record.card_license or not record.licenses:
                per_record["no card license recorded"] += 1
                continue
            names = " AND ".join(identifier.lookup_name(lic.name) or lic.name for lic in record.licenses)
            per_record[compare(record.card_license, names)] += 1
    print("Hub-id records (each subset alone), card license DPI recorded vs the record's annotation:")
    for outcome, count in sorted(per_record.items()):
        print(f"  {outcome:<40} {count:6,}")
    in_registry = [a for a in hub if knowledge.registry.get(a.facts.id) is not None]
    by_registry = Counter()
    for annotated in in_registry:
        record = knowledge.registry.get(annotated.facts.id)
        assert record is not None
        card = record.declared_license
        if card is None or annotated.facts.license_expression is None:
            by_registry["registry quotes no card license"] += 1
        else:
            by_registry[compare(card, annotated.facts.license_expression)] += 1
    print(f"Hub-id artifacts the registry has ({len(in_registry)}), card license it quotes vs DPI annotation:")
    for outcome, count in sorted(by_registry.items()):
        print(f"  {outcome:<40} {count:6,}")
    for annotated in in_registry:
        record = knowledge.registry.get(annotated.facts.id)
        assert record is not None
        print(f"    {annotated.facts.id}: card {record.declared_license!r}, DPI {annotated.facts.license_expression!r}")


if __name__ == "__main__":
    main()
