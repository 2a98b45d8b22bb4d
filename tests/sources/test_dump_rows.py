"""Reading dumps in chunks: every line once, numbered as in the file, whatever the block and chunk sizes."""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licaudit.sources.dumps import rows as dump_rows
from licaudit.sources.dumps.rows import Chunk, RowProblem, read_chunks, read_dump

line = st.sampled_from([b'{"modelId": "a/b"}', b"", b"  ", b"not json", b'{"modelId": "c/d", "x": "\\u00e9"}', b"[1]"])


def reference_lines(data: bytes, start_row: int) -> list[tuple[int, bytes, bool]]:
    """(number, line, unterminated) as `enumerate(open(path, 'rb'), 1)` numbers them."""
    pieces = data.split(b"\n")
    ends_with_newline = pieces[-1] == b""
    if ends_with_newline:
        pieces.pop()
    last = len(pieces)
    return [
        (number, piece, number == last and not ends_with_newline)
        for number, piece in enumerate(pieces, start=1)
        if number > start_row
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(line, max_size=30),
    st.booleans(),
    st.integers(0, 35),
    st.integers(1, 7),
    st.sampled_from([1, 5, 16, 1 << 22]),
)
def test_json_lines_chunks_keep_every_line_and_its_number(
    lines: list[bytes], trailing_newline: bool, start_row: int, rows: int, block: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.jsonl"
        path.write_bytes(data)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dump_rows, "READ_BYTES", block)
            chunks = list(read_chunks(path, start_row, rows))
    assert all(isinstance(chunk, Chunk) and 0 < chunk.count <= rows for chunk in chunks)
    seen = [
        (chunk.first + offset, piece, chunk.unterminated and offset == chunk.count - 1)
        for chunk in chunks
        if isinstance(chunk, Chunk)
        for offset, piece in enumerate(chunk.lines)
    ]
    assert seen == reference_lines(data, start_row)


def test_a_line_longer_than_the_limit_is_skipped_unread_and_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dump_rows, "MAX_LINE_BYTES", 100)
    monkeypatch.setattr(dump_rows, "READ_BYTES", 64)
    path = tmp_path / "dump.jsonl"
    rows = [b'{"modelId": "a/one"}', b'{"modelId": "a/long", "card": "' + b"x" * 500 + b'"}', b'{"modelId": "a/two"}']
    path.write_bytes(b"\n".join(rows) + b"\n")
    items = list(read_dump(path))
    assert [(item.number, item.id) for item in items if not isinstance(item, RowProblem)] == [
        (1, "a/one"),
        (3, "a/two"),
    ]
    problems = [item for item in items if isinstance(item, RowProblem)]
    assert [(p.number, p.skipped) for p in problems] == [(2, True)] and "over 100 bytes" in problems[0].reason
    assert [item.number for item in read_dump(path, start_row=2)] == [3]  # resuming after it: not reported again


def mostly(valid: list[object], invalid: list[object]) -> st.SearchStrategy[object]:
    """Valid values four times as likely, so whole rows often take the fast path."""
    return st.sampled_from(valid * 4 + invalid)


record = st.fixed_dictionaries(
    {
        "modelId": mostly(["a/b", "org/m"], [" a/c ", "", "x\ny", None, "d" * 301]),
        "author": mostly([None, "a"], [""]),
        "last_modified": mostly([None, datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)], []),
        "downloads": mostly([0, 5], [None, -3]),
        "likes": mostly([1], [None]),
        "tags": mostly([[], ["x", "dataset:a/b"]], [None, ["license:mit", None]]),
        "card": mostly([None, "---\nlicense: mit\n---\n"], ["bin\x00ary", "x" * 50]),
    }
)


@settings(max_examples=100, deadline=None)
@given(st.lists(record, min_size=1, max_size=12))
def test_parquet_rows_equal_the_row_by_row_check(records: list[dict[str, object]]) -> None:
    pa = pytest.importorskip("pyarrow")
    batch = pa.RecordBatch.from_pylist(records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dump_rows, "MAX_ROW_CARD_BYTES", 40)
        fast = list(dump_rows._parquet_rows(7, batch))
        expected = [dump_rows.row_from_mapping(7 + index, row) for index, row in enumerate(batch.to_pylist())]
    assert fast == expected
