"""Hub card dumps (librarian-bots shape) read row by row; a bad row is a problem, never an exception.

A dump is JSON Lines (always) or Parquet (with the `parquet` extra: pyarrow). One row per repo:
`modelId` or `datasetId` (the column names the kind), `author`, `last_modified`, `downloads`,
`likes`, `tags`, `createdAt`, `card`, and for models `library_name` and `pipeline_tag`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from licaudit.artifacts import ArtifactKind

if TYPE_CHECKING:
    import pyarrow
    import pyarrow.parquet

ID_COLUMNS = {"modelId": ArtifactKind.MODEL, "datasetId": ArtifactKind.DATASET}
TEXT_COLUMNS = ("author", "last_modified", "createdAt", "library_name", "pipeline_tag")
COUNT_COLUMNS = ("downloads", "likes")
COLUMNS = (*ID_COLUMNS, *TEXT_COLUMNS, *COUNT_COLUMNS, "tags", "card")
MAX_ROW_CARD_BYTES = 5_000_000  # a larger card is not parsed at all: its metadata is unknown
MAX_LINE_BYTES = 64_000_000  # a longer JSON line is skipped unread
CHUNK_ROWS = 2000
GROUP_ROWS = 100_000  # a larger Parquet row group is read by the importing process, in chunks
READ_BYTES = 1 << 22


class DumpRow(NamedTuple):  # a tuple: built once per row of a million-row dump
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


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of a dump, read from the file but not yet decoded: the unit of work that
    worker processes turn into rows (`chunk_rows`) while the importing process reads on."""

    first: int  # the number of the first row
    count: int  # rows in the chunk, blank lines included: the last is `first + count - 1`
    lines: tuple[bytes, ...] = ()  # JSON Lines, without their newlines
    unterminated: bool = False  # the last line had no newline: the file may be cut short there
    batch: pyarrow.RecordBatch | None = None  # Parquet rows read by the importing process
    group: ParquetGroup | None = None  # a Parquet row group the worker reads itself

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def read_dump(path: Path, start_row: int = 0) -> Iterator[DumpRow | RowProblem]:
    """Rows after `start_row`, in file order; problems interleaved where they occur."""
    for item in read_chunks(path, start_row):
        yield from (item,) if isinstance(item, RowProblem) else chunk_rows(item)


class ParquetGroup(NamedTuple):
    path: str
    version: tuple[int, int]  # size and mtime: a rewritten file is opened afresh
    group: int  # its number in the file
    columns: tuple[str, ...]


def read_chunks(
    path: Path, start_row: int = 0, rows: int = CHUNK_ROWS, whole_groups: bool = False
) -> Iterator[Chunk | RowProblem]:
    """The rows after `start_row` in chunks of `rows`; problems with the whole file in between.
    With `whole_groups`, a Parquet row group of up to GROUP_ROWS rows is one chunk, left unread:
    worker processes then decode it themselves instead of receiving its rows from this one."""
    if path.suffix.lower() in {".parquet", ".pq"}:
        yield from _parquet_chunks(path, start_row, rows, whole_groups)
    else:
        yield from _json_lines_chunks(path, start_row, rows)


def chunk_rows(chunk: Chunk) -> Iterator[DumpRow | RowProblem]:
    """A chunk's rows, validated; a top-level function so worker processes can run it."""
    if chunk.batch is not None:
        yield from _parquet_rows(chunk.first, chunk.batch)
        return
    if chunk.group is not None:
        yield from _group_rows(chunk.first, chunk.group)
        return
    last = len(chunk.lines) - 1
    for offset, line in enumerate(chunk.lines):
        number = chunk.first + offset
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            reason = "truncated last line" if chunk.unterminated and offset == last else f"not valid JSON ({error})"
            yield RowProblem(number, None, reason)
            continue
        if not isinstance(record, dict):
            yield RowProblem(number, None, f"a JSON {type(record).__name__}, not an object")
            continue
        yield row_from_mapping(number, record)


