"""What licaudit keeps of one dump row: the license its card declares and the parents it names.

`import_chunk` turns a chunk of raw dump rows into rows ready for the store, and is what the
import's worker processes run: everything per row that needs no database happens here.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import Final, NamedTuple

from licaudit.artifacts import ArtifactKind, Origin, Relation
from licaudit.sources.cards.metadata import CardMetadata, front_matter_metadata, read_front_matter
from licaudit.sources.dumps.rows import Chunk, DumpRow, RowProblem, artifact_id, chunk_rows

HUB_RELATIONS = {
    "finetune": Relation.FINETUNE,
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZED,
}
MAX_QUOTE = 300
_URL_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "hf.co/", "hf://")


class Link(NamedTuple):
    parent: str
    relation: Relation
    origin: Origin
    quote: str


class CardFacts(NamedTuple):
    """What licaudit keeps of one card: the license it declares and the parents it names."""

    license: str | None
    license_origin: Origin | None
    license_quote: str | None
    links: tuple[Link, ...]
    errors: tuple[str, ...]


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
    errors: list[str] = []
    if row.card is not None:
        front, _body, errors = read_front_matter(row.card)
    facts = card_facts(row.kind, front_matter_metadata(front, errors), row.tags)
    # Only the front matter and the tags make the facts: a newer dump that changed a card's
    # Markdown alone is not parsed again.
    checksum = zlib.crc32(
        "\x1f".join(row.tags).encode("utf-8", "surrogatepass"),
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


def links_json(links: Iterable[tuple[str, str, str, str]]) -> str:
    """The stored form of a card's links: a JSON list of [parent, relation, origin, quote], in a
    third of `json.dumps`' time."""
    quote = encode_basestring_ascii
    return "[" + ",".join(f"[{quote(p)},{quote(r)},{quote(o)},{quote(q)}]" for p, r, o, q in links) + "]"


def card_facts(kind: ArtifactKind, card: CardMetadata, tags: tuple[str, ...]) -> CardFacts:
    """Declared license and lineage links of one artifact, from its card and then its Hub tags."""
    tag_relations: dict[str, Relation] = {}
    tag_datasets: list[str] = []
    tag_licenses: list[str] = []
    for tag in tags:  # one pass: most tags (`transformers`, `en`) have no prefix licaudit reads
        if ":" not in tag:
            continue
        prefix, _, rest = tag.partition(":")
        if prefix == "base_model":
            relation_name, colon, parent = rest.partition(":")
            if colon and relation_name in HUB_RELATIONS:
                tag_relations[_CLEAN_IDS.get(parent) or clean_id(parent)] = HUB_RELATIONS[relation_name]
        elif prefix == "dataset":
            tag_datasets.append(tag)
        elif prefix == "license" and rest:
            tag_licenses.append(rest)
    license_, origin, quote = _declared_license(card, tag_licenses)
    links: dict[tuple[str, Relation], Link] = {}
    if kind is ArtifactKind.MODEL:
        bases = card.base_model
        declared = HUB_RELATIONS.get(card.base_model_relation.strip().lower()) if card.base_model_relation else None
        for base in bases:
            parent = _CLEAN_IDS.get(base) or clean_id(base)
            relation = declared or tag_relations.get(parent)
            if relation is None:  # as the Hub infers it: several bases are a merge
                relation = Relation.MERGE if len(bases) > 1 else Relation.FINETUNE
                quote_ = f"base_model: {base} (relation inferred)"[:MAX_QUOTE]
                link = _link((parent, relation, Origin.INFERRED, quote_))
            else:
                link = _link((parent, relation, Origin.DECLARED, f"base_model: {base}"[:MAX_QUOTE]))
            if parent:
                links.setdefault((parent, relation), link)
        if not bases:
            for parent, relation in tag_relations.items():
                if parent:
                    quote_ = f"base_model:{relation}:{parent}"[:MAX_QUOTE]
                    links.setdefault((parent, relation), Link(parent, relation, Origin.TAG, quote_))
        for dataset in card.datasets:
            parent = _CLEAN_IDS.get(dataset) or clean_id(dataset)
            if parent:
                parent = artifact_id(ArtifactKind.DATASET, parent)
                quote_ = f"datasets: {dataset}"[:MAX_QUOTE]
                links.setdefault(
                    (parent, Relation.TRAINED_ON), Link(parent, Relation.TRAINED_ON, Origin.DECLARED, quote_)
                )
        for tag in tag_datasets:
            parent = clean_id(tag[8:])
            if parent:
                parent = artifact_id(ArtifactKind.DATASET, parent)
                links.setdefault(
                    (parent, Relation.TRAINED_ON), Link(parent, Relation.TRAINED_ON, Origin.TAG, tag[:MAX_QUOTE])
                )
    else:
        for source in card.source_datasets:
            name = source.split("|", 1)[1] if source.startswith("extended|") else source
            parent = clean_id(name)
            if not parent or name.strip().lower() in {"original", "extended", "other"}:
                continue
            parent = artifact_id(ArtifactKind.DATASET, parent)
            quote_ = f"source_datasets: {source}"[:MAX_QUOTE]
            links.setdefault(
                (parent, Relation.DERIVED_FROM), Link(parent, Relation.DERIVED_FROM, Origin.DECLARED, quote_)
            )
    # A card naming itself is kept: the lineage reports it as a self-loop.
    ordered = tuple(links[key] for key in sorted(links)) if len(links) > 1 else tuple(links.values())
    return _facts((license_, origin, quote, ordered, card.errors))


# tuple.__new__ builds a named tuple in C; calling the class (or `_make`) runs Python code.
_link = functools.partial(tuple.__new__, Link)
_facts = functools.partial(tuple.__new__, CardFacts)


def _declared_license(card: CardMetadata, tag_licenses: list[str]) -> tuple[str | None, Origin | None, str | None]:
    if len(card.license) == 1 and card.license[0].lower() != "other":  # the common case, in short
        return card.license[0], Origin.DECLARED, f"license: {card.license[0]}"
    if card.license:
        values = list(card.license)
        quote = f"license: {', '.join(values)}"
        # `license: other` with a `license_name` (the Hub's way to name e.g. llama3) means that name.
        if [v.lower() for v in values] == ["other"] and card.license_name:
            values = [card.license_name]
            quote += f"; license_name: {card.license_name}"
        return ", ".join(values), Origin.DECLARED, quote
    if tag_licenses:
        return ", ".join(tag_licenses), Origin.TAG, ", ".join(f"license:{t}" for t in tag_licenses)
    return None, None, None


def clean_id(text: str) -> str:
    """A repo id as a card may write it (`https://huggingface.co/org/name/`) to `org/name`."""
    found = _CLEAN_IDS.get(text)
    if found is None:  # popular bases and datasets are named by thousands of cards
        if len(_CLEAN_IDS) >= _CLEAN_IDS_SIZE:
            _CLEAN_IDS.clear()
        found = _CLEAN_IDS[text] = _clean_id(text)
    return found


_CLEAN_IDS: dict[str, str] = {}
_CLEAN_IDS_SIZE = 100_000


def _clean_id(text: str) -> str:
    value = text.strip().rstrip("/")
    if ":" in value or value[:3].lower() == "hf.":  # only then can it carry a URL prefix
        lowered = value.lower()
        for prefix in _URL_PREFIXES:
            if lowered.startswith(prefix):
                return value[len(prefix) :]
    return value
