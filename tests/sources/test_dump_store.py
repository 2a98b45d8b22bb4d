"""Importing card dumps: incremental, idempotent, resumable; every bad row reported, none fatal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from licaudit.artifacts import ArtifactKind, Relation
from licaudit.errors import LicauditError
from licaudit.sources.cards.metadata import parse_card
from licaudit.sources.cards.reader import read_card
from licaudit.sources.dumps import store as dump_store
from licaudit.sources.dumps.store import DumpStore


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def model(model_id: str, card: str, **extra: Any) -> dict[str, Any]:
    return {
        "modelId": model_id,
        "author": model_id.split("/")[0],
        "downloads": 10,
        "likes": 1,
        "tags": [],
        "last_modified": "2024-01-01",
        "card": card,
        **extra,
    }


def snapshot(store: DumpStore) -> tuple[list[Any], list[Any]]:
    artifacts = store.db.execute(
        "SELECT id, kind, downloads, license, license_origin, card_checksum FROM dump_artifacts ORDER BY id"
    ).fetchall()
    edges = sorted(store.edges())
    return artifacts, edges


ROWS = [
    model("org/base", "---\nlicense: cc-by-nc-4.0\n---\n# base"),
    model(
        "org/child", "---\nlicense: mit\nbase_model: org/base\nbase_model_relation: adapter\ndatasets:\n- d/one\n---\n"
    ),
    model("org/merged", "---\nlicense: apache-2.0\nbase_model:\n- org/base\n- org/child\n---\n"),
    model("org/tagged", "no front matter", tags=["license:mit", "base_model:quantized:org/base", "dataset:d/two"]),
    {
        "datasetId": "d/one",
        "downloads": 3,
        "card": "---\nlicense: cc-by-sa-4.0\nsource_datasets:\n- original\n- extended|d/two\n---\n",
    },
]


def test_card_metadata_becomes_licenses_and_typed_edges(tmp_path: Path) -> None:
    with DumpStore(tmp_path / "db.sqlite3") as store:
        summary = store.import_dump(write_jsonl(tmp_path / "dump.jsonl", ROWS))
        assert (summary.added, summary.skipped, summary.problems) == (5, 0, [])
        edges = {(c, p, r) for c, p, r in store.edges()}
        assert edges == {
            ("org/child", "org/base", "adapter"),
            ("org/child", "datasets/d/one", "trained_on"),
            ("org/merged", "org/base", "merge"),  # several bases and no relation: a merge, as the Hub infers
            ("org/merged", "org/child", "merge"),
            ("org/tagged", "org/base", "quantized"),  # from base_model:<relation>:<id> tags
            ("org/tagged", "datasets/d/two", "trained_on"),
            ("datasets/d/one", "datasets/d/two", "derived_from"),
        }
        facts = store.facts("org/tagged")
        assert facts is not None and facts.license_expression == "mit"
        assert facts.license_evidence[0].origin.value == "tag"
        dataset = store.facts("d/one")  # a bare dataset id resolves, as in the registry
        assert dataset is not None and dataset.kind is ArtifactKind.DATASET


def test_the_summary_counts_the_rows_read_in_one_process_and_with_workers(tmp_path: Path) -> None:
    from licaudit.reports.audit_report import render_import_summary

    path = write_jsonl(tmp_path / "dump.jsonl", ROWS)
    for workers in (1, 2):
        with DumpStore(tmp_path / f"cache-{workers}.sqlite") as store:
            summary = store.import_dump(path, workers=workers)
        assert summary.rows == len(ROWS) and summary.added == len(ROWS), workers
        assert render_import_summary(summary).startswith(f"{path}: {len(ROWS)} rows in ")


def test_license_other_with_a_license_name_means_that_name() -> None:
    card = parse_card("---\nlicense: other\nlicense_name: llama3\n---\n")
    facts = read_card(ArtifactKind.MODEL, card, ())
    assert facts.license == "llama3"
    assert "license_name: llama3" in (facts.license_quote or "")


def test_url_base_model_and_declared_relation_win_over_tags() -> None:
    card = parse_card("---\nbase_model: https://huggingface.co/org/base/\nbase_model_relation: finetune\n---\n")
    facts = read_card(ArtifactKind.MODEL, card, ("base_model:adapter:org/base",))
    assert [(link.parent, link.relation) for link in facts.links] == [("org/base", Relation.FINETUNE)]


def test_import_is_idempotent_and_a_newer_dump_updates_what_changed(tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "dump.jsonl", ROWS)
    with DumpStore(tmp_path / "db.sqlite3") as store:
        store.import_dump(dump)
        first = snapshot(store)
        again = store.import_dump(dump)
        assert again.already_imported and snapshot(store) == first
        newer = [dict(row) for row in ROWS]
        newer[1]["card"] = "---\nlicense: cc-by-nc-4.0\nbase_model: org/base\n---\n"  # relicensed, dataset dropped
        newer[0]["downloads"] = 99  # only a count changed: no re-parse
        summary = store.import_dump(write_jsonl(tmp_path / "newer.jsonl", newer))
        assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 4)
        artifacts, edges = snapshot(store)
        assert ("org/base", "model", 99) in [a[:3] for a in artifacts]
        assert [e[:3] for e in edges if e[0] == "org/child"] == [("org/child", "org/base", "finetune")]
        assert store.count() == 5


def test_bad_rows_are_reported_with_row_and_reason_and_the_import_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps(model("ok/first", "---\nlicense: mit\n---\n")),
        json.dumps({"author": "nobody"}),  # no id column
        json.dumps({"modelId": 42}),  # wrong id type
        json.dumps(model("ok/typed", "---\nlicense: mit\n---\n", downloads="many", tags="a-string", likes=[1])),
        json.dumps(model("ok/huge", "---\nlicense: mit\n---\n" + "x" * 10_000_000)),
        json.dumps(model("ok/binary", "\x00\x01\x02PNG")),
        json.dumps(model("ok/first", "---\nlicense: apache-2.0\n---\n", last_modified="2025-01-01")),  # newer dup
        json.dumps(model("ok/first", "---\nlicense: gpl-3.0\n---\n", last_modified="2020-01-01")),  # older dup
        json.dumps(model("ok/broken-yaml", "---\nlicense: [mit\n---\n")),
        "[1, 2]",
        '{"modelId": "ok/trunc", "card": "---\\nlic',  # a truncated last line
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    with DumpStore(tmp_path / "db.sqlite3") as store:
        summary = store.import_dump(path)
        reasons: dict[tuple[int, bool], str] = {}
        for problem in summary.problems:
            key = (problem.number, problem.skipped)
            reasons[key] = reasons.get(key, "") + problem.reason + "; "
        assert "no `modelId` or `datasetId`" in reasons[(2, True)]
        assert "`modelId` is a int" in reasons[(3, True)]
        assert "`downloads` is a str" in reasons[(4, False)]
        assert "`tags` is a str" in reasons[(4, False)]
        assert "`likes` is a list" in reasons[(4, False)]
        assert "not parsed" in reasons[(5, False)]
        assert "binary" in reasons[(6, False)]
        assert "duplicate id (also row 1)" in reasons[(7, False)] and "2025-01-01" in reasons[(7, False)]
        assert "duplicate id (also row 7)" in reasons[(8, True)]
        assert "JSON list" in reasons[(10, True)]
        assert "truncated last line" in reasons[(11, True)]
        assert store.facts("ok/first").license_expression == "apache-2.0"  # type: ignore[union-attr]
        assert store.facts("ok/typed") is not None and store.facts("ok/huge") is not None
        assert store.card_error_count() == 1  # the malformed YAML is recorded, not fatal
        errors = store.db.execute("SELECT card_errors FROM dump_artifacts WHERE id = 'ok/broken-yaml'").fetchone()
        assert "malformed YAML" in errors[0]


def test_an_interrupted_import_resumes_without_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        model(f"org/m{i:03d}", f"---\nlicense: mit\nbase_model: org/m{max(i - 1, 0):03d}\n---\n") for i in range(230)
    ]
    rows.insert(120, {"modelId": None})
    dump = write_jsonl(tmp_path / "dump.jsonl", rows)
    with DumpStore(tmp_path / "clean.sqlite3") as clean:
        clean.import_dump(dump, batch_rows=50, workers=1)
        expected = snapshot(clean)
    store = DumpStore(tmp_path / "db.sqlite3")
    original = DumpStore._commit
    commits = iter(range(100))

    def crash_on_third(self: DumpStore, *args: Any) -> None:
        if next(commits) == 2:
            raise KeyboardInterrupt
        original(self, *args)

    monkeypatch.setattr(DumpStore, "_commit", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        store.import_dump(dump, batch_rows=50, workers=1)
    store.close()
    monkeypatch.setattr(DumpStore, "_commit", original)
    with DumpStore(tmp_path / "db.sqlite3") as store:
        assert store.count() == 100
        summary = store.import_dump(dump, batch_rows=50, workers=1)
        assert summary.resumed_from == 100
        assert snapshot(store) == expected
        assert [p.number for p in summary.problems] == [121]  # reported once, not once per attempt
        assert (summary.added, summary.updated) == (230, 0)


def test_parquet_dumps_missing_columns_and_truncation(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"modelId": f"org/p{i}", "card": "---\nlicense: mit\n---\n", "downloads": i} for i in range(300)]
    path = tmp_path / "models.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=100)
    with DumpStore(tmp_path / "db.sqlite3") as store:
        summary = store.import_dump(path)
        assert summary.added == 300
        missing = [p for p in summary.problems if p.number == 0]
        assert missing and "columns missing" in missing[0].reason and not missing[0].skipped
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with DumpStore(tmp_path / "db2.sqlite3") as store:
        summary = store.import_dump(truncated)
        assert summary.added == 0
        assert any(p.number == 0 and "truncated or unreadable Parquet" in p.reason for p in summary.problems)
    no_id = tmp_path / "no-id.parquet"
    pq.write_table(pa.Table.from_pylist([{"author": "x", "card": "hi"}]), no_id)
    with DumpStore(tmp_path / "db3.sqlite3") as store:
        summary = store.import_dump(no_id)
        assert [p.reason for p in summary.problems if p.skipped] == ["no `modelId` or `datasetId` column"]


SCHEMA_1 = """
CREATE TABLE dump_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO dump_meta VALUES ('schema_version', '1');
CREATE TABLE dump_imports (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE,
    started REAL NOT NULL, finished REAL, rows_done INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0
);
INSERT INTO dump_imports VALUES (1, 'old.jsonl', 'f', 0, 1, 1, 1, 0, 0, 0);
CREATE TABLE dump_artifacts (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, author TEXT, last_modified TEXT, created_at TEXT,
    downloads INTEGER NOT NULL DEFAULT 0, likes INTEGER NOT NULL DEFAULT 0, library_name TEXT, pipeline_tag TEXT,
    license TEXT, license_origin TEXT, license_quote TEXT, card_checksum INTEGER NOT NULL, card_errors TEXT,
    import_id INTEGER NOT NULL, row_number INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE dump_edges (
    child TEXT NOT NULL, parent TEXT NOT NULL, relation TEXT NOT NULL, origin TEXT NOT NULL, quote TEXT,
    PRIMARY KEY (child, parent, relation)
) WITHOUT ROWID;
INSERT INTO dump_artifacts VALUES
    ('org/old', 'model', 'org', NULL, NULL, 7, 0, NULL, NULL, 'mit', 'declared', 'license: mit', 1, NULL, 1, 1);
INSERT INTO dump_edges VALUES ('org/old', 'org/base', 'finetune', 'declared', 'base_model: org/base');
"""


def test_a_cache_of_schema_1_is_migrated_and_keeps_what_was_imported(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(SCHEMA_1)
    with DumpStore(path) as store:
        facts = store.facts("org/old")
        assert facts is not None and facts.license_expression == "mit"
        assert [(link.parent, link.relation) for link in facts.parents] == [("org/base", Relation.FINETUNE)]
        assert store.db.execute("SELECT value FROM dump_meta WHERE key = 'schema_version'").fetchone() == ("2",)
        summary = store.import_dump(write_jsonl(tmp_path / "dump.jsonl", ROWS))  # and imports go on as before
        assert (summary.added, summary.problems) == (5, [])
        assert store.count() == 6


def test_a_cache_from_a_newer_licaudit_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as newer:
        newer.executescript(
            "CREATE TABLE dump_meta (key TEXT PRIMARY KEY, value TEXT);"
            " INSERT INTO dump_meta VALUES ('schema_version', '99');"
        )
    with pytest.raises(LicauditError, match="schema 99, newer than this licaudit reads"):
        DumpStore(path)


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_worker_processes_import_exactly_what_one_process_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    rows = [
        model(f"org/m{i:04d}", f"---\nlicense: mit\nbase_model: org/m{max(i - 1, 0):04d}\n---\n", downloads=i)
        for i in range(1200)
    ]
    rows[700]["card"] = "\x00binary"  # a problem to report from a worker
    rows += [{"datasetId": "d/one", "card": "---\nlicense: cc-by-4.0\n---\n"}, model("org/m0003", "dup", likes=9)]
    path = tmp_path / f"dump.{suffix}"
    if suffix == "parquet":
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=250)
    else:
        write_jsonl(path, rows)
    with DumpStore(tmp_path / "one.sqlite3") as one:
        expected = one.import_dump(path, workers=1)
        expected_state = snapshot(one)
    monkeypatch.setattr(dump_store, "PARALLEL_BYTES", 0)
    with DumpStore(tmp_path / "workers.sqlite3") as store:
        summary = store.import_dump(path, batch_rows=300, workers=2)
        assert snapshot(store) == expected_state
        assert summary.problems == expected.problems
        assert {701, 1202} <= {problem.number for problem in summary.problems}  # binary card, duplicate
        assert (summary.added, summary.skipped, summary.rows) == (expected.added, expected.skipped, 1202)
