"""Restrictive wording in English and Korean; wording that permits both is not restrictive."""

from __future__ import annotations

import pytest

from licaudit.terms.recognition.phrases import restrictive_phrases
from licaudit.terms.vocabulary import TermKind

NC, RO = TermKind.NON_COMMERCIAL, TermKind.RESEARCH_ONLY


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("For non-commercial research purposes only", {NC, RO}),
        ("Not for commercial use.", {NC}),
        ("Commercial use is strictly prohibited.", {NC}),
        ("비상업적 용도로만 사용 가능합니다", {NC}),
        ("상업적 이용 금지", {NC}),
        ("연구 목적으로만 사용할 수 있습니다", {RO}),
        ("academic use only", {RO}),
        ("This checkpoint is for evaluation only", {RO}),
        ("Any use beyond scientific fair use must be negotiated", {RO}),
        ("free to the public for commercial and non-commercial use", set()),
        ("available for commercial/research purposes under CC BY 4.0", set()),
        ("may be used for any purpose, including commercial purposes", set()),
        ("If you want to use the data commercially, please contact us", set()),
    ],
)
def test_restrictive_wording_is_found_and_quoted(text: str, kinds: set[TermKind]) -> None:
    found = restrictive_phrases(text)
    assert {p.kind for p in found} == kinds
    assert all(p.quote and len(p.quote) <= len(text) + 2 for p in found)
