"""Plugin test worlds: the shipped rules and registry plus local records, a tiny GPT-2 built here,
tiny JSONL data, and an OpenAI-compatible teacher server on 127.0.0.1. Nothing is downloaded."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from licaudit.shipped import shipped_folder
from tests.conftest import record

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "instruction: translate the sentence. response: done",
    "a tiny model learns a tiny language on a small machine",
    "licenses travel with weights and data along the lineage",
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-datasets"))
    monkeypatch.delenv("HF_TOKEN", raising=False)


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer GPT-2 (n_embd 64) with a word-level tokenizer trained here."""
    pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-gpt2")
    tokenizer = Tokenizer(models.WordLevel(unk_token="<unk>"))  # noqa: S106 - a token, not a password
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    words = " ".join(CORPUS) + " 1 2 3 4 5 6 7 8 9 Task Input Output Example yes no : ."
    tokenizer.train_from_iterator(
        [words], trainers.WordLevelTrainer(special_tokens=["<unk>", "<pad>", "<eos>"], vocab_size=500)
    )
    special = {"unk_token": "<unk>", "pad_token": "<pad>", "eos_token": "<eos>", "bos_token": "<eos>"}
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, **special)
    fast.model_max_length = 128
    fast.save_pretrained(folder)
    config = GPT2Config(
        vocab_size=len(fast), n_positions=128, n_embd=64, n_layer=2, n_head=2,
        bos_token_id=fast.eos_token_id, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
    )  # fmt: skip
    GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


@pytest.fixture
def world_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped rules and registry, plus `local/tiny-gpt2` (apache-2.0) and a dataset record."""
    registry = tmp_path / "registry"
    shutil.copytree(shipped_folder("registry"), registry)
    for rec in (
        record("local/tiny-gpt2", "apache-2.0"),
        record("datasets/local/tiny-instructions", "apache-2.0"),
        record("datasets/local/tiny-nc-eval", "cc-by-nc-4.0"),
    ):
        folder = {"model": "models", "dataset": "datasets"}[rec["kind"]]
        bare = rec["id"].removeprefix("datasets/")
        path = registry / folder / f"{bare}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rec, sort_keys=False), encoding="utf-8")
    return shipped_folder("rules"), registry


@pytest.fixture
def world_args(world_dirs: tuple[Path, Path]) -> list[str]:
    rules, registry = world_dirs
    return ["--rules", str(rules), "--registry", str(registry)]


@pytest.fixture
def sft_data(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    rows = [{"instruction": line, "input": "", "output": line[::-1][:20]} for line in CORPUS * 2]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_config(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- an OpenAI-compatible teacher

INSTRUCTIONS = [
    "Summarize the plot of a well known novel in three sentences for a child.",
    "Classify the sentiment of this product review as positive or negative.",
    "Convert the temperature given in Celsius into Fahrenheit and explain each step.",
    "Suggest five creative names for a bakery that specialises in sourdough bread.",
    "Explain why the sky appears blue during a clear afternoon to a curious student.",
    "Rewrite the following formal email so that it sounds friendly and relaxed.",
    "List three pros and three cons of working remotely for a software company.",
    "Detect whether the given sentence contains a grammatical error or not.",
    "Compose a short haiku about autumn leaves falling in a quiet city park.",
    "Give step by step directions for brewing a cup of green tea properly.",
    "Identify the main argument of the paragraph and restate it in one line.",
    "Recommend a weekly exercise plan for a beginner who has thirty minutes daily.",
]


@dataclass
class TeacherServer:
    url: str
    mode: str = "ok"  # ok | garbage | http-error
    requests: list[dict[str, Any]] = field(default_factory=list)
    _cursor: int = 0

    def answer(self, prompt: str) -> str:
        if "Come up with a series of tasks" in prompt:
            chosen = [INSTRUCTIONS[(self._cursor + i) % len(INSTRUCTIONS)] for i in range(3)]
            self._cursor += 3
            first, *rest = chosen
            return first + "\n" + "\n".join(f"Task {i + 5}: {text}" for i, text in enumerate(rest))
        if "Is it classification?" in prompt:
            return "Yes" if ("Classify" in prompt or "Detect" in prompt) else "No"
        if "classification task definition" in prompt:
            return (
                "Example 1\nClass label: positive\nInput: I love it.\nExample 2\nClass label: negative\nInput: Awful."
            )
        if "Come up with examples" in prompt:
            return (
                "Example 1\nInput: some input text\nOutput: a fitting answer\nExample 2\nInput: \nOutput: another one"
            )
        if "Evaluation Form" in prompt:
            return "4"
        return "Read the text.\nCheck its structure.\nAssign a score."


@pytest.fixture
def teacher() -> Iterator[TeacherServer]:
    server_state = TeacherServer(url="")

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            server_state.requests.append(body)
            if server_state.mode == "http-error":
                self._send(500, b'{"error": "overloaded"}')
                return
            if server_state.mode == "garbage":
                self._send(200, b"<html>definitely not json</html>")
                return
            prompt = body["messages"][-1]["content"]
            content = server_state.answer(prompt)
            reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
            self._send(200, json.dumps(reply).encode())

        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_state
    server.shutdown()
    server.server_close()


@pytest.fixture
def seed_tasks(tmp_path: Path) -> Path:
    seeds = [
        {"id": "seed_1", "instruction": "Give three tips for staying healthy during the winter months.",
         "instances": [{"input": "", "output": "Sleep, eat well, move."}], "is_classification": False},
        {"id": "seed_2", "instruction": "Is the following statement about history true or false?",
         "instances": [{"input": "Rome was built in a day.", "output": "False"}], "is_classification": True},
        {"id": "seed_3", "instruction": "Write a polite reply declining an invitation to a wedding.",
         "instances": [{"input": "", "output": "Thank you so much..."}], "is_classification": False},
        {"id": "seed_4", "instruction": "Find the capital city of the country mentioned in the text.",
         "instances": [{"input": "I visited Peru.", "output": "Lima"}], "is_classification": False},
    ]  # fmt: skip
    path = tmp_path / "seed_tasks.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in seeds), encoding="utf-8")
    return path
