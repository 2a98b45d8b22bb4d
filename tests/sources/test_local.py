"""`licaudit trace ./my-model`: a folder on disk read like a repo, before it is published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licaudit.cli import app


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    model = tmp_path / "my-model"
    model.mkdir()
    (model / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\ndatasets: [tatsu-lab/alpaca]\n---\n"
        "# My model\nWe fine-tuned from [meta-llama/Llama-2-7b-hf] on Alpaca.\n",
        encoding="utf-8",
    )
    (model / "adapter_config.json").write_text('{"base_model_name_or_path": "meta-llama/Llama-2-7b-hf"}')
    # nothing in a repo is ever executed or unpickled
    marker = tmp_path / "executed"
    (model / "modeling_evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (model / "config.json").write_text('{"auto_map": {"AutoModel": "modeling_evil.Evil"}, "trust_remote_code": true}')
    (model / "pytorch_model.bin").write_bytes(b"\x80\x04cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    return model


def test_a_local_folder_is_traced_offline(folder: Path) -> None:
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["target"] == "./my-model"
    edges = {(e["parent"], e["relation"]) for e in doc["edges"] if e["child"] == "./my-model"}
    assert edges == {("meta-llama/Llama-2-7b-hf", "adapter"), ("datasets/tatsu-lab/alpaca", "trained_on")}
    node = next(n for n in doc["nodes"] if n["id"] == "./my-model")
    assert node["on_hub"] is False and node["declared_license"] == "apache-2.0"
    assert node["sources"][0]["url"].endswith("my-model/README.md")
    assert node["sources"][0]["field"] == "license"
    assert any("fine-tuned from" in h for h in node["hints"])
    kinds = {f["kind"] for f in doc["findings"]}
    assert "declared-more-permissive" in kinds  # apache-2.0 over Llama 2 and CC BY-NC data
    assert not (folder.parent / "executed").exists()


def test_license_link_outside_the_folder_is_not_read(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("LLAMA 2 COMMUNITY LICENSE AGREEMENT")
    (folder / "README.md").write_text("---\nlicense: other\nlicense_link: ../secret.txt\n---\n")
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    node = json.loads(result.stdout)["nodes"][0]
    assert node["license"] == "other"


def test_a_local_license_file_is_identified(folder: Path) -> None:
    (folder / "README.md").write_text("---\nlicense: other\nlicense_link: LICENSE\n---\n")
    (folder / "LICENSE").write_text("LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023")
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    node = next(n for n in json.loads(result.stdout)["nodes"] if n["id"] == "./my-model")
    assert node["licenses"] == ["LicenseRef-Llama-2-Community"]


def test_an_unknown_parent_offline_is_unresolved(folder: Path) -> None:
    (folder / "README.md").write_text("---\nlicense: mit\nbase_model: nobody/knows-this\n---\n")
    (folder / "adapter_config.json").unlink()
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json", "--offline"])
    kinds = [f["kind"] for f in json.loads(result.stdout)["findings"]]
    assert "unresolved-parent" in kinds and result.exit_code == 1


MIT_WITH_A_RESTRICTION = """MIT License

Copyright (c) 2024 Example Lab

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, for non-commercial purposes only, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def test_a_license_text_with_added_restrictive_wording_is_matched_and_held(folder: Path) -> None:
    (folder / "README.md").write_text("---\nlicense: other\nlicense_link: LICENSE\n---\n")
    (folder / "LICENSE").write_text(MIT_WITH_A_RESTRICTION)
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    doc = json.loads(result.stdout)
    node = next(n for n in doc["nodes"] if n["id"] == "./my-model")
    assert set(node["licenses"]) == {"MIT", "LicenseRef-licaudit-Stated-Non-Commercial"}
    assert doc["verdicts"]["commercial"]["verdict"] == "forbidden"
    problem = next(f for f in doc["findings"] if f["kind"] == "card-problem" and "LICENSE" in f["message"])
    assert "text-match" in problem["message"] and "non-commercial purposes only" in problem["message"]


def test_the_license_section_declares_when_the_metadata_does_not(folder: Path) -> None:
    (folder / "README.md").write_text(
        "---\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# M\n\n## License\n\n연구 목적으로만 사용할 수 있습니다.\n"
    )
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    node = next(n for n in json.loads(result.stdout)["nodes"] if n["id"] == "./my-model")
    assert node["licenses"] == ["LicenseRef-licaudit-Stated-Research-Only"]


def test_metadata_and_license_section_that_disagree_are_a_conflict(folder: Path) -> None:
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\n---\n# M\n\n## License\n\nFor non-commercial research purposes only.\n"
    )
    result = CliRunner().invoke(app, ["trace", "./my-model", "--format", "json"])
    doc = json.loads(result.stdout)
    conflict = next(f for f in doc["findings"] if f["kind"] == "declared-license-conflict")
    assert conflict["artifact"] == "./my-model" and "non-commercial research purposes only" in conflict["message"]
    assert doc["verdicts"]["commercial"]["verdict"] == "forbidden"  # strict: the stricter reading binds
