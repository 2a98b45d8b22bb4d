"""The recogniser on strings people write: names, URLs, prose, full texts, restrictive wording."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.terms.recognition import Combination, Method
from licaudit.terms.recognition.recogniser import STATED_NON_COMMERCIAL, STATED_RESEARCH_ONLY, Recogniser
from licaudit.terms.vocabulary import Category


@pytest.mark.parametrize(
    ("text", "license_id", "method"),
    [
        ("The MIT License", "MIT", Method.ID),
        ("Apache License, Version 2.0", "Apache-2.0", Method.ID),
        ("Creative Commons Attribution 4.0 International License", "CC-BY-4.0", Method.ALIAS),
        ("CC-BY v4", "CC-BY-4.0", Method.ID),
        ("CC BY 3.0 ES", "CC-BY-3.0", Method.NAME),
        ("Attribution-NonCommercial-ShareAlike 4.0 International", "CC-BY-NC-SA-4.0", Method.ALIAS),
        ("Public domain", "LicenseRef-Public-Domain", Method.ALIAS),
        ("Open Government Licence v3.0", "OGL-UK-3.0", Method.ALIAS),
        ("GNU GPL v3 or later", "GPL-3.0-only", Method.ALIAS),
        ("open-mdw", "OpenMDW-1.0", Method.HUB_HISTORY),
        ("tii-falcon-llm", "LicenseRef-Falcon-TII-1.0", Method.ALIAS),
        ('BSD 3-Clause "New" or "Revised" License', "BSD-3-Clause", Method.ALIAS),
        ("Boost Software License 1.0", "BSL-1.0", Method.ALIAS),
        ("Apache-2.0 WITH LLVM-exception", "Apache-2.0", Method.ID),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0", Method.URL),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0", Method.URL),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "LicenseRef-Public-Domain", Method.ALIAS),
        ("https://opensource.org/licenses/MIT", "MIT", Method.URL),
        ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0", Method.URL),
        ("https://www.gnu.org/licenses/gpl-3.0.html", "GPL-3.0-only", Method.URL),
        ("https://spdx.org/licenses/BSD-3-Clause.html", "BSD-3-Clause", Method.URL),
    ],
)
def test_a_whole_string_names_one_license(recogniser: Recogniser, text: str, license_id: str, method: Method) -> None:
    reading = recogniser.read(text, field="license_name")
    assert [(r.license_id, r.method) for r in reading.recognitions] == [(license_id, method)]
    assert reading.recognitions[0].field == "license_name" and reading.recognitions[0].quote


def test_a_port_is_read_as_its_license_with_a_note(recogniser: Recogniser) -> None:
    (found,) = recogniser.read("CC BY-SA 3.0 DE").recognitions
    assert found.license_id == "CC-BY-SA-3.0" and found.note and "DE" in found.note


@pytest.mark.parametrize(
    ("text", "license_id"),
    [
        ("CC BY", "CC-BY-4.0"),
        ("CC BY-NC", "CC-BY-NC-4.0"),
        ("CC BY-SA 2.0", "CC-BY-SA-3.0"),
        ("CC 4.0", "LicenseRef-hub-cc"),
    ],
)
def test_a_family_without_its_version_reads_as_a_conservative_member(
    recogniser: Recogniser, text: str, license_id: str
) -> None:
    (found,) = recogniser.read(text).recognitions
    assert found.license_id == license_id and found.confidence < 1


def test_prose_names_several_licenses_in_order(recogniser: Recogniser) -> None:
    reading = recogniser.read(
        "Text is licensed under the Apache License, Version 2.0; images under "
        "[CC BY-NC 4.0](https://creativecommons.org/licenses/by-nc/4.0/)."
    )
    assert [r.license_id for r in reading.recognitions] == ["Apache-2.0", "CC-BY-NC-4.0"]
    assert reading.combination is Combination.ALL


@pytest.mark.parametrize("text", ["MIT or Apache-2.0", "dual-licensed under MIT and Apache 2.0"])
def test_a_choice_reads_as_any_of(recogniser: Recogniser, text: str) -> None:
    reading = recogniser.read(text)
    assert reading.combination is Combination.ANY
    assert {r.license_id for r in reading.recognitions} == {"MIT", "Apache-2.0"}


def test_restrictive_wording_binds_whatever_license_is_chosen(recogniser: Recogniser) -> None:
    reading = recogniser.read("MIT or Apache-2.0; for non-commercial research purposes only")
    assert [r.license_id for r in reading.restrictions] == [STATED_NON_COMMERCIAL]
    assert "non-commercial" in reading.restrictions[0].quote


@pytest.mark.parametrize(
    ("text", "license_id"),
    [
        ("비상업적 용도로만 사용 가능합니다", STATED_NON_COMMERCIAL),
        ("연구 목적으로만 사용할 수 있습니다", STATED_RESEARCH_ONLY),
    ],
)
def test_korean_restrictive_wording_is_held(recogniser: Recogniser, text: str, license_id: str) -> None:
    reading = recogniser.read(text)
    assert [r.license_id for r in reading.everything] == [license_id]
    assert reading.everything[0].method is Method.PHRASE


def test_a_license_the_lists_know_but_the_catalog_lacks_is_recognised_uncatalogued(recogniser: Recogniser) -> None:
    (found,) = recogniser.read("Zope Public License 2.1").recognitions
    assert found.license_id is None and "ZPL-2.1" in found.known_as and found.category is Category.PERMISSIVE


def test_plain_words_inside_prose_are_no_license(recogniser: Recogniser) -> None:
    text = "ConceptNet has been developed by the MIT Media Lab and many other contributors over the years, " * 2
    assert recogniser.read(text).recognitions == ()


def test_a_statement_that_the_license_is_unknown_is_kept(recogniser: Recogniser) -> None:
    reading = recogniser.read("The licensing status of the data, especially the news source text, is unknown.")
    assert [r.license_id for r in reading.everything] == ["LicenseRef-hub-unknown"]


MIT_TEXT = """MIT License

