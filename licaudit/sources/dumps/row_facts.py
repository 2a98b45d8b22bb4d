"""What licaudit keeps of one dump row: the license its card declares and the parents it names.

`import_chunk` turns a chunk of raw dump rows into rows ready for the store, and is what the
import's worker processes run: everything per row that needs no database happens here.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import Final, NamedTuple

from licaudit.artifacts import Origin, Relation
from licaudit.sources.cards.metadata import front_matter_metadata, read_front_matter
from licaudit.sources.cards.reader import read_card
from licaudit.sources.dumps.rows import Chunk, DumpRow, RowProblem, chunk_rows


class Link(NamedTuple):
    """A stored lineage link: the card reader's link without the field it came from."""

    parent: str
    relation: Relation
    origin: Origin
    quote: str


# A row of `dump_artifacts`, its columns in table order. Results cross from worker processes as
# plain tuples: they pickle in half the time of named ones.
ArtifactRow = tuple[
    str,  # id
    str,  # kind
    str | None,  # author
    str | None,  # last_modified
    str | None,  # created_at
    int,  # downloads
    int,  # likes
    str | None,  # library_name
    str | None,  # pipeline_tag
    str | None,  # license
    str | None,  # license_origin
    str | None,  # license_quote
    int,  # card_checksum
    str | None,  # card_errors: a JSON list
    int,  # import_id
    int,  # row_number
    str | None,  # parents: the lineage links, a JSON list of [parent, relation, origin, quote]
]
ID: Final = 0
LAST_MODIFIED: Final = 3
CARD_CHECKSUM: Final = 12
CARD_ERRORS: Final = 13
ROW_NUMBER: Final = 15


@dataclass
class ChunkResult:
    """A chunk's rows ready for the store; `row_problems` runs parallel to `rows`."""

    rows: list[ArtifactRow] = field(default_factory=list)
    row_problems: list[tuple[str, ...]] = field(default_factory=list)  # recoverable, per row
    problems: list[RowProblem] = field(default_factory=list)  # rows that could not be read


def import_chunk(chunk: Chunk, import_id: int) -> ChunkResult:
    """A chunk's rows validated, their cards parsed and reduced to facts; runs in worker processes."""
    result = ChunkResult()
    for item in chunk_rows(chunk):
        if isinstance(item, RowProblem):
            result.problems.append(item)
        else:
            result.rows.append(imported_row(item, import_id))
            result.row_problems.append(item.problems)
    return result


def imported_row(row: DumpRow, import_id: int) -> ArtifactRow:
    front: str | None = None
    body = ""
    errors: list[str] = []
    if row.card is not None:
        front, body, errors = read_front_matter(row.card)
    # The body is read only where the metadata names no license (its License section, as every
    # other path reads it).
    facts = read_card(row.kind, front_matter_metadata(front, errors, body), row.tags, self_id=row.id)
    # The front matter, the tags and the license the card reader found make the facts: a newer dump
    # that changed only other Markdown of a card is not written again.
    checksum = zlib.crc32(
        "\x1f".join((*row.tags, facts.license or "")).encode("utf-8", "surrogatepass"),
        zlib.crc32(front.encode("utf-8", "surrogatepass")) if front is not None else 0,
    )
    # str() of a StrEnum is its value, and much cheaper than `.value` in a loop of a million.
    return (
        row.id,
        str(row.kind),
        row.author,
        row.last_modified,
        row.created_at,
        row.downloads,
        row.likes,
        row.library_name,
        row.pipeline_tag,
        facts.license,
        str(facts.license_origin) if facts.license_origin else None,
        facts.license_quote,
        checksum,
        json.dumps(list(facts.errors)) if facts.errors else None,
        import_id,
        row.number,
        links_json(facts.links) if facts.links else None,
    )


def links_json(links: Iterable[Sequence[str]]) -> str:
    """The stored form of a card's links: a JSON list of [parent, relation, origin, quote], in a
    third of `json.dumps`' time (a card link's fifth item, its field, is not stored)."""
    quote = encode_basestring_ascii
    return "[" + ",".join(f"[{quote(k[0])},{quote(k[1])},{quote(k[2])},{quote(k[3])}]" for k in links) + "]"


# tuple.__new__ builds a named tuple in C; calling the class (or `_make`) runs Python code.
