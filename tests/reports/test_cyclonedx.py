"""CycloneDX 1.6 ML-BOM: valid against the official schema, model cards, pedigree, acknowledged licenses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from licaudit.pipeline import TraceResult
from licaudit.reports.cyclonedx import cyclonedx_document, render_cyclonedx
from tests.reports.conftest import CREATED, HOSTILE_ID
from tests.reports.golden import assert_golden


def schema_error(text: str) -> object:
    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


def entries(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    subject = bom["metadata"].get("component")
    found = {subject["bom-ref"]: subject} if subject else {}
    found.update({c["bom-ref"]: c for c in bom.get("components", []) + bom.get("services", [])})
    return found


@pytest.mark.parametrize("name", ["alpaca", "hostile", "big"])
def test_bom_is_valid_against_the_official_schema(name: str, request: pytest.FixtureRequest) -> None:
    result: TraceResult = request.getfixturevalue(name)
    text = render_cyclonedx(result, CREATED)
    assert schema_error(text) is None
    assert len(entries(json.loads(text))) == len(result.graph)


def test_the_validator_rejects_a_broken_bom(alpaca: TraceResult) -> None:
    bom = cyclonedx_document(alpaca, CREATED)
    bom["metadata"]["component"]["type"] = "llm"
    assert schema_error(json.dumps(bom)) is not None


def test_alpaca_model_card_pedigree_and_licenses(alpaca: TraceResult) -> None:
    bom = cyclonedx_document(alpaca, CREATED)
    found = entries(bom)
    wdiff = bom["metadata"]["component"]
    assert wdiff["bom-ref"] == "tatsu-lab/alpaca-7b-wdiff" and wdiff["type"] == "machine-learning-model"
    assert wdiff["modelCard"]["modelParameters"]["datasets"] == [{"ref": "datasets/tatsu-lab/alpaca"}]
    assert [a["name"] for a in wdiff["pedigree"]["ancestors"]] == ["facebookresearch/llama-7b"]
    assert {"license": {"id": "CC-BY-NC-4.0", "acknowledgement": "concluded"}} in wdiff["licenses"]
    assert {"license": {"id": "CC-BY-NC-4.0", "acknowledgement": "declared"}} in wdiff["licenses"]
    assert found["datasets/tatsu-lab/alpaca"]["type"] == "data"
    assert "modelCard" not in found["datasets/tatsu-lab/alpaca"]
    llama = found["facebookresearch/llama-7b"]["licenses"][0]["license"]
    assert llama["name"].startswith("LLaMA License Agreement") and "id" not in llama
    assert [s["bom-ref"] for s in bom["services"]] == ["services/openai/text-davinci-003"]
    props = {p["name"]: p["value"] for p in wdiff["properties"]}
    assert props["licaudit:verdict:commercial"] == "forbidden"
    deps = {d["ref"]: d["dependsOn"] for d in bom["dependencies"]}
    assert deps["datasets/tatsu-lab/alpaca"] == [
        "datasets/yizhongw/self-instruct-seed-tasks",
        "services/openai/text-davinci-003",
    ]


def test_alpaca_golden(alpaca: TraceResult) -> None:
    assert_golden("alpaca.cdx.json", render_cyclonedx(alpaca, CREATED))


def test_unknown_licenses_are_left_out_and_flagged(hostile: TraceResult) -> None:
    found = entries(cyclonedx_document(hostile, CREATED))
    for unknown in ("org/base", "datasets/org/data", "org/ghost", HOSTILE_ID):
        assert "licenses" not in found[unknown], unknown
        assert {"name": "licaudit:license-status", "value": "unknown"} in found[unknown]["properties"]
    assert found["org/app"]["licenses"] == [{"license": {"id": "MIT", "acknowledgement": "concluded"}}]


def test_a_license_choice_is_one_concluded_expression(hostile: TraceResult) -> None:
    dual = entries(cyclonedx_document(hostile, CREATED))["org/dual"]
    assert dual["licenses"] == [{"expression": "MIT OR CC-BY-SA-4.0", "acknowledgement": "concluded"}]
    assert {"name": "licaudit:declared-license", "value": "MIT"} in dual["properties"]


def test_a_traced_service_stays_a_service() -> None:
    from licaudit.knowledge import load_knowledge
    from licaudit.pipeline import TraceSettings, trace

    result = trace("services/openai/text-davinci-003", TraceSettings(), load_knowledge())
    text = render_cyclonedx(result, CREATED)
    assert schema_error(text) is None
    bom = json.loads(text)
    assert "component" not in bom["metadata"]
    assert [s["bom-ref"] for s in bom["services"]] == ["services/openai/text-davinci-003"]
    assert {"name": "licaudit:target", "value": "services/openai/text-davinci-003"} in bom["metadata"]["properties"]
