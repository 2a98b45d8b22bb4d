"""What a trace loads with the layer imported: a registry trace never opens it, a layer trace no Hub client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licaudit.knowledge import Knowledge
from licaudit.pipeline import TraceSettings, trace
from licaudit.sources.dpi.collection import read_checkout
from licaudit.sources.dpi.store import CollectionStore
from licaudit.sources.dumps.store import default_database
from licaudit.sources.hub.settings import HubSettings
from tests.conftest import WorldFactory, record
from tests.sources.dpi.checkouts import dataset, write_checkout
from tests.test_startup import NETWORK, _run


@pytest.fixture
def layer_imported(tmp_path: Path) -> None:
    root = write_checkout(
        tmp_path / "dpi",
        {
            "Alpha": [
                dataset(
                    "alpha-one",
                    "Alpha",
                    "https://huggingface.co/datasets/org/shared",
                    licenses=[("CC BY-NC 4.0", "")],
                    generated=["OpenAI GPT-4"],
                )
            ]
        },
    )
    with CollectionStore(default_database()) as store:
        store.import_checkout(read_checkout(root, revision="rev1"))


def test_a_registry_trace_never_opens_the_layer(tmp_path: Path, layer_imported: None) -> None:
    # The command's source is created (and opens nothing); the layer's modules are never imported.
    watched = [*NETWORK, "rich", "yaml", "licaudit.sources.dpi"]
    args = ("trace", "tatsu-lab/alpaca-7b-wdiff", "--format", "json")
    _run(tmp_path, watched, *args)  # fills the parsed-data cache
    code, loaded, _ = _run(tmp_path, watched, *args)
    assert code == 1 and loaded == []


def test_a_trace_the_layer_answers_opens_no_hub_client(tmp_path: Path, layer_imported: None) -> None:
    watched = [*NETWORK, "rich", "yaml", "hashlib", "licaudit.sources.hub.cache", "licaudit.sources.cards.snapshot"]
    args = ("trace", "org/shared", "--format", "json")
    _run(tmp_path, watched, *args)
    code, loaded, stdout = _run(tmp_path, watched, *args)
    assert code == 1  # CC BY-NC: forbidden for commercial use
    assert {node["id"] for node in json.loads(stdout)["nodes"]} == {"datasets/org/shared", "services/openai/gpt-4"}
    assert loaded == []


def test_a_registry_parent_the_registry_misses_comes_from_the_layer(world: WorldFactory, layer_imported: None) -> None:
    knowledge: Knowledge = world(
        [record("org/model", "MIT", ("trained_on", "datasets/org/shared")), record("services/openai/gpt-4", "MIT")]
    )
    result = trace("org/model", TraceSettings(hub=HubSettings(offline=True)), knowledge)
    assert result.graph.facts("datasets/org/shared").license_expression == "CC-BY-NC-4.0"  # type: ignore[arg-type]
    assert result.verdicts["commercial"]["org/model"].verdict.value == "forbidden"
