"""Licenses vs restrictions on the real catalog: what binds weights and data is the license; API
terms and output terms that came through generated data are restrictions with their paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from licaudit.artifacts import ArtifactId
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.pipeline import TraceSettings, registry_resolver, trace
from licaudit.policy.card_check import check_card
from licaudit.shipped import shipped_folder
from licaudit.sources.local.model_folder import read_model_folder
from licaudit.terms.flow_rules import STRICT, Reading, Stance
from licaudit.terms.propagation import propagate_terms
from licaudit.terms.restrictions import binds_as_license, restrictions_reaching
from licaudit.terms.vocabulary import Effect
from tests.conftest import record

OPENAI = "services/openai/gpt-4"
RECORDS = [
    record("huggyllama/llama-7b", "LicenseRef-LLaMA-1-Research"),
    record("meta/llama-2-7b", "llama2"),
    record("org/apache-base", "apache-2.0"),
    record("datasets/org/nc-data", "cc-by-nc-4.0"),
    record(OPENAI, "LicenseRef-OpenAI-Terms-2023", kind="service"),
    record("datasets/me/generated", "cc-by-4.0", ("generated_by", OPENAI)),
    record("datasets/me/declares-openai-terms", "OpenAI Terms of Use"),
    record("me/llama1-lora", "LicenseRef-LLaMA-1-Research", ("adapter", "huggyllama/llama-7b")),
    record("me/llama2-ft", "llama2", ("finetune", "meta/llama-2-7b")),
    record("me/nc-ft", "apache-2.0", ("finetune", "org/apache-base"), ("trained_on", "datasets/org/nc-data")),
    record("me/openai-ft", "apache-2.0", ("finetune", "org/apache-base"), ("trained_on", "datasets/me/generated")),
    record(
        "me/mix",
        "apache-2.0",
        ("finetune", "meta/llama-2-7b"),
        ("trained_on", "datasets/org/nc-data"),
        ("trained_on", "datasets/me/generated"),
    ),
]


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    registry = tmp_path_factory.mktemp("registry")
    for rec in RECORDS:
        folder = {"model": "models", "dataset": "datasets", "service": "services"}[rec["kind"]]
        bare = rec["id"].split("/", 1)[1] if rec["id"].startswith(f"{folder}/") else rec["id"]
        path = registry / folder / f"{bare}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rec, sort_keys=False), encoding="utf-8")
    return load_knowledge(shipped_folder("rules"), registry)


def _split(knowledge: Knowledge, target: str, stance: Stance = STRICT) -> tuple[set[str], list[Any]]:
    result = trace(target, TraceSettings(stance=stance), knowledge, registry_resolver(knowledge))
    propagation = propagate_terms(result.graph, knowledge.normaliser, knowledge.rules, "commercial", stance)
    carried = list(propagation.effective[ArtifactId(target)].values())
    licenses = {c.term.license_id for c in carried if binds_as_license(c, knowledge.catalog, knowledge.rules)}
    return licenses, restrictions_reaching(carried, knowledge.catalog, knowledge.rules)


def test_llama_1_weights_are_the_license(knowledge: Knowledge) -> None:
    licenses, restrictions = _split(knowledge, "me/llama1-lora")
    assert "LicenseRef-LLaMA-1-Research" in licenses
    # Its clause on "any data produced by the Software" restricts what the model outputs.
    assert {r.license_id for r in restrictions} <= {"LicenseRef-LLaMA-1-Research"}


def test_llama_2_is_the_license_and_its_output_terms_are_restrictions(knowledge: Knowledge) -> None:
    licenses, restrictions = _split(knowledge, "me/llama2-ft")
    assert "LicenseRef-Llama-2-Community" in licenses
    assert {(r.license_id, r.kind) for r in restrictions} >= {("LicenseRef-Llama-2-Community", "output_restriction")}


def test_cc_by_nc_data_is_a_license_of_the_weights_under_strict(knowledge: Knowledge) -> None:
    licenses, restrictions = _split(knowledge, "me/nc-ft")
    assert {"CC-BY-NC-4.0", "Apache-2.0"} <= licenses and restrictions == []


def test_openai_generated_data_brings_a_restriction_never_a_license(knowledge: Knowledge) -> None:
    licenses, restrictions = _split(knowledge, "me/openai-ft")
    assert not any("OpenAI" in license_id for license_id in licenses)
    (openai,) = [
        r for r in restrictions if r.license_id == "LicenseRef-OpenAI-Terms-2023" and r.kind == "output_restriction"
    ]
    assert openai.path == (OPENAI, "datasets/me/generated", "me/openai-ft")


def test_a_mix_keeps_licenses_and_restrictions_apart(knowledge: Knowledge) -> None:
    licenses, restrictions = _split(knowledge, "me/mix")
    assert {"LicenseRef-Llama-2-Community", "CC-BY-NC-4.0"} <= licenses
    assert not any("OpenAI" in license_id for license_id in licenses)
    assert {r.license_id for r in restrictions} >= {"LicenseRef-OpenAI-Terms-2023", "LicenseRef-Llama-2-Community"}


@pytest.mark.parametrize("stance", [STRICT, Stance(Reading.PERMISSIVE)])
def test_a_dataset_declaring_api_terms_is_that_apis_output(knowledge: Knowledge, stance: Stance) -> None:
    result = trace(
        "datasets/me/declares-openai-terms", TraceSettings(stance=stance), knowledge, registry_resolver(knowledge)
    )
    assert result.verdict("commercial").verdict is Effect.FORBIDDEN  # was `allowed`, even under strict
    reason = result.verdict("commercial").reasons[0].carried
    assert reason.term.license_id == "LicenseRef-OpenAI-Terms-2023"


def _folder(tmp_path: Path, front: str) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text(f"---\n{front}---\n# A model\n", encoding="utf-8")
    return folder


def test_check_fix_never_writes_api_terms_as_the_license(knowledge: Knowledge, tmp_path: Path) -> None:
    result = trace("me/openai-ft", TraceSettings(), knowledge, registry_resolver(knowledge))
    folder = _folder(tmp_path, "license: apache-2.0\nbase_model: org/apache-base\ndatasets: [me/generated]\n")
    verdicts = {u: result.verdict(u) for u in ("commercial", "research")}
    card = check_card(
        read_model_folder(folder), ArtifactId("me/openai-ft"), verdicts, True, knowledge.catalog, knowledge.rules
    )
    updates = dict(card.updates)
    assert "license" not in updates and "license_name" not in updates and "license_link" not in updates
    block = updates["licaudit"]
    assert isinstance(block, dict)
    assert {"license": "LicenseRef-OpenAI-Terms-2023", "kind": "output_restriction",
            "path": [OPENAI, "datasets/me/generated", "me/openai-ft"]} in block["restrictions"]  # fmt: skip
    assert b"license: apache-2.0" in card.fixed_readme and b"openai" not in card.fixed_readme.split(b"licaudit:")[0]
    assert any(
        f.kind.value == "card-license-too-permissive" and "restrictions reach it" in f.message for f, _ in card.findings
    )


def test_check_fix_still_writes_the_license_that_binds_the_data(knowledge: Knowledge, tmp_path: Path) -> None:
    result = trace("me/nc-ft", TraceSettings(), knowledge, registry_resolver(knowledge))
    folder = _folder(tmp_path, "license: apache-2.0\nbase_model: org/apache-base\ndatasets: [org/nc-data]\n")
    verdicts = {u: result.verdict(u) for u in ("commercial",)}
    card = check_card(
        read_model_folder(folder), ArtifactId("me/nc-ft"), verdicts, True, knowledge.catalog, knowledge.rules
    )
    assert dict(card.updates)["license"] == "cc-by-nc-4.0"
