"""Hub lineage through the real huggingface_hub client against the local server: cards, tags,
configs and merges to a typed graph with evidence; licenses; hints; registry merging."""

from __future__ import annotations

from licaudit.artifacts import ArtifactKind, Origin, Relation
from licaudit.findings import FindingKind
from licaudit.knowledge import Knowledge
from tests.sources.conftest import fast_settings, hub_trace
from tests.sources.hub_server import FakeRepo, HubServer

LLAMA2 = "meta-llama/Llama-2-7b-hf"  # in the shipped registry: answered without a request
LLAMA2_TEXT = "LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n..."


def edges(result: object) -> set[tuple[str, str, str]]:
    graph = result.graph  # type: ignore[attr-defined]
    return {(e.parent, e.child, e.relation.value) for e in graph.edges()}


def kinds(result: object) -> list[str]:
    return [f.kind.value for f in result.findings]  # type: ignore[attr-defined]


def multi_hop_world(hub: HubServer) -> None:
    """A quantized model of a merge of a finetune and an adapter of Llama 2, trained on a dataset
    that an API generated and DeepL translated."""
    hub.add(
        FakeRepo(
            "q/model-gguf",
            files={b"README.md".decode(): b"---\nlicense: llama2\nbase_model: m/merged\n---\n# GGUF\n"},
            tags=["gguf", "base_model:quantized:m/merged", "license:llama2", "dataset:d/calibration"],
        )
    )
    hub.model(
        "m/merged",
        "---\nlicense: llama2\nbase_model: [f/finetune, a/adapter]\n---\nA merge.\n",
        mergekit_config__yml=(
            "merge_method: ties\nbase_model: meta-llama/Llama-2-7b-hf\n"
            "models:\n  - model: f/finetune\n  - model: a/adapter\n"
            "slices:\n  - sources:\n    - model: extra/slice-source\n      layer_range: [0, 32]\n"
        ),
    )
    hub.dataset("d/calibration", "---\nlicense: mit\n---\n")
    hub.model("extra/slice-source", "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\n---\n")
    hub.model(
        "f/finetune",
        "---\nlicense: llama2\nbase_model: meta-llama/Llama-2-7b-hf\ndatasets: [d/instructions-ko]\n---\n",
        config__json='{"_name_or_path": "meta-llama/Llama-2-7b-hf", "model_type": "llama"}',
    )
    hub.model(
        "a/adapter",
        "---\nlicense: llama2\n---\nAn adapter.\n",
        adapter_config__json='{"base_model_name_or_path": "meta-llama/Llama-2-7b-hf", "peft_type": "LORA"}',
    )
    hub.dataset(
        "d/instructions-ko",
        "---\nlicense: cc-by-nc-4.0\nannotations_creators:\n- machine-generated\n"
        "source_datasets:\n- extended|tatsu-lab/alpaca\n- original\n---\n"
        "# Korean instructions\nThe answers were generated with GPT-4 and then translated with DeepL.\n",
    )


