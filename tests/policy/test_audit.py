"""The whole-graph audit: the laundering it must find, none it must not, and the same verdicts as `trace`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.errors import UsageError
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.pipeline import TraceSettings, chained_resolver, registry_resolver, trace
from licaudit.policy.audit import AuditResult, AuditSettings, load_audit_graph, run_audit
from licaudit.reports.audit_report import render_import_summary
from licaudit.sources.dumps.store import DumpStore, ImportSummary
from licaudit.terms.expressions import expression_terms
from licaudit.terms.flow_rules import Reading, Stance
from licaudit.terms.propagation import terms_effect
from licaudit.terms.vocabulary import Effect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic_hub import iter_datasets, iter_models

PERMISSIVE = Stance(Reading.PERMISSIVE)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def card(license_: str | None, *bases: str, relation: str | None = None, datasets: tuple[str, ...] = ()) -> str:
    lines = [f"license: {license_}"] if license_ else []
    if bases:
        lines += ["base_model:", *[f"- {b}" for b in bases]]
    if relation:
        lines.append(f"base_model_relation: {relation}")
    if datasets:
        lines += ["datasets:", *[f"- {d}" for d in datasets]]
    return "---\n" + "\n".join(lines) + "\n---\n# card\n"


def model(model_id: str, downloads: int, text: str) -> dict[str, Any]:
    return {"modelId": model_id, "downloads": downloads, "tags": [], "card": text}


def dataset(dataset_id: str, license_: str | None) -> dict[str, Any]:
    return {"datasetId": dataset_id, "downloads": 1, "tags": [], "card": card(license_)}


KNOWN = [
    model("nc/base", 1000, card("cc-by-nc-4.0")),
    model("free/base", 5000, card("apache-2.0")),
    model("launder/finetune", 300, card("apache-2.0", "nc/base", relation="finetune")),  # must be found
    model("launder/quantized-of-finetune", 900, card("mit", "launder/finetune", relation="quantized")),  # found
    model("honest/nc-adapter", 800, card("cc-by-nc-4.0", "nc/base", relation="adapter")),  # honest: not laundering
    model("honest/free-child", 700, card("mit", "free/base")),  # permissive all the way: none
    model("data/trained", 600, card("apache-2.0", "free/base", datasets=("nc/data",))),  # strict only
    model("unknown/other", 500, card("other", "nc/base")),  # declares nothing provable: not laundering
    model("unknown/orphan", 400, card("mit", "ghost/never-imported")),  # effective unknown: an unknown
    model("launder/merge", 200, card("apache-2.0", "free/base", "nc/base")),  # merge: found
    model("launder/llama", 100, card("mit", "meta-llama/Llama-2-7b-hf", relation="adapter")),  # registry parent
    dataset("nc/data", "cc-by-nc-4.0"),
]


def audit_of(tmp_path: Path, knowledge: Knowledge, rows: list[dict[str, Any]], **settings: Any) -> AuditResult:
    tmp_path.mkdir(parents=True, exist_ok=True)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with DumpStore(tmp_path / "db.sqlite3") as store:
        store.import_dump(dump)
        return run_audit(load_audit_graph(store, knowledge), knowledge, AuditSettings(limit=0, **settings))


def test_finds_every_laundering_case_and_no_other(tmp_path: Path, knowledge: Knowledge) -> None:
    result = audit_of(tmp_path, knowledge, KNOWN)
    found = [case.id for case in result.laundering if case.id not in knowledge.registry.records]
    # Ranked by downloads, highest first (registry records are audited too, but not asserted here).
    assert found == [
        "launder/quantized-of-finetune",
        "data/trained",
        "launder/finetune",
        "launder/merge",
        "launder/llama",
    ]
    by_id = {case.id: case for case in result.laundering}
    chain = by_id["launder/quantized-of-finetune"]
    assert chain.declared_license == "mit" and chain.effective is Effect.FORBIDDEN
    assert chain.path == ("nc/base", "launder/finetune", "launder/quantized-of-finetune")
    assert chain.license_id == "CC-BY-NC-4.0" and not chain.contested
    assert by_id["data/trained"].contested and by_id["data/trained"].path[0] == "datasets/nc/data"
    assert by_id["launder/llama"].path[0] == "meta-llama/Llama-2-7b-hf"  # the curated registry record
    assert ("ghost/never-imported", 1) in result.unknowns.top_unresolved
    unknown_ids = {"unknown/other", "unknown/orphan"}
    assert not unknown_ids & set(found)


def test_permissive_stance_drops_the_contested_case(tmp_path: Path, knowledge: Knowledge) -> None:
    result = audit_of(tmp_path, knowledge, KNOWN, stance=PERMISSIVE)
    assert "data/trained" not in [case.id for case in result.laundering]
    assert "launder/finetune" in [case.id for case in result.laundering]


def test_downstream_of_an_artifact_or_a_license(tmp_path: Path, knowledge: Knowledge) -> None:
    result = audit_of(tmp_path, knowledge, KNOWN, downstream_of="launder/finetune")
    assert [a.id for a in result.downstream] == ["launder/quantized-of-finetune"]
    assert [c.id for c in result.laundering] == ["launder/quantized-of-finetune", "launder/finetune"]
    assert result.scope == "launder/finetune"
    by_license = audit_of(tmp_path / "2", knowledge, KNOWN, downstream_of="CC BY-NC 4.0")
    below = {a.id for a in by_license.downstream}
    assert {"launder/finetune", "launder/merge", "data/trained", "unknown/other"} <= below
    assert "free/base" not in below and "nc/base" not in below  # roots are the scope, not their own downstream
    with pytest.raises(UsageError):
        audit_of(tmp_path / "3", knowledge, KNOWN, downstream_of="no/such-thing-or-license")


def test_counts_by_family_and_verdict_add_up(tmp_path: Path, knowledge: Knowledge) -> None:
    result = audit_of(tmp_path, knowledge, KNOWN)
    assert sum(result.verdicts.values()) == result.artifacts
    assert sum(sum(c.values()) for c in result.families.values()) == result.artifacts
    assert result.families["non-commercial"][Effect.FORBIDDEN] >= 2


@pytest.mark.parametrize("stance", [Stance(Reading.STRICT), PERMISSIVE], ids=["strict", "permissive"])
def test_audit_verdicts_match_trace_on_a_synthetic_hub(tmp_path: Path, knowledge: Knowledge, stance: Stance) -> None:
    """Every artifact of a generated Hub: the bulk pass and the per-lineage trace agree."""
    rows = [*iter_models(260, 60, seed=3), *iter_datasets(60, seed=3)]
    result = audit_of(tmp_path, knowledge, rows, stance=stance)
    with DumpStore(tmp_path / "db.sqlite3") as store:
        graph = load_audit_graph(store, knowledge)
        from licaudit.terms.bulk_propagation import propagate_bulk

        bulk = propagate_bulk(graph, knowledge.normaliser, knowledge.rules, "commercial", stance)
        resolve = chained_resolver(registry_resolver(knowledge), store.facts)
        settings = TraceSettings(uses=("commercial",), stance=stance)
        expected_laundering: set[str] = set()
        checked = 0
        for node, artifact in enumerate(graph.ids):
            if graph.kind(node) is ArtifactKind.UNRESOLVED:
                continue
            traced = trace(artifact, settings, knowledge, resolve)
            verdict = traced.verdict("commercial")
            assert bulk.verdict(node) is verdict.verdict, artifact
            checked += 1
            facts = traced.graph.facts(ArtifactId(traced.target))
            claimed = facts.declared_license or facts.license_expression
            if claimed is None:
                continue
            terms = expression_terms(
                knowledge.normaliser.normalise(claimed), lambda t: terms_effect(knowledge.rules, "commercial", t)
            )
            declared = terms_effect(knowledge.rules, "commercial", terms)
            if Effect.UNKNOWN not in (declared, verdict.verdict) and declared.rank < verdict.verdict.rank:
                expected_laundering.add(artifact)
                case = next(c for c in result.laundering if c.id == artifact)
                reason = verdict.reasons[0].carried
                assert case.license_id == reason.term.license_id or reason.term.license_id.startswith(
                    "LicenseRef-licaudit"
                )
                assert case.path[-1] == artifact and len(case.path) == len(reason.path), (case.path, reason.path)
    assert checked > 300
    assert {c.id for c in result.laundering} == expected_laundering
    assert expected_laundering  # the generator's license mix does launder


def test_cycles_and_self_loops_match_trace(tmp_path: Path, knowledge: Knowledge) -> None:
    rows = [
        model("loop/a", 5, card("mit", "loop/b")),
        model("loop/b", 4, card("apache-2.0", "loop/c", "nc/base")),
        model("loop/c", 3, card("mit", "loop/a")),
        model("loop/below", 2, card("mit", "loop/c", relation="quantized")),
        model("loop/self", 1, card("mit", "loop/self", "free/base")),
        model("nc/base", 1, card("cc-by-nc-4.0")),
        model("free/base", 1, card("apache-2.0")),
    ]
    result = audit_of(tmp_path, knowledge, rows)
    with DumpStore(tmp_path / "db.sqlite3") as store:
        graph = load_audit_graph(store, knowledge)
        from licaudit.terms.bulk_propagation import propagate_bulk

        bulk = propagate_bulk(graph, knowledge.normaliser, knowledge.rules, "commercial", Stance(Reading.STRICT))
        resolve = chained_resolver(registry_resolver(knowledge), store.facts)
        for artifact in ("loop/a", "loop/b", "loop/c", "loop/below", "loop/self"):
            traced = trace(artifact, TraceSettings(uses=("commercial",)), knowledge, resolve)
            assert bulk.verdict(graph.index[artifact]) is traced.verdict("commercial").verdict, artifact
    laundered = {case.id for case in result.laundering}
    assert {"loop/a", "loop/b", "loop/c", "loop/below"} <= laundered and "loop/self" not in laundered


def test_a_resumed_import_reports_the_rate_of_the_rows_it_read() -> None:
    summary = ImportSummary("dump.jsonl", 1, resumed_from=100_000, rows=300_000, seconds=10.0, card_errors=7)
    head = render_import_summary(summary).splitlines()[0]
    assert "300,000 rows in 10.0 s (20,000 rows/s), resumed after row 100,000" in head
    assert "7 cards with errors in the rows read now" in head
