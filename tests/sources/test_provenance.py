"""The local-folder source: licaudit-provenance.json first, else the card's front matter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licaudit.artifact_ref import is_local_folder
from licaudit.artifacts import Origin, Relation
from licaudit.errors import DataFileError
from licaudit.sources.local.run_provenance import PROVENANCE_FILE, local_resolver, read_local_folder


def provenance(**overrides: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "schema_version": 1,
        "status": "complete",
        "artifact": {"id": "me/model", "kind": "model", "license": "Apache-2.0", "hub_license": "apache-2.0"},
        "inputs": [
            {"role": "base_model", "id": "org/base", "kind": "model", "relation": "finetune", "license": "MIT",
             "revision": "abc123", "evidence": [{"origin": "curated", "url": "https://example.org", "quote": "mit"}]},
        ],
    }  # fmt: skip
    doc.update(overrides)
    return doc


def test_reads_the_provenance_file_as_declared_facts(tmp_path: Path) -> None:
    (tmp_path / PROVENANCE_FILE).write_text(json.dumps(provenance()))
    assert is_local_folder(str(tmp_path))
    local = read_local_folder(tmp_path)
    assert local.facts.id == "me/model" and local.facts.license_expression == "Apache-2.0"
    link = local.facts.parents[0]
    assert (link.parent, link.relation, link.evidence[0].revision) == ("org/base", Relation.FINETUNE, "abc123")
    assert link.evidence[0].origin is Origin.DECLARED
    resolve = local_resolver(local, lambda _a: None)
    base = resolve(link.parent)
    assert base is not None and base.license_expression == "MIT"


def test_the_registry_wins_over_the_recorded_inputs(tmp_path: Path) -> None:
    (tmp_path / PROVENANCE_FILE).write_text(json.dumps(provenance()))
    local = read_local_folder(tmp_path)
    curated = object()
    resolve = local_resolver(local, lambda a: curated if a == "org/base" else None)  # type: ignore[arg-type,return-value]
    assert resolve(local.facts.parents[0].parent) is curated


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (provenance(schema_version=9), "schema_version 9"),
        (provenance(artifact="x"), "`artifact` must be an object"),
        (provenance(inputs=[{"id": "a", "relation": "stole", "kind": "model"}]), "relation 'stole'"),
    ],
)
def test_malformed_provenance_is_a_data_file_error(tmp_path: Path, doc: dict[str, object], message: str) -> None:
    (tmp_path / PROVENANCE_FILE).write_text(json.dumps(doc))
    with pytest.raises(DataFileError, match=message):
        read_local_folder(tmp_path)
    (tmp_path / PROVENANCE_FILE).write_text("{not json")
    with pytest.raises(DataFileError, match="not valid JSON"):
        read_local_folder(tmp_path)


def test_a_card_is_read_when_there_is_no_provenance_file(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "---\nlicense: mit\nbase_model: org/base\nbase_model_relation: adapter\ndatasets: [org/data]\n---\n# hi\n"
    )
    facts = read_local_folder(tmp_path).facts
    assert facts.license_expression == "mit"
    assert [(p.parent, p.relation) for p in facts.parents] == [
        ("org/base", Relation.ADAPTER),
        ("datasets/org/data", Relation.TRAINED_ON),
    ]


def test_trace_of_a_local_folder_with_a_card(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from licaudit.cli import app
    from tests.conftest import record, write_world

    rules, registry = write_world(tmp_path / "world", [record("org/base", "cc-by-nc-4.0")])
    model = tmp_path / "my-model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: mit\nbase_model: org/base\n---\n")
    result = CliRunner().invoke(
        app, ["trace", str(model), "--format", "json", "--rules", str(rules), "--registry", str(registry)]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["target"] == str(model)  # a folder is named by its path until it is published
    assert doc["verdicts"]["commercial"]["verdict"] == "forbidden"
    assert any(f["kind"] == "declared-more-permissive" for f in doc["findings"])