def test_multi_hop_lineage_with_relations_and_evidence(hub: HubServer, shipped: Knowledge) -> None:
    multi_hop_world(hub)
    result = hub_trace(shipped, "q/model-gguf")
    assert {
        ("m/merged", "q/model-gguf", "quantized"),
        ("f/finetune", "m/merged", "merge"),
        ("a/adapter", "m/merged", "merge"),
        ("extra/slice-source", "m/merged", "merge"),  # every merged source, not just base_model
        (LLAMA2, "m/merged", "merge"),
        (LLAMA2, "f/finetune", "finetune"),
        (LLAMA2, "a/adapter", "adapter"),
        ("datasets/d/instructions-ko", "f/finetune", "trained_on"),
        ("datasets/tatsu-lab/alpaca", "datasets/d/instructions-ko", "derived_from"),
        ("datasets/d/calibration", "q/model-gguf", "trained_on"),  # from a `dataset:` tag
    } <= edges(result)
    # hints are never parents
    assert {e[0] for e in edges(result) if e[1] == "datasets/d/instructions-ko"} == {"datasets/tatsu-lab/alpaca"}
    dataset = result.graph.facts("datasets/d/instructions-ko")  # type: ignore[arg-type]
    assert dataset.kind is ArtifactKind.DATASET
    assert any("generated with GPT-4" in h for h in dataset.hints)
    assert any("translated with DeepL" in h for h in dataset.hints)
    hint_messages = [f.message for f in result.findings if f.kind is FindingKind.HINT]
    assert any("“The answers were generated with GPT-4 and then translated with DeepL.”" in m for m in hint_messages)
    assert any("machine-generated" in m for m in hint_messages)
    # evidence: origin, file and field, revision, quote
    edge = next(e for e in result.graph.edges() if e.child == "q/model-gguf" and e.parent == "m/merged")
    origins = {(ev.origin, ev.field) for ev in edge.evidence}
    assert {(Origin.DECLARED, "base_model"), (Origin.TAG, "tags")} <= origins
    sha = next(ev.revision for ev in edge.evidence)
    assert sha is not None and len(sha) == 40
    assert all(ev.revision == sha for ev in edge.evidence)
    adapter = next(e for e in result.graph.edges() if e.child == "a/adapter")
    assert adapter.evidence[0].field == "base_model_name_or_path"
    assert adapter.evidence[0].url.endswith("/adapter_config.json")
    # the registry answers for Llama 2: curated, no request for it
    assert result.graph.facts(LLAMA2).license_evidence[0].origin is Origin.CURATED  # type: ignore[arg-type]
    assert not hub.requests("Llama-2-7b-hf/")
    assert not hub.requests("/api/models/meta-llama")
    assert result.verdict("commercial").verdict.value == "forbidden"  # CC BY-NC data under the strict stance


def test_depth_limit_and_concurrency_give_the_same_graph(hub: HubServer, shipped: Knowledge) -> None:
    multi_hop_world(hub)
    shallow = hub_trace(shipped, "q/model-gguf", max_depth=1)
    assert {e[0] for e in edges(shallow)} == {"m/merged", "datasets/d/calibration"}
    sequential = hub_trace(shipped, "q/model-gguf", fast_settings(workers=1, refresh=True))
    concurrent = hub_trace(shipped, "q/model-gguf", fast_settings(workers=8, refresh=True))
    assert edges(sequential) == edges(concurrent)
    assert sequential.findings == concurrent.findings


