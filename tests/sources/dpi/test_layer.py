"""Collection records as facts: catalog licenses, generators to services or models, sources, evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.artifacts import ArtifactKind, Origin, Relation
from licaudit.knowledge import Knowledge
from licaudit.sources.dpi.collection import read_checkout
from licaudit.sources.dpi.layer import CollectionLayer
from licaudit.sources.dpi.store import CollectionStore
from licaudit.terms.expressions import render
from licaudit.terms.identify import CatalogIdentifier
from tests.sources.dpi.checkouts import dataset, write_checkout

SHARED = "https://huggingface.co/datasets/org/shared"


@pytest.fixture
def layer(tmp_path: Path, shipped: Knowledge) -> CollectionLayer:
    root = write_checkout(
        tmp_path / "dpi",
        {
            "Alpha": [
                dataset(
                    "alpha-one",
                    "Alpha",
                    SHARED + "/viewer/one",
                    licenses=[("CC BY-NC 4.0", "https://example.org/one"), ("OpenAI", "https://example.org/tos")],
                    generated=["OpenAI GPT-4", "OpenAI ChatGPT", "OpenAI GPT-3", "BART", "Templates", "org/gen-7b"],
                    card="MIT License",
                    notes="annotator note",
                ),
                dataset(
                    "alpha-two",
                    "Alpha",
                    SHARED + "/viewer/two",
                    licenses=[("MIT License", ""), ("CC BY-NC 4.0", "https://example.org/two")],
                    generated=["OpenAI GPT-4"],
                    derived=["Beta Set", "https://huggingface.co/datasets/up/stream", "Some Corpus", "alpha-one"],
                    card="MIT License",
                ),
            ],
            "Beta": [dataset("beta-one", "Beta", name="Beta Set", licenses=[("Non Commercial", "")])],
        },
    )
    store = CollectionStore(tmp_path / "db.sqlite3")
    store.import_checkout(read_checkout(root, revision="rev1"))
    return CollectionLayer(store, shipped.registry, CatalogIdentifier(shipped.catalog))


def test_records_of_one_repository_carry_all_their_licenses_each_with_its_evidence(layer: CollectionLayer) -> None:
    found = layer.lookup("org/shared")
    assert found is not None
    facts = found.facts
    assert (facts.id, facts.kind, facts.on_hub) == ("datasets/org/shared", ArtifactKind.DATASET, True)
    assert facts.license_expression == "CC-BY-NC-4.0 AND LicenseRef-OpenAI-Terms-2023 AND MIT"
    assert {e.origin for e in facts.license_evidence} == {Origin.DPI}
    assert [e.field for e in facts.license_evidence] == [
        "Alpha/alpha-one: Licenses",
        "Alpha/alpha-one: Licenses",
        "Alpha/alpha-two: Licenses",
        "Alpha/alpha-two: Licenses",
    ]
    first = facts.license_evidence[0]
    assert first.revision == "rev1" and first.url.endswith("data_summaries/Alpha.json")
    assert first.quote == (
        'alpha-one: "License": "CC BY-NC 4.0", "License URL": "https://example.org/one"'
        " (DPI class: use NC, attribution 1, share-alike 0)"
    )
    assert facts.notes == "DPI license notes: alpha-one: annotator note"
    assert found.recorded_card == "MIT License"
    assert [e.origin for e in found.recorded_evidence] == [Origin.DECLARED, Origin.DECLARED]


def test_generators_become_generated_by_parents(layer: CollectionLayer) -> None:
    facts = layer.facts("datasets/org/shared")
    assert facts is not None
    generated = {p.parent: p for p in facts.parents if p.relation is Relation.GENERATED_BY}
    assert list(generated) == [
        "services/openai/gpt-4",  # the registry's terms service for the model
        "services/openai/gpt-3.5-turbo",  # "ChatGPT" is an alias of its record
        "services/openai/gpt-3",  # an OpenAI model the registry has no record of: unresolved, not guessed
        "dpi/_generator/bart",  # a generator no source can name
        "org/gen-7b",  # a Hub model id
    ]  # "Templates" is not a model
    both = generated["services/openai/gpt-4"].evidence
    assert [e.quote for e in both] == [
        'alpha-one: "Model Generated": "OpenAI GPT-4"',
        'alpha-two: "Model Generated": "OpenAI GPT-4"',
    ]


def test_derived_datasets_are_resolved_by_url_name_or_left_unresolved(layer: CollectionLayer) -> None:
    facts = layer.facts("datasets/org/shared")
    assert facts is not None
    derived = [p.parent for p in facts.parents if p.relation is Relation.DERIVED_FROM]
    # "alpha-one" names a subset of the same repository: no self-loop
    assert derived == ["dpi/beta/beta-one", "datasets/up/stream", "dpi/_dataset/some-corpus"]


def test_a_license_the_catalog_does_not_know_stays_as_dpi_wrote_it(layer: CollectionLayer, shipped: Knowledge) -> None:
    facts = layer.facts("dpi/beta/beta-one")
    assert facts is not None and not facts.on_hub
    assert facts.license_expression == "Non Commercial"
    # Kept as written; the recogniser reads the wording as a stated non-commercial restriction.
    assert render(shipped.normaliser.normalise(facts.license_expression)) == "LicenseRef-licaudit-Stated-Non-Commercial"
    assert "DPI class: use NC" in (facts.license_evidence[0].quote or "")
    assert layer.lookup("org/absent") is None
