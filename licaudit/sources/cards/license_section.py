"""The License / Licensing Information section of a card's Markdown body, as text with its line.

Cards often state their license only in prose ("## License\\nFor non-commercial research only"),
or state one in the metadata and another in the body. The section is returned as written; what
it means is the recogniser's to read (licaudit.terms.recognition), never decided here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_SECTION_CHARS = 4000  # a section longer than this is a pasted license text: its start is enough
_HEADING = re.compile(
    r"(?P<hashes>#{1,6})[ \t]*(?:\*\*)?[ \t]*(?:📜|🔒|⚖️)?[ \t]*"
    r"(?:licen[cs](?:e|es|ing)(?:[ \t]+(?:information|info|and[ \t]+\w+|terms|details|agreement))?"
    r"|terms[ \t]+of[ \t]+use|usage[ \t]+terms|라이선스|라이센스)"
    r"[ \t]*(?:\*\*)?[ \t]*:?[ \t]*\r?$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"^\s*\[?(?:more information needed|needs more information|n/?a|tbd)\]?\.?\s*$", re.I)


class LicenseSection(NamedTuple):
    text: str  # the section's body, without its heading, at most MAX_SECTION_CHARS
    line: int  # the heading's line in the Markdown body after the front matter (1-based)
    heading: str


def license_section(body: str) -> LicenseSection | None:
    """The first License section with something in it, or None (most cards have none)."""
    if "icen" not in body and "라이" not in body and "erms of" not in body:
        return None  # one C-speed scan answers most cards
    headings = _headings(body)
    for index, (start, level, line_end) in enumerate(headings):
        heading = _HEADING.match(body, start, line_end)
        if heading is None:
            continue
        end = next((h[0] for h in headings[index + 1 :] if h[1] <= level), len(body))
        text = body[line_end:end].strip()
        if text and not _PLACEHOLDER.match(text):
            line = body.count("\n", 0, start) + 1
            return LicenseSection(text[:MAX_SECTION_CHARS], line, body[start:line_end].strip())
    return None


def _headings(body: str) -> list[tuple[int, int, int]]:
    """(start, level, end of line) of every Markdown heading line, found with str.find (no regex
    over the whole body: this runs on cards of the bulk import)."""
    found: list[tuple[int, int, int]] = []
    position = 0 if body.startswith("#") else body.find("\n#")
    while position != -1:
        start = position if body.startswith("#", position) else position + 1
        line_end = body.find("\n", start)
        line_end = len(body) if line_end == -1 else line_end
        level = len(body[start : start + 7]) - len(body[start : start + 7].lstrip("#"))
        if 1 <= level <= 6 and body[start + level : start + level + 1] in (" ", "\t"):
            found.append((start, level, line_end))
        position = body.find("\n#", line_end)
    return found