def test_list_valued_base_model_is_a_merge_of_each(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("x/merge", "---\nlicense: apache-2.0\nbase_model:\n- x/one\n- x/two\n---\n")
    hub.model("x/one", "---\nlicense: apache-2.0\n---\n")
    hub.model("x/two", "---\nlicense: mit\n---\n")
    result = hub_trace(shipped, "x/merge")
    assert edges(result) == {("x/one", "x/merge", "merge"), ("x/two", "x/merge", "merge")}
    assert result.verdict("commercial").verdict.value == "allowed"


def test_license_other_follows_name_repo_file_and_url(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("o/by-name", "---\nlicense: other\nlicense_name: llama2\n---\n")
    hub.model(
        "o/by-file",
        "---\nlicense: other\nlicense_name: custom-thing\nlicense_link: LICENSE\n---\n",
        LICENSE=LLAMA2_TEXT,
    )
    hub.model("o/by-url", f"---\nlicense: other\nlicense_link: {hub.url}/ext/llama2.txt\n---\n")
    hub.extra["llama2.txt"] = LLAMA2_TEXT.encode()
    hub.model("o/unknowable", "---\nlicense: other\nlicense_name: my-own\nlicense_link: LICENSE.md\n---\n")
    for target in ("o/by-name", "o/by-file", "o/by-url"):
        facts = hub_trace(shipped, target).graph.facts(target)  # type: ignore[arg-type]
        assert facts.license_expression == "LicenseRef-Llama-2-Community", target
        assert facts.declared_license is not None and facts.declared_license.startswith("other")
    by_file = hub_trace(shipped, "o/by-file").graph.facts("o/by-file")  # type: ignore[arg-type]
    marker = next(e for e in by_file.license_evidence if e.field == "license_link")
    assert marker.quote is not None and "LLAMA 2" in marker.quote.upper() and marker.url.endswith("/LICENSE")
    unknowable = hub_trace(shipped, "o/unknowable")
    assert unknowable.graph.facts("o/unknowable").license_expression == "other"  # type: ignore[arg-type]
    assert "unknown-license" in kinds(unknowable)
    assert "card-problem" in kinds(unknowable)  # the link names a file that is not there


def test_missing_and_multi_license_are_findings(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("l/none", "---\ntags: [text-generation]\n---\nNo license here.\n")
    hub.model("l/two", "---\nlicense:\n- apache-2.0\n- cc-by-nc-4.0\n---\n")
    assert "missing-license" in kinds(hub_trace(shipped, "l/none"))
    two = hub_trace(shipped, "l/two")
    assert "multi-license" in kinds(two)
    assert two.verdict("commercial").verdict.value == "forbidden"  # both apply, none is guessed away


def test_license_from_tags_when_the_card_has_none(hub: HubServer, shipped: Knowledge) -> None:
    hub.add(FakeRepo("t/tagged", files={"README.md": b"# no front matter\n"}, tags=["license:mit"]))
    result = hub_trace(shipped, "t/tagged")
    facts = result.graph.facts("t/tagged")  # type: ignore[arg-type]
    assert facts.license_expression == "mit"
    assert facts.license_evidence[0].origin is Origin.TAG
    assert "card-problem" in kinds(result)  # no front matter


def test_cycle_between_two_repos_completes(hub: HubServer, shipped: Knowledge) -> None:
    hub.model("c/a", "---\nlicense: mit\nbase_model: c/b\n---\n")
    hub.model("c/b", "---\nlicense: mit\nbase_model: c/a\n---\n")
    result = hub_trace(shipped, "c/a")
    assert "cycle" in kinds(result)
    assert edges(result) == {("c/b", "c/a", "finetune"), ("c/a", "c/b", "finetune")}
    assert len(hub.requests("/api/models/c/a")) == 1  # each repo read once


def test_registry_beats_card_and_disagreement_is_shown(hub: HubServer, shipped: Knowledge) -> None:
    target = "tatsu-lab/alpaca-7b-wdiff"
    hub.model(
        target, "---\nlicense: apache-2.0\nbase_model: facebookresearch/llama-7b\ndatasets: [some/other-data]\n---\n"
    )
    plain = hub_trace(shipped, target)
    assert not hub.requests()  # a registry target never needs the network
    checked = hub_trace(shipped, target, fast_settings(check_cards=True))
    facts = checked.graph.facts(target)  # type: ignore[arg-type]
    assert facts.license_expression == plain.graph.facts(target).license_expression  # type: ignore[arg-type]
    assert facts.declared_license == "apache-2.0"
    origins = {e.origin for e in facts.license_evidence}
    assert origins == {Origin.CURATED, Origin.DECLARED}  # both kept
    messages = [f.message for f in checked.findings if f.kind is FindingKind.REGISTRY_CARD_DISAGREEMENT]
    assert any("apache-2.0" in m and "registry" in m for m in messages)
    assert any("some/other-data" in m for m in messages)  # a parent the registry does not list
    assert edges(checked) == edges(plain)  # the curated lineage is used
    # the card's base_model is an alias of the curated parent: its evidence joins the curated edge
    parent_edges = [e for e in checked.graph.edges() if e.child == target]
    assert any(ev.origin is Origin.DECLARED for e in parent_edges for ev in e.evidence)


def test_descendants_lists_children_by_relation(hub: HubServer, shipped: Knowledge) -> None:
    hub.add(
        FakeRepo("kid/ft", files={"README.md": b"---\nlicense: mit\n---\n"}, tags=[f"base_model:finetune:{LLAMA2}"])
    )
    hub.add(FakeRepo("kid/q", files={}, tags=[f"base_model:quantized:{LLAMA2}"]))
    result = hub_trace(shipped, LLAMA2, descendants=10)
    assert [(d.id, d.relation) for d in result.descendants] == [("kid/ft", "finetune"), ("kid/q", "quantized")]
    assert all("filter=base_model" in path for _, path in hub.requests("/api/models?"))


def test_relation_inference_from_adapter_config_and_quantized_tags(hub: HubServer, shipped: Knowledge) -> None:
    hub.model(
        "r/lora",
        "---\nlicense: mit\nbase_model: r/base\n---\n",
        adapter_config__json='{"base_model_name_or_path": "r/base"}',
    )
    hub.model("r/base", "---\nlicense: mit\n---\n")
    assert edges(hub_trace(shipped, "r/lora")) == {("r/base", "r/lora", "adapter")}
    lora = hub_trace(shipped, "r/lora").graph.edges()[0]
    assert {ev.field for ev in lora.evidence} == {"base_model", "base_model_name_or_path"}
    assert Relation.ADAPTER is lora.relation
