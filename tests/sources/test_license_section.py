"""A card's License section: found under its usual headings, bounded, read by the one card reader."""

from __future__ import annotations

from licaudit.artifacts import ArtifactKind, Origin
from licaudit.sources.cards.license_section import license_section
from licaudit.sources.cards.metadata import parse_card
from licaudit.sources.cards.reader import read_card

CARD = """---
language: [en]
---
# My dataset

## Dataset Summary
Some words about licenses in general.

### Licensing Information

For non-commercial research purposes only.

### Citation Information
@inproceedings{x}
"""


def test_the_section_under_its_heading_is_found_with_its_line() -> None:
    section = license_section(parse_card(CARD).body)
    assert section is not None
    assert section.text == "For non-commercial research purposes only."
    assert section.heading == "### Licensing Information" and section.line == 6


def test_a_subheading_stays_inside_and_a_placeholder_is_no_section() -> None:
    assert license_section("## License\n### Code\nMIT\n### Data\nCC BY 4.0\n## Next\nx") is not None
    assert license_section("## License\n[More Information Needed]\n## Next\n") is None
    assert license_section("No heading mentions a license here.") is None


def test_korean_and_terms_of_use_headings() -> None:
    found = license_section("## 라이선스\n비상업적 용도로만 사용 가능합니다\n")
    assert found is not None and found.text == "비상업적 용도로만 사용 가능합니다"
    assert license_section("## Terms of Use\nresearch only\n") is not None


def test_the_card_reader_falls_back_to_the_section_when_the_metadata_names_no_license() -> None:
    facts = read_card(ArtifactKind.DATASET, parse_card(CARD))
    assert facts.license == "For non-commercial research purposes only."
    assert facts.license_origin is Origin.DECLARED
    assert facts.license_quote is not None and "body line 6" in facts.license_quote


def test_metadata_wins_over_the_section_in_the_card_reader() -> None:
    card = CARD.replace("language: [en]", "license: apache-2.0")
    assert read_card(ArtifactKind.DATASET, parse_card(card)).license == "apache-2.0"
