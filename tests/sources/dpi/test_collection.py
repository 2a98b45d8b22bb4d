"""Reading a Data Provenance Collection checkout: records, Hub ids, classes from constants, bad files named."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.sources.dpi.collection import LicenseClass, hub_dataset_id, is_checkout, local_id, read_checkout
from tests.sources.dpi.checkouts import dataset, write_checkout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://huggingface.co/datasets/tatsu-lab/alpaca", "datasets/tatsu-lab/alpaca"),
        ("https://huggingface.co/datasets/THUDM/AgentInstruct/viewer/default/os", "datasets/THUDM/AgentInstruct"),
        ("https://huggingface.co/datasets/winogrande/", "datasets/winogrande"),
        ("https://huggingface.co/datasets/tweet_eval/viewer/emoji", "datasets/tweet_eval"),
        ("https://hf.co/datasets/arbml/CIDAR", "datasets/arbml/CIDAR"),
        ("huggingface.co/datasets/LDJnr/Capybara", "datasets/LDJnr/Capybara"),
        ("https://huggingface.co/datasets/winograd_wsc; https://github.com/x/y", "datasets/winograd_wsc"),
        ("https://github.com/x/y; https://huggingface.co/datasets/a/b", "datasets/a/b"),
        ("https://huggingface.co/project-baize", None),  # an organisation page
        ("https://huggingface.co/org/model", None),  # a model, not a dataset
        ("https://github.com/nomic-ai/gpt4all", None),
        ("", None),
    ],
)
def test_hub_ids_come_from_dataset_urls_only(url: str, expected: str | None) -> None:
    assert hub_dataset_id(url) == expected


def test_a_checkout_is_recognised_by_its_summaries_beside_constants(tmp_path: Path) -> None:
    assert not is_checkout(tmp_path)
    write_checkout(tmp_path, {"Alpha": [dataset("alpha-one", "Alpha")]})
    assert is_checkout(tmp_path)
    (tmp_path / "constants" / "license_classes.json").unlink()
    assert is_checkout(tmp_path)  # a missing constants file is a problem of the import, not of the shape


def test_records_keep_licenses_with_their_classes_generators_and_sources(tmp_path: Path) -> None:
    write_checkout(
        tmp_path,
        {
            "Alpha": [
                dataset(
                    "alpha-one",
                    "Alpha",
                    "https://huggingface.co/datasets/org/alpha/viewer/one",
                    licenses=[("CC BY-NC 4.0", "https://example.org/l"), ("Custom", "https://example.org/terms")],
                    generated=["OpenAI GPT-4", "OpenAI GPT-4", "Unlisted model"],
                    derived=["beta", "beta"],
                    card="MIT License",
                    notes="switched license in 2023",
                ),
                dataset("alpha-two", "Alpha", licenses=[("Mystery", "")]),
            ]
        },
    )
    checkout = read_checkout(tmp_path)
    assert [f.name for f in checkout.files] == ["Alpha.json"]  # `_template.json` is the schema, not data
    one, two = checkout.files[0].records or []
    assert one.artifact_id == "datasets/org/alpha"
    assert [(lic.name, lic.license_class) for lic in one.licenses] == [
        ("CC BY-NC 4.0", LicenseClass("NC", "1", "0")),
        ("Custom", LicenseClass("Acad", "1", "0")),  # a custom license is classed by its URL
    ]
    assert [(g.name, g.group) for g in one.generators] == [("OpenAI GPT-4", "OpenAI"), ("Unlisted model", None)]
    assert one.derived_from == ("beta",)
    assert (one.card_license, one.card_license_date, one.license_notes) == (
        "MIT License",
        "2023-09-01",
        "switched license in 2023",
    )
    assert two.artifact_id == local_id("Alpha", "alpha-two") == "dpi/alpha/alpha-two"
    assert two.licenses[0].license_class is None  # a name constants/ does not class
    assert checkout.problems == []


def test_a_malformed_file_is_named_and_skipped_and_the_others_read(tmp_path: Path) -> None:
    write_checkout(
        tmp_path,
        {
            "Good": [dataset("good-one", "Good")],
            "Typed": [dataset("typed-one", "Typed"), dataset("typed-two", "Typed", Licenses="MIT")],
        },
    )
    (tmp_path / "data_summaries" / "Broken.json").write_text('{"x": {', encoding="utf-8")
    (tmp_path / "data_summaries" / "List.json").write_text("[1, 2]", encoding="utf-8")
    checkout = read_checkout(tmp_path)
    by_name = {f.name: f for f in checkout.files}
    assert by_name["Good.json"].records is not None and by_name["Good.json"].problem is None
    assert by_name["Broken.json"].records is None and "not valid JSON" in (by_name["Broken.json"].problem or "")
    assert by_name["List.json"].records is None and "JSON object" in (by_name["List.json"].problem or "")
    typed = by_name["Typed.json"]
    assert typed.records is None and typed.problem == "dataset 'typed-two': 'Licenses' must be a list"


def test_broken_constants_are_reported_and_records_still_read(tmp_path: Path) -> None:
    write_checkout(tmp_path, {"Alpha": [dataset("alpha-one", "Alpha", licenses=[("CC BY-NC 4.0", "")])]})
    (tmp_path / "constants" / "license_classes.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "constants" / "model_groups.json").unlink()
    checkout = read_checkout(tmp_path)
    assert [(p.file, p.reason.split(":")[0]) for p in checkout.problems] == [
        ("constants/license_classes.json", "not readable JSON"),
        ("constants/model_groups.json", "missing"),
    ]
    records = checkout.files[0].records or []
    assert records[0].licenses[0].license_class is None


def test_the_revision_and_origin_come_from_the_git_checkout(tmp_path: Path) -> None:
    write_checkout(tmp_path, {"Alpha": [dataset("alpha-one", "Alpha")]})
    git = tmp_path / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (git / "packed-refs").write_text("# pack-refs\n" + "ab" * 20 + " refs/heads/main\n", encoding="utf-8")
    (git / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/org/collection.git\n', encoding="utf-8"
    )
    checkout = read_checkout(tmp_path)
    assert (checkout.revision, checkout.remote) == ("ab" * 20, "https://github.com/org/collection.git")
    assert read_checkout(tmp_path, revision="cafe").revision == "cafe"  # a stated revision wins
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "refs" / "heads" / "main").write_text("cd" * 20 + "\n", encoding="utf-8")
    assert read_checkout(tmp_path).revision == "cd" * 20  # a loose ref is newer than the packed one
