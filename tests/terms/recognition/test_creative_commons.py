"""Creative Commons names in any order of elements, with versions, ports, or none."""

from __future__ import annotations

import pytest

from licaudit.terms.recognition.creative_commons import creative_commons_mentions, parse_creative_commons


@pytest.mark.parametrize(
    ("text", "spdx", "port"),
    [
        ("CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0", None),
        ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "CC-BY-NC-SA-4.0", None),
        ("cc-4 Attribution-NonCommercial", "CC-BY-NC-4.0", None),
        ("Creative Commons Attribution 2.5 South Africa License", "CC-BY-2.5", "ZA"),
        ("CC BY-ND 2.0 KR", "CC-BY-ND-2.0", "KR"),
        ("CC-BY-SA-3.0-DE", "CC-BY-SA-3.0", "DE"),
        ("CC 4.0 Non-Commercial", "CC-BY-NC-4.0", None),
        ("Creative Commons Zero v1.0 Universal", "CC0-1.0", None),
        ("CC BY", "CC-BY", None),
        ("Creative Commons", "CC", None),
    ],
)
def test_names_parse_to_elements_version_and_port(text: str, spdx: str, port: str | None) -> None:
    parsed = parse_creative_commons(text)
    assert parsed is not None
    assert (parsed.spdx_like_id, parsed.port) == (spdx, port)


@pytest.mark.parametrize("text", ["Apache 2.0", "MIT", "the CC of the email", "GPL"])
def test_other_strings_are_no_creative_commons_license(text: str) -> None:
    parsed = parse_creative_commons(text)
    assert parsed is None or parsed.is_family  # "CC" alone may only ever mean the family


def test_mentions_are_found_inside_prose() -> None:
    text = "Text is under Creative Commons Attribution 4.0 International, images under CC BY-NC 2.0."
    found = [text[a:b].strip(" ,.") for a, b in creative_commons_mentions(text)]
    assert found == ["Creative Commons Attribution 4.0 International", "CC BY-NC 2.0"]
