"""One card, every path: the Hub snapshot, a local folder, `licaudit import`, a run input and
`licaudit check` must read the same license and the same parents with the same relations.

Cards are generated (hypothesis) and written by hand after real Hub cards (a GGUF quantisation,
a LoRA adapter, a mergekit merge, an instruction dataset). Local folders carry no Hub tags, so
they are compared with the tag-free reading of the same card.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.knowledge import Knowledge
from licaudit.sources.cards.snapshot import RepoSnapshot, facts_from_snapshot
from licaudit.sources.dumps.store import DumpStore
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.local.folder import read_folder
from licaudit.sources.local.run_provenance import read_local_folder
from licaudit.terms.expressions import leaves
from licaudit.terms.identify import CatalogIdentifier

Reading = tuple[tuple[str, ...], frozenset[tuple[str, str]]]


def reading(facts: ArtifactFacts, knowledge: Knowledge) -> Reading:
    """What must agree: the licenses as the catalog resolves them, and each parent with its relation."""
    licenses: list[str] = []
    for part in (facts.license_expression or "").split(", "):
        # As a trace reads it: the normaliser, with the recogniser behind it, on each declared value.
        found = leaves(knowledge.normaliser.normalise(part)) if part else []
        ids = [leaf.license.id for leaf in found if leaf.license is not None and not leaf.license.is_unknown]
        licenses.append(" AND ".join(sorted(ids)) if ids and len(ids) == len(found) else "unknown")
    parents = frozenset((str(p.parent).lower(), p.relation.value) for p in facts.parents)
    return tuple(sorted(licenses)), parents


def hub_snapshot(artifact: str, kind: ArtifactKind, card: str, tags: tuple[str, ...], knowledge: Knowledge) -> Reading:
    snapshot = RepoSnapshot(
        artifact=ArtifactId(artifact),
        kind=kind,
        revision="0" * 40,
        web_url=f"https://huggingface.co/{artifact}",
        tags=tags,
        files={"README.md": card.encode("utf-8")},
    )
    facts, _ = facts_from_snapshot(snapshot, CatalogIdentifier(knowledge.catalog))
    return reading(facts, knowledge)


def imported(
    artifact: str, kind: ArtifactKind, card: str, tags: tuple[str, ...], knowledge: Knowledge, folder: Path
) -> Reading:
    key = "datasetId" if kind is ArtifactKind.DATASET else "modelId"
    dump = folder / "dump.jsonl"
    dump.write_text(json.dumps({key: artifact, "downloads": 1, "tags": list(tags), "card": card}) + "\n")
    with DumpStore(folder / "store.sqlite3") as store:
        store.import_dump(dump)
        facts = store.facts(artifact if kind is ArtifactKind.MODEL else f"datasets/{artifact}")
    assert facts is not None
    return reading(facts, knowledge)


def local_folder(card: str, knowledge: Knowledge, folder: Path) -> tuple[Reading, Reading]:
    """The folder as `trace ./folder` and `check` read it, and as a run input."""
    (folder / "README.md").write_text(card, encoding="utf-8")
    facts, _ = facts_from_snapshot(read_folder(str(folder)), CatalogIdentifier(knowledge.catalog))
    as_input = read_local_folder(folder).facts
    return reading(facts, knowledge), reading(as_input, knowledge)


def assert_every_path_agrees(card: str, tags: tuple[str, ...], knowledge: Knowledge, tmp: Path) -> None:
    hub = hub_snapshot("org/model", ArtifactKind.MODEL, card, tags, knowledge)
    assert imported("org/model", ArtifactKind.MODEL, card, tags, knowledge, tmp) == hub
    untagged = hub_snapshot("org/model", ArtifactKind.MODEL, card, (), knowledge)
    traced, run_input = local_folder(card, knowledge, tmp)
    assert traced == untagged
    assert run_input == untagged


REAL_CARDS = {
    # After TheBloke-style GGUF cards: the base named in the card, the quantisation only in tags.
    "gguf quantisation": (
        "---\nbase_model: mistralai/Mistral-7B-v0.1\nlicense: apache-2.0\nmodel_creator: Mistral AI\n"
        "quantized_by: someone\ntags:\n- gguf\n---\n# Mistral 7B - GGUF\n",
        ("gguf", "base_model:quantized:mistralai/Mistral-7B-v0.1", "license:apache-2.0"),
    ),
    "lora adapter": (
        "---\nlibrary_name: peft\nbase_model: meta-llama/Llama-2-7b-hf\nbase_model_relation: adapter\n"
        "license: llama2\ndatasets:\n- tatsu-lab/alpaca\n---\n",
        ("peft", "base_model:adapter:meta-llama/Llama-2-7b-hf", "dataset:tatsu-lab/alpaca"),
    ),
    "mergekit merge": (
        "---\nbase_model:\n- mistralai/Mistral-7B-v0.1\n- https://huggingface.co/HuggingFaceH4/zephyr-7b-beta\n"
        "library_name: transformers\ntags:\n- mergekit\n- merge\nlicense: apache-2.0\n---\n",
        ("mergekit", "base_model:merge:mistralai/Mistral-7B-v0.1", "base_model:merge:HuggingFaceH4/zephyr-7b-beta"),
    ),
    "license other with a name": (
        "---\nlicense: other\nlicense_name: llama3\nlicense_link: LICENSE\nbase_model: meta-llama/Meta-Llama-3-8B\n"
        "---\n",
        ("license:other",),
    ),
    "license only in the License section": (
        "---\nbase_model: EleutherAI/polyglot-ko-12.8b\ndatasets:\n- beomi/KoAlpaca-v1.1a\n---\n# KoAlpaca\n\n"
        "## License\n\nThis model is for non-commercial research purposes only (CC BY-NC 4.0).\n\n## Usage\n",
        (),
    ),
    "invalid and traversal ids": (
        "---\nlicense: mit\nbase_model: ../../etc/passwd\ndatasets:\n- ok/data\n- a--b/c\n---\n",
        (),
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_CARDS))
def test_every_path_reads_a_real_card_alike(name: str, shipped: Knowledge, tmp_path: Path) -> None:
    card, tags = REAL_CARDS[name]
    assert_every_path_agrees(card, tags, shipped, tmp_path)


def test_a_gguf_card_is_quantized_on_every_path(shipped: Knowledge, tmp_path: Path) -> None:
    """The disagreement the redesign fixed: the folder said `quantized`, the import `finetune`."""
    card = "---\nbase_model: mistralai/Mistral-7B-v0.1\nlicense: apache-2.0\n---\n"
    hub = hub_snapshot("org/model", ArtifactKind.MODEL, card, ("gguf",), shipped)
    assert hub[1] == {("mistralai/mistral-7b-v0.1", "quantized")}
    assert imported("org/model", ArtifactKind.MODEL, card, ("gguf",), shipped, tmp_path) == hub


def test_a_dataset_card_derives_alike(shipped: Knowledge, tmp_path: Path) -> None:
    card = "---\nlicense: cc-by-nc-4.0\nsource_datasets:\n- extended|squad\n- original\n- org/base-data\n---\n"
    hub = hub_snapshot("org/data", ArtifactKind.DATASET, card, (), shipped)
    assert hub == (
        ("CC-BY-NC-4.0",),
        frozenset({("datasets/squad", "derived_from"), ("datasets/org/base-data", "derived_from")}),
    )
    assert imported("org/data", ArtifactKind.DATASET, card, (), shipped, tmp_path) == hub


_part = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True)
_ids = st.one_of(
    st.builds(lambda a, b: f"{a}/{b}", _part, _part),
    st.builds(lambda a, b: f"https://huggingface.co/{a}/{b}/", _part, _part),
    _part,
    st.sampled_from(["../../etc", "a--b/c", "x/y/z", "", "org/model"]),
)
_licenses = st.sampled_from(["mit", "apache-2.0", "cc-by-nc-4.0", "other", "llama2", "MIT", "not-a-license"])
_relations = st.sampled_from([None, "finetune", "adapter", "merge", "quantized", "distilled", "FineTune"])
_tags = st.lists(
    st.one_of(
        st.sampled_from(["gguf", "gptq", "transformers", "4-bit", "license:mit", "license:cc-by-4.0"]),
        st.builds(lambda r, i: f"base_model:{r}:{i}", st.sampled_from(["finetune", "adapter", "merge", "x"]), _ids),
        st.builds(lambda i: f"dataset:{i}", _ids),
        st.builds(lambda i: f"base_model:{i}", _ids),
    ),
    max_size=5,
)


@st.composite
def cards(draw: st.DrawFn) -> str:
    lines = ["---"]
    licenses = draw(st.lists(_licenses, max_size=2))
    if licenses:
        lines.append("license: " + (licenses[0] if len(licenses) == 1 else json.dumps(licenses)))
    if draw(st.booleans()):
        lines.append("license_name: " + draw(st.sampled_from(["llama3", "Some Custom License", "gemma"])))
    bases = draw(st.lists(_ids, max_size=3))
    if bases:
        lines.append("base_model: " + json.dumps(bases if len(bases) > 1 else bases[0]))
    relation = draw(_relations)
    if relation:
        lines.append(f"base_model_relation: {relation}")
    datasets = draw(st.lists(_ids, max_size=3))
    if datasets:
        lines.append("datasets: " + json.dumps(datasets))
    card_tags = draw(st.lists(st.sampled_from(["gguf", "awq", "text-generation", "merge"]), max_size=2))
    if card_tags:
        lines.append("tags: " + json.dumps(card_tags))
    lines.append("---")
    return "\n".join(lines) + "\n# Model\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=cards(), tags=_tags)
def test_every_path_reads_a_generated_card_alike(
    card: str, tags: list[str], shipped: Knowledge, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert_every_path_agrees(card, tuple(tags), shipped, tmp_path_factory.mktemp("card"))
