"""Normalisation: one key per license name, whatever its case, punctuation, version form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licaudit.terms.recognition.normalisation import fold_name, without_later


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (
            ["The Apache License, Version 2.0", "apache-2.0", "Apache 2", "apache license v2", "APACHE 2.0.0"],
            "apache 2.0",
        ),
        (["CC BY-NC-SA 4.0", "cc-by-nc-sa-4", "CC BY NC SA v4.0 International"], "cc by nc sa 4.0"),
        (["The MIT License (MIT)", "mit", "MIT license", "`MIT`"], "mit"),
        (["GPL-2.0+", "GPL 2.0 or later", "gpl-2.0-or-later", "GPLv2+"], "gpl 2.0 +"),
        (["GNU GPL v.3", "GNU GPLv3", "GNU GPL version 3"], "gnu gpl 3.0"),
        (["BSD 3-Clause License", "bsd-3-clause", "BSD 3 Clause"], "bsd 3clause"),
        (["Attribution-NonCommercial 4.0", "Attribution Non-Commercial 4.0"], "attribution noncommercial 4.0"),
    ],
)
def test_spellings_share_one_key(spellings: list[str], key: str) -> None:
    assert {fold_name(s) for s in spellings} == {key}


def test_a_year_is_no_version() -> None:
    assert fold_name("OpenAI Terms of Use 2023") == "openai terms of use 2023"


def test_or_later_can_be_dropped() -> None:
    assert without_later(fold_name("LGPL-2.1-or-later")) == "lgpl 2.1"


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@given(names)
def test_folding_is_idempotent(text: str) -> None:
    assert fold_name(fold_name(text)) == fold_name(text)


@given(
    st.sampled_from(["Apache-2.0", "CC BY-NC 4.0", "MIT", "GPL-3.0-or-later", "Llama 2 Community License"]),
    st.sampled_from(["", " ", "(", ")", '"', "'", "`", "*", ".", ",", " - ", "[", "]"]),
    st.sampled_from([str.lower, str.upper, str.title, str.swapcase, str.strip]),
)
def test_case_and_surrounding_punctuation_never_change_the_key(name: str, wrap: str, case: object) -> None:
    assert callable(case)
    assert fold_name(f"{wrap}{case(name)}{wrap}") == fold_name(name)
