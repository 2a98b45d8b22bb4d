"""Hub card dumps (librarian-bots shape) read row by row; a bad row is a problem, never an exception.

A dump is JSON Lines (always) or Parquet (with the `parquet` extra: pyarrow). One row per repo:
`modelId` or `datasetId` (the column names the kind), `author`, `last_modified`, `downloads`,
`likes`, `tags`, `createdAt`, `card`, and for models `library_name` and `pipeline_tag`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from licaudit.artifacts import ArtifactKind

ID_COLUMNS = {"modelId": ArtifactKind.MODEL, "datasetId": ArtifactKind.DATASET}
TEXT_COLUMNS = ("author", "last_modified", "createdAt", "library_name", "pipeline_tag")
COUNT_COLUMNS = ("downloads", "likes")
COLUMNS = (*ID_COLUMNS, *TEXT_COLUMNS, *COUNT_COLUMNS, "tags", "card")
MAX_ROW_CARD_BYTES = 5_000_000  # a larger card is not parsed at all: its metadata is unknown
PARQUET_BATCH_ROWS = 4096


@dataclass(frozen=True)
class DumpRow:
    number: int  # 1-based row number in the file (JSON Lines: the line number)
    kind: ArtifactKind
    id: str  # as licaudit names it: datasets are `datasets/<owner>/<name>`
    author: str | None
    last_modified: str | None
    created_at: str | None
    downloads: int
    likes: int
    tags: tuple[str, ...]
    card: str | bytes | None
    library_name: str | None
    pipeline_tag: str | None
    problems: tuple[str, ...] = ()  # what was wrong but recoverable (a field dropped, a card cut)


@dataclass(frozen=True)
class RowProblem:
    number: int  # 0 for the whole file
    artifact: str | None
    reason: str
    skipped: bool = True  # the row was not imported


def artifact_id(kind: ArtifactKind, raw_id: str) -> str:
    return f"datasets/{raw_id}" if kind is ArtifactKind.DATASET and not raw_id.startswith("datasets/") else raw_id


def read_dump(path: Path, start_row: int = 0) -> Iterator[DumpRow | RowProblem]:
    """Rows after `start_row`, in file order; problems interleaved where they occur."""
    if path.suffix.lower() in {".parquet", ".pq"}:
        yield from _read_parquet(path, start_row)
    else:
        yield from _read_json_lines(path, start_row)


def _read_json_lines(path: Path, start_row: int) -> Iterator[DumpRow | RowProblem]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield RowProblem(0, None, f"cannot read {path}: {error.strerror or error}")
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if number <= start_row or not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                truncated = not line.endswith(b"\n")
                reason = "truncated last line" if truncated else f"not valid JSON ({error})"
                yield RowProblem(number, None, reason)
                continue
            if not isinstance(record, dict):
                yield RowProblem(number, None, f"a JSON {type(record).__name__}, not an object")
                continue
            yield row_from_mapping(number, record)


def _read_parquet(path: Path, start_row: int) -> Iterator[DumpRow | RowProblem]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield RowProblem(0, None, "reading Parquet needs pyarrow: pip install 'licaudit-lineage[parquet]'")
        return
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:
        yield RowProblem(0, None, f"truncated or unreadable Parquet file: {error}")
        return
    names = set(parquet.schema_arrow.names)
    missing = [c for c in COLUMNS if c not in names and c not in ID_COLUMNS]
    if missing:
        yield RowProblem(0, None, f"columns missing, their values taken as empty: {missing}", skipped=False)
    wanted = [c for c in COLUMNS if c in names]
    number = 0
    try:
        for group in range(parquet.num_row_groups):
            rows_in_group = parquet.metadata.row_group(group).num_rows
            if number + rows_in_group <= start_row:
                number += rows_in_group  # resuming: skip whole row groups unread
                continue
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group], columns=wanted):
                columns = {name: batch.column(name).to_pylist() for name in wanted}
                for index in range(batch.num_rows):
                    number += 1
                    if number <= start_row:
                        continue
                    yield row_from_mapping(number, {name: values[index] for name, values in columns.items()})
    except Exception as error:
        yield RowProblem(number + 1, None, f"Parquet data unreadable from here on (truncated file?): {error}")


def row_from_mapping(number: int, record: dict[str, object]) -> DumpRow | RowProblem:
    """Validate one row's types; a wrong optional field is dropped and noted, a bad id skips the row."""
    kinds = [(column, kind) for column, kind in ID_COLUMNS.items() if column in record]
    if not kinds:
        return RowProblem(number, None, "no `modelId` or `datasetId` column")
    column, kind = kinds[0]
    raw_id = record[column]
    if not isinstance(raw_id, str) or not raw_id.strip() or len(raw_id) > 300 or "\n" in raw_id:
        return RowProblem(number, None, f"`{column}` is {_describe(raw_id)}, expected a repo id")
    identifier = artifact_id(kind, raw_id.strip())
    problems: list[str] = []
    texts: dict[str, str | None] = {}
    for name in TEXT_COLUMNS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            value = _as_text(value)
            if value is None:
                problems.append(f"`{name}` is {_describe(record.get(name))}; ignored")
        texts[name] = value
    counts: dict[str, int] = {}
    for name in COUNT_COLUMNS:
        value = record.get(name)
        if value is None:
            counts[name] = 0
        elif isinstance(value, int) and not isinstance(value, bool):
            counts[name] = max(value, 0)
        elif isinstance(value, str) and value.strip().isdigit():
            counts[name] = int(value)
        else:
            counts[name] = 0
            problems.append(f"`{name}` is {_describe(value)}, expected a count; taken as 0")
    tags_raw = record.get("tags")
    tags: tuple[str, ...] = ()
    if isinstance(tags_raw, (list, tuple)):
        tags = tuple(t for t in tags_raw if isinstance(t, str))
        if len(tags) != len(tags_raw):
            problems.append("`tags` holds non-text items; they were ignored")
    elif tags_raw is not None:
        problems.append(f"`tags` is {_describe(tags_raw)}, expected a list; ignored")
    card = record.get("card")
    if card is not None and not isinstance(card, (str, bytes)):
        problems.append(f"`card` is {_describe(card)}, expected text; the card is ignored")
        card = None
    if isinstance(card, str) and "\x00" in card[:8192]:
        problems.append("card looks binary (NUL characters); not parsed")
        card = None
    if card is not None and len(card) > MAX_ROW_CARD_BYTES:
        problems.append(f"card is {len(card):,} characters (over {MAX_ROW_CARD_BYTES:,}); not parsed")
        card = None
    return DumpRow(
        number=number,
        kind=kind,
        id=identifier,
        author=texts["author"],
        last_modified=texts["last_modified"],
        created_at=texts["createdAt"],
        downloads=counts["downloads"],
        likes=counts["likes"],
        tags=tags,
        card=card,
        library_name=texts["library_name"],
        pipeline_tag=texts["pipeline_tag"],
        problems=tuple(problems),
    )


def _as_text(value: object) -> str | None:
    # Timestamps arrive as datetimes from Parquet; numbers are acceptable text too.
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _describe(value: object) -> str:
    if value is None:
        return "missing"
    text = repr(value)
    return f"a {type(value).__name__} ({text[:40]}{'…' if len(text) > 40 else ''})"