def _json_lines_chunks(path: Path, start_row: int, rows: int) -> Iterator[Chunk | RowProblem]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield RowProblem(0, None, f"cannot read {path}: {error.strerror or error}")
        return
    with handle:
        first = start_row + 1  # the number of the first pending line
        consumed = 0  # lines split off so far, skipped ones included
        pending: list[bytes] = []
        rest = b""  # the part after the last newline read
        oversized = False  # inside a line longer than MAX_LINE_BYTES: its bytes are dropped
        while True:
            block = handle.read(READ_BYTES)
            eof = not block
            if oversized and not eof:
                newline = block.find(b"\n")
                if newline < 0:
                    continue
                block, oversized = block[newline + 1 :], False
            if eof:
                lines, unterminated = ([rest] if rest and not oversized else []), bool(rest) and not oversized
            else:
                lines, unterminated = (rest + block).split(b"\n"), False
                rest = lines.pop()
            skip = min(max(start_row - consumed, 0), len(lines))
            consumed += len(lines)
            pending.extend(lines[skip:])
            if len(rest) > MAX_LINE_BYTES:
                # A line this long holds no sensible row, and reading it whole could exhaust memory.
                yield from _pending_chunks(pending, first, rows)
                consumed += 1
                first, pending, rest, oversized = max(consumed, start_row) + 1, [], b"", True
                if consumed > start_row:
                    yield RowProblem(consumed, None, f"line is over {MAX_LINE_BYTES:,} bytes; skipped")
                continue
            full = len(pending) if eof else len(pending) - len(pending) % rows
            yield from _pending_chunks(pending[:full], first, rows, unterminated)
            first, pending = first + full, pending[full:]
            if eof:
                return


def _pending_chunks(lines: list[bytes], first: int, rows: int, unterminated: bool = False) -> Iterator[Chunk]:
    for start in range(0, len(lines), rows):
        part = tuple(lines[start : start + rows])
        last = start + rows >= len(lines)
        yield Chunk(first + start, len(part), part, unterminated=unterminated and last)


def _parquet_chunks(path: Path, start_row: int, rows: int, whole_groups: bool) -> Iterator[Chunk | RowProblem]:
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
    stat = path.stat()
    number = 0  # rows before the current batch
    try:
        for group in range(parquet.num_row_groups):
            rows_in_group = parquet.metadata.row_group(group).num_rows
            if number + rows_in_group <= start_row:
                number += rows_in_group  # resuming: skip whole row groups unread
                continue
            if whole_groups and number >= start_row and rows_in_group <= GROUP_ROWS:
                version = (stat.st_size, stat.st_mtime_ns)
                yield Chunk(number + 1, rows_in_group, group=ParquetGroup(str(path), version, group, tuple(wanted)))
                number += rows_in_group
                continue
            for batch in parquet.iter_batches(batch_size=rows, row_groups=[group], columns=wanted):
                skip = min(max(start_row - number, 0), batch.num_rows)
                number += batch.num_rows
                if skip < batch.num_rows:
                    kept = batch.slice(skip) if skip else batch
                    yield Chunk(number - kept.num_rows + 1, kept.num_rows, batch=kept)
    except Exception as error:
        yield RowProblem(number + 1, None, f"Parquet data unreadable from here on (truncated file?): {error}")


def _group_rows(first: int, group: ParquetGroup) -> Iterator[DumpRow | RowProblem]:
    number = first
    try:
        batches = _parquet_file(group.path, group.version).iter_batches(
            batch_size=CHUNK_ROWS, row_groups=[group.group], columns=list(group.columns), use_threads=False
        )
        while (batch := next(batches, None)) is not None:
            yield from _parquet_rows(number, batch)
            number += batch.num_rows
    except (OSError, ValueError, _pyarrow_errors()) as error:  # what pyarrow raises for a damaged file
        yield RowProblem(number, None, f"Parquet data unreadable from here on (truncated file?): {error}")


def _pyarrow_errors() -> type[Exception]:
    import pyarrow

    return pyarrow.ArrowException  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4)
def _parquet_file(path: str, version: tuple[int, int]) -> pyarrow.parquet.ParquetFile:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path)


_new_row = functools.partial(tuple.__new__, DumpRow)
_TEXT_TYPES = {str, type(None)}


