"""SPDX 3.0.1 JSON-LD: valid against the official JSON schema, loadable by the SPDX 3 Python bindings."""

from __future__ import annotations

import io
import json
from functools import cache
from typing import Any

import jsonschema_rs
import pytest

from licaudit.pipeline import TraceResult
from licaudit.reports.spdx3 import NO_ASSERTION_LICENSE, render_spdx3, spdx3_document
from tests.reports.conftest import CREATED, HOSTILE_ID, SCHEMAS
from tests.reports.golden import assert_golden


@cache
def validator() -> Any:
    # The official SPDX 3.0.1 JSON schema (see schemas/README.md). jsonschema-rs, not python-jsonschema:
    # the schema dispatches every element through an anyOf over ~100 classes with unevaluatedProperties,
    # which python-jsonschema needs ~18 s to check for the 31-element Alpaca document; this takes ms.
    schema = json.loads((SCHEMAS / "spdx-3.0.1.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.Draft202012Validator(schema)


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [e.message[-300:] for e in validator().iter_errors(document)]


def by_type(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in document["@graph"] if e.get("type") == kind]


@pytest.mark.parametrize("name", ["alpaca", "hostile", "big"])
def test_document_is_schema_valid_and_loads_in_the_spdx3_bindings(name: str, request: pytest.FixtureRequest) -> None:
    from spdx_python_model import v3_0_1 as spdx3

    result: TraceResult = request.getfixturevalue(name)
    document = spdx3_document(result, CREATED)
    assert schema_errors(document) == []
    objects = spdx3.SHACLObjectSet()
    spdx3.JSONLDDeserializer().read(io.StringIO(render_spdx3(result, CREATED)), objects)
    packages = [o for o in objects.foreach() if isinstance(o, spdx3.software_Package)]
    assert len(packages) == len(result.graph)


def test_the_schema_copy_rejects_a_broken_document(alpaca: TraceResult) -> None:
    document = spdx3_document(alpaca, CREATED)
    by_type(document, "Relationship")[0]["relationshipType"] = "inventedBy"
    assert schema_errors(document)


def test_alpaca_profiles_relationships_and_licenses(alpaca: TraceResult) -> None:
    document = spdx3_document(alpaca, CREATED)
    names = {e["spdxId"]: e.get("name") for e in document["@graph"] if "spdxId" in e}
    assert {e["name"] for e in by_type(document, "ai_AIPackage")} == {
        "tatsu-lab/alpaca-7b-wdiff",
        "facebookresearch/llama-7b",
    }
    assert {e["name"] for e in by_type(document, "dataset_DatasetPackage")} == {
        "datasets/tatsu-lab/alpaca",
        "datasets/yizhongw/self-instruct-seed-tasks",
    }
    relations = {
        (names[r["from"]], r["relationshipType"], names.get(r["to"][0], r["to"][0]))
        for r in by_type(document, "Relationship")
    }
    assert ("tatsu-lab/alpaca-7b-wdiff", "trainedOn", "datasets/tatsu-lab/alpaca") in relations
    assert ("tatsu-lab/alpaca-7b-wdiff", "descendantOf", "facebookresearch/llama-7b") in relations
    assert ("services/openai/text-davinci-003", "generates", "datasets/tatsu-lab/alpaca") in relations
    expressions = {
        e["spdxId"]: e["simplelicensing_licenseExpression"]
        for e in by_type(document, "simplelicensing_LicenseExpression")
    }
    concluded = {
        names[r["from"]]: expressions[r["to"][0]]
        for r in by_type(document, "Relationship")
        if r["relationshipType"] == "hasConcludedLicense"
    }
    assert concluded["tatsu-lab/alpaca-7b-wdiff"] == "CC-BY-NC-4.0"
    assert concluded["services/openai/text-davinci-003"] == "LicenseRef-OpenAI-Terms-2023"
    (root,) = by_type(document, "SpdxDocument")
    assert names[root["rootElement"][0]] == "tatsu-lab/alpaca-7b-wdiff"
    assert {"ai", "dataset"} <= set(root["profileConformance"])
    verdict = next(a for a in by_type(document, "Annotation") if names[a["subject"]] == "tatsu-lab/alpaca-7b-wdiff")
    assert "commercial=forbidden" in verdict["statement"]


def test_alpaca_golden(alpaca: TraceResult) -> None:
    assert_golden("alpaca.spdx3.json", render_spdx3(alpaca, CREATED))


def test_unknown_licenses_are_noassertion(hostile: TraceResult) -> None:
    document = spdx3_document(hostile, CREATED)
    names = {e["spdxId"]: e.get("name") for e in document["@graph"] if "spdxId" in e}
    concluded = {
        names[r["from"]]: r["to"][0]
        for r in by_type(document, "Relationship")
        if r["relationshipType"] == "hasConcludedLicense"
    }
    for unknown in ("org/base", "datasets/org/data", "org/ghost", HOSTILE_ID):
        assert concluded[unknown] == NO_ASSERTION_LICENSE
    assert concluded["org/app"] != NO_ASSERTION_LICENSE
