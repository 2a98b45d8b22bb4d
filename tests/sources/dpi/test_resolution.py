"""The collection as a layer of resolution: registry > DPI > card, in trace, gate and import."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.artifacts import Origin
from licaudit.cli import app
from licaudit.errors import UnknownArtifactError
from licaudit.findings import FindingKind
from licaudit.knowledge import Knowledge
from licaudit.pipeline import TraceResult, TraceSettings, trace
from licaudit.sources.dpi.collection import read_checkout
from licaudit.sources.dpi.store import CollectionStore
from licaudit.sources.dumps.store import DumpStore, default_database
from licaudit.sources.hub.settings import HubSettings
from tests.sources.conftest import fast_settings
from tests.sources.dpi.checkouts import dataset, write_checkout
from tests.sources.hub_server import HubServer

RUNNER = CliRunner()
SHARED = "datasets/org/shared"


def checkout(root: Path) -> Path:
    return write_checkout(
        root,
        {
            "Alpha": [
                dataset(
                    "alpha-one",
                    "Alpha",
                    "https://huggingface.co/datasets/org/shared/viewer/one",
                    licenses=[("CC BY-NC 4.0", "https://example.org/one")],
                    generated=["OpenAI GPT-4"],
                    card="MIT License",
                ),
                dataset("alpha-two", "Alpha", "https://huggingface.co/datasets/org/shared", card="MIT License"),
                # The registry knows this one: its record stands.
                dataset("alpha-alp", "Alpha", "https://huggingface.co/datasets/tatsu-lab/alpaca"),
            ]
        },
    )


def imported(tmp_path: Path) -> None:
    with CollectionStore(default_database()) as store:
        store.import_checkout(read_checkout(checkout(tmp_path / "dpi"), revision="rev1"))


def offline_trace(knowledge: Knowledge, target: str) -> TraceResult:
    return trace(target, TraceSettings(hub=HubSettings(offline=True)), knowledge)


def disagreements(result: TraceResult) -> list[str]:
    return [f.message for f in result.findings if f.kind is FindingKind.REGISTRY_CARD_DISAGREEMENT]


def test_without_an_import_the_layer_is_absent(shipped: Knowledge) -> None:
    with pytest.raises(UnknownArtifactError):
        offline_trace(shipped, SHARED)


def test_trace_reads_the_layer_with_the_card_dpi_recorded(tmp_path: Path, shipped: Knowledge) -> None:
    imported(tmp_path)
    result = offline_trace(shipped, "org/shared")
    facts = result.graph.facts(SHARED)  # type: ignore[arg-type]
    assert facts.license_expression == "CC-BY-NC-4.0 AND MIT"
    assert facts.declared_license == "MIT License"  # the card as DPI read it
    assert {e.origin for e in facts.license_evidence} == {Origin.DPI, Origin.DECLARED}
    assert {(e.parent, e.child, e.relation.value) for e in result.graph.edges()} == {
        ("services/openai/gpt-4", SHARED, "generated_by")
    }
    assert disagreements(result) == [
        "datasets/org/shared: the card declared 'MIT License' when the Data Provenance Collection read it,"
        " but its annotation says 'CC-BY-NC-4.0 AND MIT'; the annotation is used"
    ]
    assert any(f.kind is FindingKind.DECLARED_MORE_PERMISSIVE for f in result.findings)  # MIT alone is better
    assert result.verdicts["commercial"][SHARED].verdict.value == "forbidden"


def test_the_registry_stands_above_the_layer(tmp_path: Path, shipped: Knowledge) -> None:
    imported(tmp_path)
    result = offline_trace(shipped, "datasets/tatsu-lab/alpaca")
    facts = result.graph.facts("datasets/tatsu-lab/alpaca")  # type: ignore[arg-type]
    assert {e.origin for e in facts.license_evidence} == {Origin.CURATED}
    assert "MIT" not in (facts.license_expression or "")


def test_an_imported_card_sits_beside_the_layer_and_disagrees(tmp_path: Path, shipped: Knowledge) -> None:
    imported(tmp_path)
    dump = tmp_path / "datasets.jsonl"
    card = "---\nlicense: apache-2.0\nsource_datasets:\n- x/elsewhere\n---\n"
    dump.write_text(json.dumps({"datasetId": "org/shared", "downloads": 5, "card": card}) + "\n", encoding="utf-8")
    with DumpStore() as store:
        store.import_dump(dump)
    result = offline_trace(shipped, SHARED)
    facts = result.graph.facts(SHARED)  # type: ignore[arg-type]
    assert (facts.license_expression, facts.declared_license) == ("CC-BY-NC-4.0 AND MIT", "apache-2.0")
    assert sorted(disagreements(result)) == [
        "datasets/org/shared: the card declares 'apache-2.0' but the Data Provenance Collection says"
        " 'CC-BY-NC-4.0 AND MIT'; the Data Provenance Collection is used",
        "datasets/org/shared: the card names datasets/x/elsewhere as its derived_from parent but the Data"
        " Provenance Collection does not list it; the curated lineage is used",
    ]


def test_a_checked_hub_card_more_permissive_than_dpi_is_a_disagreement(
    tmp_path: Path, hub: HubServer, shipped: Knowledge
) -> None:
    imported(tmp_path)
    hub.dataset("org/shared", "---\nlicense: apache-2.0\n---\n# Shared\n")
    plain = trace(SHARED, TraceSettings(hub=fast_settings()), shipped)
    assert not hub.requests("/api/datasets/org/shared")  # the layer answers without the Hub
    assert plain.graph.facts(SHARED).declared_license == "MIT License"  # type: ignore[arg-type]
    checked = trace(SHARED, TraceSettings(hub=fast_settings(check_cards=True)), shipped)
    assert hub.requests("/api/datasets/org/shared")
    facts = checked.graph.facts(SHARED)  # type: ignore[arg-type]
    assert (facts.license_expression, facts.declared_license) == ("CC-BY-NC-4.0 AND MIT", "apache-2.0")
    assert any("'apache-2.0'" in m and "Data Provenance Collection" in m for m in disagreements(checked))


def test_import_recognises_a_checkout_and_gate_uses_the_layer(tmp_path: Path) -> None:
    root = checkout(tmp_path / "dpi")
    (root / "data_summaries" / "Broken.json").write_text("{", encoding="utf-8")
    result = RUNNER.invoke(app, ["import", str(root), "--revision", "rev1"])
    assert result.exit_code == 3, result.stderr  # a file was skipped: the layer is incomplete
    assert result.stdout == ""
    assert "1 files, 3 records" in result.stderr and "data_summaries/Broken.json: not valid JSON" in result.stderr
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(
        textwrap.dedent(
            """\
            from datasets import load_dataset

            data = load_dataset("org/shared")
            """
        ),
        encoding="utf-8",
    )
    gated = RUNNER.invoke(app, ["gate", str(repo), "--policy", "commercial", "--offline", "--format", "json"])
    assert gated.exit_code == 1, gated.stdout
    document = json.loads(gated.stdout)
    assert document["status"] == "failed"
    assert [a["id"] for a in document["artifacts"]] == ["datasets/org/shared"]


def test_format_dpi_refuses_a_folder_that_is_not_a_checkout(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["import", "--format", "dpi", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a Data Provenance Collection checkout" in result.stderr