def _parquet_rows(first: int, batch: pyarrow.RecordBatch) -> Iterator[DumpRow | RowProblem]:
    import pyarrow

    columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
    texts_ok = True
    for name in TEXT_COLUMNS:  # e.g. timestamps: made text once per column, not once per row
        values = columns.get(name)
        if values is not None and not set(map(type, values)) <= _TEXT_TYPES:
            texts = [_as_text(value) if value is not None and type(value) is not str else value for value in values]
            if any(text is None and value is not None for text, value in zip(texts, values, strict=True)):
                texts_ok = False  # some are no text at all: their rows report them one by one
            else:
                columns[name] = texts
    types = pyarrow.types
    tags_type = batch.schema.field("tags").type if "tags" in columns else None
    tags_are_text = (
        tags_type is not None
        and (types.is_list(tags_type) or types.is_large_list(tags_type))
        and (types.is_string(tags_type.value_type) or types.is_large_string(tags_type.value_type))
    )
    kind = ArtifactKind.MODEL if "modelId" in columns else ArtifactKind.DATASET
    empty = [None] * batch.num_rows
    get = columns.get
    fields = zip(
        get("modelId" if kind is ArtifactKind.MODEL else "datasetId", empty),
        *(get(name, empty) for name in TEXT_COLUMNS),
        *(get(name, empty) for name in COUNT_COLUMNS),
        get("tags", empty),
        get("card", empty),
        strict=True,
    )
    for index, (raw_id, author, modified, created, library, pipeline, downloads, likes, tags, card) in enumerate(
        fields
    ):
        # A typed column holds values of its type or nulls, so a well-formed row needs only these
        # checks; any other row (and every row that has a problem to report) gets the full check.
        if (
            texts_ok
            and tags_are_text
            and type(raw_id) is str
            and 0 < len(raw_id) <= 300
            and "\n" not in raw_id
            and raw_id == raw_id.strip()
            and type(downloads) is int
            and type(likes) is int
            and downloads >= 0
            and likes >= 0
            and tags is not None
            and None not in tags
            and (
                card is None
                or (type(card) is str and len(card) <= MAX_ROW_CARD_BYTES and card.find("\x00", 0, 8192) < 0)
            )
        ):
            row_id = artifact_id(kind, raw_id)
            # tuple.__new__ builds the row in C; calling the class (or `_make`) runs Python code.
            checked = (first + index, kind, row_id, author, modified, created, downloads, likes, tuple(tags), card)
            yield _new_row((*checked, library, pipeline, ()))
        else:
            yield row_from_mapping(first + index, {name: values[index] for name, values in columns.items()})


def row_from_mapping(number: int, record: dict[str, object]) -> DumpRow | RowProblem:
    """Validate one row's types; a wrong optional field is dropped and noted, a bad id skips the row."""
    if "modelId" in record:
        column, kind = "modelId", ArtifactKind.MODEL
    elif "datasetId" in record:
        column, kind = "datasetId", ArtifactKind.DATASET
    else:
        return RowProblem(number, None, "no `modelId` or `datasetId` column")
    raw_id = record[column]
    if type(raw_id) is not str or not raw_id.strip() or len(raw_id) > 300 or "\n" in raw_id:
        return RowProblem(number, None, f"`{column}` is {_describe(raw_id)}, expected a repo id")
    identifier = artifact_id(kind, raw_id.strip())
    problems: list[str] = []
    get = record.get
    texts = [get(name) for name in TEXT_COLUMNS]
    if not all(value is None or type(value) is str for value in texts):  # the common case skips this
        texts = [_text(name, value, problems) for name, value in zip(TEXT_COLUMNS, texts, strict=True)]
    author, last_modified, created_at, library_name, pipeline_tag = cast("list[str | None]", texts)
    downloads_raw, likes_raw = get("downloads"), get("likes")
    if type(downloads_raw) is int and type(likes_raw) is int and downloads_raw >= 0 and likes_raw >= 0:
        downloads, likes = downloads_raw, likes_raw
    else:
        downloads, likes = _count("downloads", downloads_raw, problems), _count("likes", likes_raw, problems)
    tags_raw = get("tags")
    tags: tuple[str, ...] = ()
    if isinstance(tags_raw, (list, tuple)):
        tags = tuple(tags_raw)
        if not all(type(tag) is str for tag in tags):
            tags = tuple(t for t in tags_raw if isinstance(t, str))
            problems.append("`tags` holds non-text items; they were ignored")
    elif tags_raw is not None:
        problems.append(f"`tags` is {_describe(tags_raw)}, expected a list; ignored")
    card_raw = get("card")
    card = card_raw if card_raw is None or isinstance(card_raw, (str, bytes)) else None
    if card is None and card_raw is not None:
        problems.append(f"`card` is {_describe(card_raw)}, expected text; the card is ignored")
    if isinstance(card, str) and card.find("\x00", 0, 8192) >= 0:
        problems.append("card looks binary (NUL characters); not parsed")
        card = None
    if card is not None and len(card) > MAX_ROW_CARD_BYTES:
        problems.append(f"card is {len(card):,} characters (over {MAX_ROW_CARD_BYTES:,}); not parsed")
        card = None
    return DumpRow(
        number,
        kind,
        identifier,
        author,
        last_modified,
        created_at,
        downloads,
        likes,
        tags,
        card,
        library_name,
        pipeline_tag,
        tuple(problems),
    )


def _text(name: str, value: object, problems: list[str]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    text = _as_text(value)
    if text is None:
        problems.append(f"`{name}` is {_describe(value)}; ignored")
    return text


def _count(name: str, value: object, problems: list[str]) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    problems.append(f"`{name}` is {_describe(value)}, expected a count; taken as 0")
    return 0


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
