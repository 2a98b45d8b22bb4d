"""The imported collection in SQLite: records by artifact, in-place updates, unreadable files keep their rows."""

from __future__ import annotations

import json
from pathlib import Path

from licaudit.sources.dpi.collection import read_checkout
from licaudit.sources.dpi.store import CollectionStore, has_collection
from tests.sources.dpi.checkouts import dataset, write_checkout, write_summary

HUB = "https://huggingface.co/datasets/org/shared"


def first_checkout(root: Path) -> Path:
    return write_checkout(
        root,
        {
            "Alpha": [
                dataset("alpha-one", "Alpha", HUB + "/viewer/one", licenses=[("CC BY-NC 4.0", "")]),
                dataset("alpha-two", "Alpha", HUB + "/viewer/two", licenses=[("MIT License", "")]),
                dataset("alpha-three", "Alpha"),
            ],
            "Beta": [dataset("beta-one", "Beta", "https://huggingface.co/datasets/org/beta")],
            "Gamma": [dataset("gamma-one", "Gamma")],
        },
    )


def test_import_keeps_every_record_and_reads_them_by_artifact(tmp_path: Path) -> None:
    database = tmp_path / "cache" / "licaudit.sqlite3"
    assert not has_collection(database)
    with CollectionStore(database) as store:
        summary = store.import_checkout(read_checkout(first_checkout(tmp_path / "dpi"), revision="r1"))
        assert (summary.files, summary.records, summary.added, summary.problems) == (3, 5, 5, [])
        assert store.counts() == (5, 4)  # two records share one Hub repository
        shared = store.records("datasets/ORG/shared")  # ids compare case-insensitively
        assert [s.record.uid for s in shared] == ["alpha-one", "alpha-two"]
        assert {(s.revision, s.url.endswith("data_summaries/Alpha.json")) for s in shared} == {("r1", True)}
        assert [s.record.uid for s in store.records("org/beta")] == ["beta-one"]  # `datasets/` is implied
        assert [s.record.uid for s in store.records("dpi/alpha/alpha-three")] == ["alpha-three"]
        assert store.records("org/unknown") == []
        assert store.named("BETA-ONE") == "datasets/org/beta"
    assert has_collection(database)


def test_reimporting_a_newer_checkout_updates_in_place(tmp_path: Path) -> None:
    root = first_checkout(tmp_path / "dpi")
    with CollectionStore(tmp_path / "db.sqlite3") as store:
        store.import_checkout(read_checkout(root, revision="r1"))
        again = store.import_checkout(read_checkout(root, revision="r1"))
        assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)

        write_summary(
            root,
            "Alpha",
            [
                dataset("alpha-one", "Alpha", HUB, licenses=[("Apache License 2.0", "")]),  # changed
                dataset("alpha-two", "Alpha", HUB + "/viewer/two", licenses=[("MIT License", "")]),
                dataset("alpha-four", "Alpha"),  # new; alpha-three is gone
            ],
        )
        (root / "data_summaries" / "Gamma.json").unlink()
        newer = store.import_checkout(read_checkout(root, revision="r2"))
        assert (newer.added, newer.updated, newer.unchanged, newer.removed) == (1, 1, 2, 2)
        assert store.counts() == (4, 3)
        shared = store.records("datasets/org/shared")
        assert [lic.name for s in shared for lic in s.record.licenses] == ["Apache License 2.0", "MIT License"]
        assert {s.revision for s in shared} == {"r2"}
        assert store.records("dpi/gamma/gamma-one") == []  # its file left the collection
        assert store.records("dpi/alpha/alpha-three") == []


def test_an_unreadable_file_is_reported_and_keeps_what_was_imported_from_it(tmp_path: Path) -> None:
    root = first_checkout(tmp_path / "dpi")
    with CollectionStore(tmp_path / "db.sqlite3") as store:
        store.import_checkout(read_checkout(root, revision="r1"))
        (root / "data_summaries" / "Alpha.json").write_text('{"alpha-one": [', encoding="utf-8")
        write_summary(root, "Beta", [dataset("beta-one", "Beta", "https://huggingface.co/datasets/org/beta2")])
        summary = store.import_checkout(read_checkout(root, revision="r2"))
        assert [p.file for p in summary.problems] == ["data_summaries/Alpha.json"]
        assert "not valid JSON" in summary.problems[0].reason
        assert (summary.kept, summary.files, summary.updated) == (3, 2, 1)
        kept = store.records("datasets/org/shared")
        assert [s.record.uid for s in kept] == ["alpha-one", "alpha-two"]
        assert {s.revision for s in kept} == {"r1"}  # the evidence still names the revision it came from
        assert store.records("org/beta") == []
        assert [s.record.uid for s in store.records("org/beta2")] == ["beta-one"]
        logged = store.db.execute("SELECT file, reason FROM dpi_problems").fetchall()
        assert [file for file, _ in logged] == ["data_summaries/Alpha.json"]


def test_files_cite_their_git_host_at_the_commit(tmp_path: Path) -> None:
    root = write_checkout(tmp_path / "dpi", {"Alpha Beta": [dataset("ab-one", "Alpha Beta")]})
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("0123abcd" * 5 + "\n", encoding="utf-8")
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:org/coll.git\n', encoding="utf-8")
    with CollectionStore(tmp_path / "db.sqlite3") as store:
        store.import_checkout(read_checkout(root))
        (found,) = store.records("dpi/alpha-beta/ab-one")
    assert found.url == "https://github.com/org/coll/blob/" + "0123abcd" * 5 + "/data_summaries/Alpha%20Beta.json"
    assert json.loads(json.dumps(found.revision)) == "0123abcd" * 5