Copyright (c) 2024 Example Lab

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def test_a_full_license_text_is_matched_with_a_score(recogniser: Recogniser) -> None:
    (found,) = recogniser.read(MIT_TEXT, field="LICENSE").recognitions
    assert (found.license_id, found.method, found.field, found.note) == ("MIT", Method.TEXT_MATCH, "LICENSE", None)
    assert found.confidence >= 0.95


def test_a_modified_text_is_reported_not_silently_matched(recogniser: Recogniser) -> None:
    cut = MIT_TEXT.split("THE SOFTWARE IS PROVIDED")[0] + "Only the authors may use it for any purpose they like.\n" * 3
    reading = recogniser.read(cut)
    (found,) = reading.recognitions
    assert found.license_id == "MIT" and found.note and "modified" in found.note and found.confidence < 0.95


def test_restrictive_wording_added_to_a_license_text_is_held(recogniser: Recogniser) -> None:
    reading = recogniser.read(MIT_TEXT.replace("sell\ncopies", "sell copies, for non-commercial purposes only,"))
    assert [r.license_id for r in reading.restrictions] == [STATED_NON_COMMERCIAL]


RECOGNISED = [
    "Apache License 2.0", "CC BY-NC 4.0", "MIT", "GPL-3.0-or-later", "Llama 2 Community License Agreement",
    "CC BY-SA 4.0", "cc0-1.0", "The Unlicense", "OpenAI Terms of Use", "Gemma Terms of Use",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(RECOGNISED),
    st.sampled_from(["", " ", "(", ")", '"', "'", "`", "*", ".", ",", "[", "]", "  "]),
    st.sampled_from([str.lower, str.upper, str.title, str.swapcase]),
)
def test_case_and_punctuation_never_change_what_a_string_is(
    recogniser: Recogniser, name: str, wrap: str, case: object
) -> None:
    assert callable(case)
    plain = [r.license_id for r in recogniser.read(name).everything]
    assert plain and None not in plain
    assert [r.license_id for r in recogniser.read(f"{wrap}{case(name)}{wrap}").everything] == plain


@pytest.mark.parametrize(
    ("scancode_name", "license_id"),
    [
        ("Llama 2 Community License Agreement 2023", "LicenseRef-Llama-2-Community"),
        ("LLaMA License Agreement 2023", "LicenseRef-LLaMA-1-Research"),
        ("OpenAI Terms of Use 20230314", "LicenseRef-OpenAI-Terms-2023"),
    ],
)
def test_scancode_names_of_model_licenses_map_to_the_catalog(
    recogniser: Recogniser, scancode_name: str, license_id: str
) -> None:
    (found,) = recogniser.read(scancode_name).recognitions
    assert found.license_id == license_id
