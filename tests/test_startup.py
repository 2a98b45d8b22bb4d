"""What a start-up imports (issue 7): pinned by module, not by time, so an eager import fails here.

Each case runs the real command in a fresh interpreter and lists the modules it loaded. Budgets:
`--help` < 200 ms and `trace --format json` < 300 ms from a warm cache; the Hub client, the HTTP
stacks, rich and PyYAML are each tens of milliseconds, so they load only when a run needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from licaudit.sources.dumps.store import DumpStore

# Run the command as `licaudit` would, then write the loaded modules (of those asked about) to a file.
_PROBE = """
import json, sys
from licaudit.cli import main
report, watched, sys.argv = sys.argv[1], sys.argv[2].split(","), ["licaudit", *sys.argv[3:]]
try:
    main()
except SystemExit as done:
    code = done.code
loaded = sorted({m for m in sys.modules for w in watched if m == w or m.startswith(w + ".")})
with open(report, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "loaded": loaded}, handle)
"""

NETWORK = ["huggingface_hub", "requests", "urllib3", "httpx", "httpx2", "licaudit.sources.hub.client"]


def _run(tmp_path: Path, watched: list[str], *args: str) -> tuple[int, list[str], str]:
    report = tmp_path / "loaded.json"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), ",".join(watched), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # stderr is a pipe, not a terminal: no progress bar
    assert proc.stderr == "", proc.stderr
    found = json.loads(report.read_text(encoding="utf-8"))
    return found["code"], found["loaded"], proc.stdout


def test_help_loads_only_the_cli(tmp_path: Path) -> None:
    watched = [*NETWORK, "rich", "yaml", "licaudit.pipeline", "licaudit.knowledge", "licaudit.reports"]
    code, loaded, stdout = _run(tmp_path, watched, "--help")
    assert code == 0 and "trace" in stdout
    assert loaded == []


def test_json_trace_of_a_registry_artifact_loads_no_hub_rich_or_yaml(tmp_path: Path) -> None:
    watched = [
        *NETWORK,
        "rich",
        "yaml",
        "_hashlib",
        "concurrent.futures",
        "licaudit.lineage.crawl",
        "licaudit.sources.cards.metadata",
    ]
    args = ("trace", "tatsu-lab/alpaca-7b-wdiff", "--format", "json")
    _run(tmp_path, watched, *args)  # the first run fills the parsed-data cache (PyYAML parses)
    code, loaded, stdout = _run(tmp_path, watched, *args)
    assert code == 1  # non-commercial lineage: the contract's exit code stands
    assert json.loads(stdout)["target"] == "tatsu-lab/alpaca-7b-wdiff"
    assert loaded == []


@pytest.fixture
def imported_chain(tmp_path: Path) -> str:
    """A three-hop lineage the registry does not know, imported like a Hub dump."""
    rows = [{"modelId": "chain/hop-0", "downloads": 1, "card": "---\nlicense: mit\n---\n"}]
    for hop in (1, 2, 3):
        card = f"---\nlicense: apache-2.0\nbase_model: chain/hop-{hop - 1}\nbase_model_relation: finetune\n"
        rows.append({"modelId": f"chain/hop-{hop}", "downloads": hop, "card": card + "datasets:\n- chain/data\n---\n"})
    rows.append({"datasetId": "chain/data", "downloads": 1, "card": "---\nlicense: cc-by-4.0\n---\n"})
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with DumpStore() as store:
        store.import_dump(dump)
    return "chain/hop-3"


def test_json_trace_answered_by_imported_dumps_never_opens_the_hub(tmp_path: Path, imported_chain: str) -> None:
    watched = [
        *NETWORK,
        "rich",
        "yaml",
        "concurrent.futures",
        "licaudit.sources.hub.cache",
        "licaudit.sources.cards.snapshot",
        "licaudit.sources.dumps.row_facts",  # card parsing: the import's, not the trace's
        "hashlib",
    ]
    args = ("trace", imported_chain, "--format", "json")
    _run(tmp_path, watched, *args)
    code, loaded, stdout = _run(tmp_path, watched, *args)
    assert code == 0
    doc = json.loads(stdout)
    assert {node["id"] for node in doc["nodes"]} == {f"chain/hop-{hop}" for hop in range(4)} | {"datasets/chain/data"}
    assert loaded == []
