"""Text generators a run calls: an OpenAI-compatible HTTP endpoint, or a local transformers model."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from licaudit.plugins.api import ConfigError, InputSpec, RunFailedError


class Generator(Protocol):
    def complete(self, prompt: str, max_tokens: int, temperature: float) -> str: ...


class TeacherError(RunFailedError):
    """The teacher or judge is down or answered with something that is not a completion."""


@dataclass
class HttpGenerator:
    """`POST {endpoint}/chat/completions`, the OpenAI wire format; no retries, a bounded timeout."""

    endpoint: str
    model: str
    timeout: float = 30.0
    api_key_env: str = "OPENAI_API_KEY"
    requests_made: int = 0

    def complete(self, prompt: str, max_tokens: int, temperature: float) -> str:
        import requests

        url = self.endpoint.rstrip("/") + "/chat/completions"
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        body = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        self.requests_made += 1
        try:
            response = requests.post(url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise TeacherError(f"teacher endpoint {url} is unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            raise TeacherError(f"teacher endpoint {url} answered HTTP {response.status_code}: {response.text[:200]!r}")
        try:
            data: Any = response.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise TeacherError(
                f"teacher endpoint {url} did not answer in the chat-completions format: {response.text[:200]!r}"
            ) from error
        if not isinstance(content, str):
            raise TeacherError(f"teacher endpoint {url} returned a non-text completion")
        return content


class LocalGenerator:
    """A local causal LM (transformers), loaded on first use; greedy or sampled decoding."""

    def __init__(self, path: Path, seed: int = 0) -> None:
        self.path = path
        self.seed = seed
        self._model: Any = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
            self._model = AutoModelForCausalLM.from_pretrained(str(self.path))
            self._model.eval()
        return self._model, self._tokenizer

    def complete(self, prompt: str, max_tokens: int, temperature: float) -> str:
        import torch

        model, tokenizer = self._load()
        torch.manual_seed(self.seed)
        inputs = tokenizer(prompt, return_tensors="pt", truncation=True, max_length=512)
        with torch.no_grad():
            output = model.generate(
                **inputs,
                max_new_tokens=max_tokens,
                do_sample=temperature > 0,
                temperature=temperature if temperature > 0 else None,
                pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
            )
        text: str = tokenizer.decode(output[0][inputs["input_ids"].shape[1] :], skip_special_tokens=True)
        return text

    def score_distribution(self, prompt: str, labels: list[str]) -> dict[str, float]:
        """Probability of each label as the next token (G-Eval's probability-weighted score)."""
        import torch

        model, tokenizer = self._load()
        inputs = tokenizer(prompt, return_tensors="pt", truncation=True, max_length=512)
        with torch.no_grad():
            logits = model(**inputs).logits[0, -1]
        ids = [tokenizer.encode(label, add_special_tokens=False)[0] for label in labels]
        probs = torch.softmax(logits[ids], dim=0)
        return {label: float(p) for label, p in zip(labels, probs, strict=True)}


def make_generator(spec: InputSpec, source: Path, key: str, timeout: float, seed: int) -> Generator:
    if spec.endpoint is not None:
        return HttpGenerator(spec.endpoint, spec.model or spec.id or "default", timeout)
    if spec.path is not None:
        return LocalGenerator(spec.path, seed)
    raise ConfigError(source, key, "needs an `endpoint` (OpenAI-compatible API) or a local model `path`")
