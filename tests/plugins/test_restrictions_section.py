"""The card's Restrictions section: written once, replaced on every write, removed when none."""

from __future__ import annotations

from licaudit.plugins.provenance_record import RESTRICTIONS_END, RESTRICTIONS_START, with_restrictions_section

OPENAI = {
    "license": "LicenseRef-OpenAI-Terms-2023",
    "name": "OpenAI Terms of Use (March 14, 2023)",
    "kind": "output_restriction",
    "summary": "Output may not be used to develop competing models.",
    "path": ["services/openai/gpt-4", "datasets/me/generated"],
}


def test_the_section_is_written_with_each_path_and_replaced_not_repeated() -> None:
    body = "\n# My data\n\nWhat it is.\n"
    once = with_restrictions_section(body, [OPENAI])
    assert once.startswith(body.rstrip("\n")) and "## Restrictions" in once
    assert "services/openai/gpt-4 -> datasets/me/generated" in once
    twice = with_restrictions_section(once, [OPENAI])
    assert twice.count(RESTRICTIONS_START) == 1 and twice.count(RESTRICTIONS_END) == 1
    assert twice == once


def test_no_restrictions_removes_the_section_and_keeps_the_rest() -> None:
    body = "\n# My data\n\nWhat it is.\n"
    written = with_restrictions_section(body + "\n## Usage\nLoad it.\n", [OPENAI])
    cleared = with_restrictions_section(written, [])
    assert RESTRICTIONS_START not in cleared and "## Usage\nLoad it." in cleared and "What it is." in cleared
