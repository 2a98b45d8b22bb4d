"""The layer in the commands' output: `registry show`, the trace JSON and text, and `audit`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from licaudit.cli import app
from tests.sources.dpi.checkouts import dataset, write_checkout

RUNNER = CliRunner()


def import_checkout(tmp_path: Path) -> None:
    root = write_checkout(
        tmp_path / "dpi",
        {
            "Alpha": [
                dataset(
                    "alpha-one",
                    "Alpha",
                    "https://huggingface.co/datasets/org/shared",
                    licenses=[("CC BY-NC 4.0", "https://example.org/one")],
                    generated=["OpenAI GPT-4"],
                    card="MIT License",
                ),
                dataset("alpha-local", "Alpha", licenses=[("Apache License 2.0", "")]),
            ]
        },
    )
    imported = RUNNER.invoke(app, ["import", "--format", "dpi", str(root), "--revision", "rev1"])
    assert imported.exit_code == 0, imported.stderr


def test_registry_show_names_the_layer_of_each_record(tmp_path: Path) -> None:
    import_checkout(tmp_path)
    shown = RUNNER.invoke(app, ["registry", "show", "org/shared", "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert (document["layer"], document["license"]["normalised"]) == ("dpi", "CC-BY-NC-4.0")
    source = document["license"]["sources"][0]
    assert (source["origin"], source["revision"]) == ("dpi", "rev1")
    assert source["url"].endswith("data_summaries/Alpha.json")
    assert [(p["id"], p["relation"]) for p in document["parents"]] == [("services/openai/gpt-4", "generated_by")]
    text = RUNNER.invoke(app, ["registry", "show", "dpi/alpha/alpha-local"])
    assert text.exit_code == 0 and "layer: the Data Provenance Collection (imported)" in text.stdout
    curated = RUNNER.invoke(app, ["registry", "show", "datasets/tatsu-lab/alpaca", "--format", "json"])
    assert json.loads(curated.stdout)["layer"] == "registry"
    missing = RUNNER.invoke(app, ["registry", "show", "org/nowhere"])
    assert missing.exit_code == 2


def test_trace_reports_say_which_layer_each_node_came_from(tmp_path: Path) -> None:
    import_checkout(tmp_path)
    traced = RUNNER.invoke(app, ["trace", "org/shared", "--offline", "--format", "json"])
    assert traced.exit_code == 1, traced.stderr  # forbidden for commercial use: CC BY-NC
    layers = {node["id"]: node["layer"] for node in json.loads(traced.stdout)["nodes"]}
    assert layers == {"datasets/org/shared": "dpi", "services/openai/gpt-4": "registry"}
    text = RUNNER.invoke(app, ["trace", "org/shared", "--offline"])
    assert "[dpi]" in text.stdout.splitlines()[0]


def test_audit_counts_the_layer_and_its_laundering(tmp_path: Path) -> None:
    import_checkout(tmp_path)
    audited = RUNNER.invoke(app, ["audit", "--format", "json", "--limit", "0"])
    document = json.loads(audited.stdout)
    laundering = {case["id"]: case for case in document["laundering"]}
    case = laundering["datasets/org/shared"]  # the card DPI recorded says MIT; DPI says CC BY-NC
    assert (case["declared_license"], case["effective_verdict"]) == ("MIT License", "forbidden")
    assert audited.exit_code == 1
