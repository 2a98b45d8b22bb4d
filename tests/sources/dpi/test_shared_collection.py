"""The real collection (../shared/dpi beside the repository, commit ce6662de): read, imported, looked up.

The expected figures were read from the files themselves (`data_summaries/Alpaca.json`,
`10k Prompt Ranked.json`, `CommitPackFT.json`) before this test was written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from licaudit.artifacts import Relation
from licaudit.knowledge import Knowledge
from licaudit.sources.dpi.collection import is_checkout, read_checkout
from licaudit.sources.dpi.layer import CollectionLayer
from licaudit.sources.dpi.store import CollectionStore
from licaudit.terms.identify import CatalogIdentifier

REPOSITORY = Path(__file__).resolve().parents[3]
CHECKOUT = Path(os.environ.get("LICAUDIT_DPI_CHECKOUT") or REPOSITORY.parent / "shared" / "dpi")

MISSING = (
    f"no copy of the Data Provenance Collection at {CHECKOUT} (../shared/dpi beside the repository;"
    " LICAUDIT_DPI_CHECKOUT names another)"
)


@pytest.fixture(scope="module", autouse=True)
def checkout_present() -> None:
    if not is_checkout(CHECKOUT):
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING}: CI keeps it beside the clone")
        pytest.skip(MISSING)


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory, shipped: Knowledge) -> CollectionLayer:
    store = CollectionStore(tmp_path_factory.mktemp("dpi") / "licaudit.sqlite3")
    summary = store.import_checkout(read_checkout(CHECKOUT, revision="ce6662de"))
    assert summary.problems == []
    assert (summary.files, summary.records, summary.added) == (108, 2311, 2311)
    return CollectionLayer(store, shipped.registry, CatalogIdentifier(shipped.catalog))


def test_every_file_of_the_collection_is_read(layer: CollectionLayer) -> None:
    records, artifacts = layer.store.counts()
    assert records == 2311
    hub = {s.record.hub_id for s in layer.store.all_records() if s.record.hub_id}
    assert artifacts == len(hub) + sum(1 for s in layer.store.all_records() if not s.record.hub_id)
    again = layer.store.import_checkout(read_checkout(CHECKOUT, revision="ce6662de"))
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 2311, 0)


def test_alpaca_is_annotated_with_openai_terms_and_cc_by_nc(layer: CollectionLayer) -> None:
    found = layer.lookup("datasets/tatsu-lab/alpaca")
    assert found is not None
    assert found.facts.license_expression == "LicenseRef-OpenAI-Terms-2023 AND CC-BY-NC-4.0"
    assert found.recorded_card == "CC BY-NC 4.0"
    evidence = found.facts.license_evidence[1]
    assert evidence.url.endswith("data_summaries/Alpaca.json") and evidence.revision == "ce6662de"
    assert evidence.quote == (
        'alpaca: "License": "CC BY-NC 4.0", "License URL":'
        ' "https://github.com/tatsu-lab/stanford_alpaca/blob/main/DATA_LICENSE"'
        " (DPI class: use NC, attribution 1, share-alike 0)"
    )


def test_generators_and_sources_of_a_mixed_collection(layer: CollectionLayer) -> None:
    facts = layer.facts("DIBT/10k_prompts_ranked")
    assert facts is not None
    generated = {p.parent for p in facts.parents if p.relation is Relation.GENERATED_BY}
    assert {"services/openai/gpt-3.5-turbo", "services/openai/gpt-3"} <= generated  # ChatGPT; GPT-3 has no record
    derived = {p.parent for p in facts.parents if p.relation is Relation.DERIVED_FROM}
    assert {"datasets/OpenAssistant/oasst2", "datasets/LDJnr/Capybara"} <= derived


def test_the_subsets_of_one_repository_make_one_artifact(layer: CollectionLayer) -> None:
    stored = layer.store.records("datasets/bigcode/commitpackft")
    assert len(stored) == 277  # one record per programming language
    facts = layer.annotated(stored).facts
    assert len(facts.license_evidence) == sum(len(s.record.licenses) for s in stored)
    assert {"MIT", "Apache-2.0", "GPL-3.0-only"} <= set((facts.license_expression or "").split(" AND "))
