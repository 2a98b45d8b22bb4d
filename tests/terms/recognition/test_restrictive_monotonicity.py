"""Adding restrictive wording to a license string never makes its verdict more permissive."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.terms.expressions import expression_terms
from licaudit.terms.propagation import terms_effect
from licaudit.terms.vocabulary import Effect

STRINGS = [
    "MIT", "Apache License, Version 2.0", "CC BY 4.0", "MIT or Apache-2.0", "dual-licensed under MIT and Apache 2.0",
    "CC BY-NC-SA 4.0", "Public domain", "GPL-3.0", "OpenAI Terms of Use", "https://opensource.org/licenses/MIT",
    "The dataset is released under the Creative Commons Attribution 4.0 International license.",
]  # fmt: skip
PHRASES = [
    "non-commercial use only", "for research purposes only", "Not for commercial use.", "academic use only",
    "evaluation only", "비상업적 용도로만", "연구 목적으로만 사용", "commercial use is prohibited",
]  # fmt: skip


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    return load_knowledge()


def _verdict(knowledge: Knowledge, text: str, use: str) -> Effect:
    def judge(terms: list) -> Effect:  # type: ignore[type-arg]
        return terms_effect(knowledge.rules, use, terms)

    return judge(expression_terms(knowledge.normaliser.normalise(text), judge))


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(STRINGS), st.sampled_from(PHRASES), st.sampled_from([" ", "; ", ". ", " - ", "\n"]), st.booleans()
)
def test_a_restrictive_phrase_never_makes_a_verdict_more_permissive(
    knowledge: Knowledge, text: str, phrase: str, joint: str, before: bool
) -> None:
    combined = f"{phrase}{joint}{text}" if before else f"{text}{joint}{phrase}"
    for use in ("commercial", "research"):
        assert _verdict(knowledge, combined, use).rank >= _verdict(knowledge, text, use).rank
    assert _verdict(knowledge, combined, "commercial") in (Effect.FORBIDDEN, Effect.UNKNOWN)


def test_restrictive_phrases_are_never_allowed_for_commercial_use(knowledge: Knowledge, tmp_path: Path) -> None:
    for phrase in PHRASES:
        assert _verdict(knowledge, phrase, "commercial") is Effect.FORBIDDEN, phrase
