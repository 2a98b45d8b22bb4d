"""SPDX 2.3: valid by spdx-tools' own validator, one package per artifact, NOASSERTION for unknowns."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from spdx_tools.spdx.model import SpdxNoAssertion
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from licaudit.pipeline import TraceResult
from licaudit.reports.spdx2 import build_document, render_spdx2, spdx_ids
from tests.reports.conftest import CREATED, HOSTILE_ID, HOSTILE_NAME
from tests.reports.golden import assert_golden


def _round_trip(text: str) -> object:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lineage.spdx.json"
        path.write_text(text, encoding="utf-8")
        return parse_file(str(path))


@pytest.mark.parametrize("name", ["alpaca", "hostile", "big"])
def test_document_is_valid_and_survives_a_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    result: TraceResult = request.getfixturevalue(name)
    document = build_document(result, CREATED)
    assert validate_full_spdx_document(document) == []
    assert len(document.packages) == len(result.graph)
    parsed = _round_trip(render_spdx2(result, CREATED))
    assert validate_full_spdx_document(parsed) == []  # type: ignore[arg-type]


def test_alpaca_packages_licenses_relationships_and_verdict(alpaca: TraceResult) -> None:
    doc = json.loads(render_spdx2(alpaca, CREATED))
    ids = spdx_ids(alpaca.graph.artifacts())
    packages = {p["name"]: p for p in doc["packages"]}
    wdiff = packages["tatsu-lab/alpaca-7b-wdiff"]
    assert wdiff["licenseConcluded"] == "CC-BY-NC-4.0" and wdiff["licenseDeclared"] == "CC-BY-NC-4.0"
    assert packages["facebookresearch/llama-7b"]["licenseConcluded"] == "LicenseRef-LLaMA-1-Research"
    extracted = {e["licenseId"]: e for e in doc["hasExtractedLicensingInfos"]}
    assert set(extracted) == {"LicenseRef-LLaMA-1-Research", "LicenseRef-OpenAI-Terms-2023"}
    assert "develop models that compete with OpenAI" in extracted["LicenseRef-OpenAI-Terms-2023"]["extractedText"]
    relationships = {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc["relationships"]}
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", ids["tatsu-lab/alpaca-7b-wdiff"]) in relationships
    wdiff_id = ids["tatsu-lab/alpaca-7b-wdiff"]
    assert (wdiff_id, "DESCENDANT_OF", ids["facebookresearch/llama-7b"]) in relationships
    assert (wdiff_id, "GENERATED_FROM", ids["datasets/tatsu-lab/alpaca"]) in relationships
    (verdict,) = wdiff["annotations"]
    assert verdict["annotationType"] == "REVIEW" and verdict["annotator"] == "Tool: licaudit-0.1.0"
    assert (
        "commercial=forbidden" in verdict["comment"]
        and "facebookresearch/llama-7b -weight_diff->" in verdict["comment"]
    )


def test_alpaca_golden(alpaca: TraceResult) -> None:
    assert_golden("alpaca.spdx.json", render_spdx2(alpaca, CREATED))


def test_unknown_licenses_are_noassertion_never_invented(hostile: TraceResult) -> None:
    document = build_document(hostile, CREATED)
    packages = {p.name: p for p in document.packages}
    for unknown in ("org/base", "datasets/org/data", "org/ghost", HOSTILE_ID):
        assert isinstance(packages[unknown].license_concluded, SpdxNoAssertion), unknown
    assert str(packages["org/app"].license_concluded) == "MIT"
    assert all(e.license_id.startswith("LicenseRef-") for e in document.extracted_licensing_info)
    text = render_spdx2(hostile, CREATED)
    assert HOSTILE_ID in {p["name"] for p in json.loads(text)["packages"]}
    assert json.loads(text)  # markup in names is plain JSON text
    assert HOSTILE_NAME[:8] in text


def test_spdx_ids_are_valid_and_unique_even_when_names_collide() -> None:
    ids = spdx_ids(["org/a b", "org/a_b", "org/a<b>"])  # type: ignore[list-item]
    assert len(set(ids.values())) == 3
    assert all(
        set(i) <= set("SPDXRef-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") for i in ids.values()
    )
