"""Ids, hints and relation rules that need no server."""

from __future__ import annotations

import pytest

from licaudit.artifact_ref import hub_repo_id
from licaudit.sources.cards.hints import find_hints


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"),
        ("https://huggingface.co/meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"),
        ("https://huggingface.co/datasets/tatsu-lab/alpaca/blob/main/README.md", "tatsu-lab/alpaca"),
        ("gpt2", "gpt2"),
        ("../../etc", None),
        ("/etc/shadow", None),
        ("a/b/c", None),
        ("a--b/c", None),
        ("owner/na me", None),
        ("owner/\x1b[31mred", None),
        ("", None),
        ("x" * 200, None),
    ],
)
def test_hub_repo_ids_are_validated(text: str, expected: str | None) -> None:
    assert hub_repo_id(text) == expected


def test_hints_quote_their_sentence() -> None:
    hints = find_hints(
        "# Card\nThis model is a fine-tuned version of [mistralai/Mistral-7B-v0.1] on our data. "
        "The dataset was generated with GPT-4 and translated using DeepL! Trained on the Pile."
    )
    found = {(h.phrase, h.subject) for h in hints}
    assert ("fine-tuned from", "mistralai/Mistral-7B-v0.1") in found
    assert ("generated with", "GPT-4") in found
    assert ("translated with", "DeepL") in found
    assert all(h.sentence in h.describe() for h in hints)


def test_hints_are_bounded() -> None:
    assert len(find_hints("Trained on x/y. " * 10_000 + "generated with A. " * 100)) <= 20


def test_a_card_read_from_the_listing_says_so() -> None:
    from licaudit.artifacts import ArtifactId, ArtifactKind
    from licaudit.sources.cards.license_text import NoIdentifier
    from licaudit.sources.cards.snapshot import RepoSnapshot, facts_from_snapshot

    snapshot = RepoSnapshot(
        ArtifactId("a/b"),
        ArtifactKind.MODEL,
        "f" * 40,
        "http://hub/a/b",
        card_data={"license": "mit", "base_model": "c/d"},
        file_problems={"README.md": "too large"},
    )
    facts, _ = facts_from_snapshot(snapshot, NoIdentifier())
    assert facts.license_evidence[0].field == "cardData.license"
    assert facts.parents[0].evidence[0].field == "cardData.base_model"
    assert facts.parents[0].evidence[0].revision == "f" * 40
