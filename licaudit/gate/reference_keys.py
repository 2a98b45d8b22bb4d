"""The vocabulary of names: which option, field, flag or key names a model or a dataset, which an output,
and which values can be Hub ids at all (not a local folder, an API model name or a path)."""

from __future__ import annotations

import re
from functools import lru_cache

from licaudit.artifact_ref import is_hub_id
from licaudit.gate.references import ReferenceKind

# Option, flag, field and config key names (normalised: no leading dashes, `-` -> `_`, lower case).
MODEL_NAMES = frozenset(
    {"model", "model_name", "model_id", "model_path", "model_name_or_path", "pretrained_model_name_or_path"}
    | {"base_model", "base_model_path", "base_model_name", "base_model_name_or_path", "base_model_id"}
    | {"tokenizer", "tokenizer_name", "tokenizer_id", "tokenizer_path", "tokenizer_name_or_path"}
    | {"model_checkpoint", "checkpoint", "lora_weights", "lora_model", "adapter", "adapter_name_or_path"}
    | {"adapter_model", "peft_model_id", "peft_model", "ref_model", "reward_model", "reward_model_path"}
    | {"teacher_model", "student_model", "embedding_model", "input_model", "generation_model_name_or_path"}
    | {"model_repo", "model_repo_id", "pretrained", "pretrained_model", "judge_model_path"}
)
DATASET_NAMES = frozenset(
    {"dataset", "dataset_name", "dataset_id", "dataset_path", "dataset_id_or_path", "data_path", "dataset_repo"}
    | {"train_dataset", "eval_dataset", "training_dataset", "dataset_repo_id", "train_dataset_name"}
    | {"dataset_mixture", "dataset_mixer", "datasets"}
)
# A name that ends like these names an artifact too (`default_model`, `draft_model_id`, `eval_dataset_name`).
_MODEL_SUFFIXES = ("_model", "_model_id", "_model_name", "_model_path", "_model_name_or_path", "_tokenizer")
_DATASET_SUFFIXES = ("_dataset", "_dataset_name", "_dataset_id", "_dataset_path")
# ... unless it says it is an output, a setting about the model, or a local file.
_NOT_ARTIFACT = re.compile(
    r"(^|_)(output|out|save|saved|push|hub_model_id|upload|export|dir|type|dtype|class|arch|max|min|kwargs|"
    r"revision|config|template|format|file|files|num|size|len|length|split|splits|column|columns|seed|cache|key)($|_)"
)
OUTPUT_NAMES = frozenset(
    {"output_dir", "hub_model_id", "push_to_hub_model_id", "push_dataset_to_hub", "export_hub_model_id"}
    | {"save_directory", "repository_id", "hub_repo_id", "push_to_hub_repo", "output_model", "output_path"}
)
# Output names whose value, when Hub-shaped, is a repository the code publishes to (reported as `produces`).
HUB_OUTPUT_NAMES = frozenset(
    {"hub_model_id", "push_to_hub_model_id", "push_dataset_to_hub", "export_hub_model_id", "hub_repo_id"}
    | {"push_to_hub_repo", "repository_id"}
)

# First path parts that name a local folder, never a Hub owner (`models/llama3-8b-pro`, `saves/qwen/sft`).
LOCAL_FOLDERS = frozenset(
    {"models", "model", "saves", "save", "outputs", "output", "checkpoints", "checkpoint", "ckpt", "ckpts"}
    | {"runs", "results", "data", "tmp", "temp", "logs", "weights", "exp", "experiments", "work_dirs", "artifacts"}
)
# Names of models served by APIs (OpenAI, Anthropic, Google); a bare name only: `org/x` is a Hub id.
_API_MODEL = re.compile(
    r"^(gpt-(3|3\.5|4|4o|4\.1|5)([-.].*)?|chatgpt.*|o[1-9](-.*)?|text-(davinci|curie|babbage|ada|embedding)-.*|"
    r"davinci(-.*)?|code-davinci-.*|claude(-.*)?|gemini-.*|palm-.*|command(-.*)?|dall-e-.*|whisper-1|tts-1.*)$",
    re.IGNORECASE,
)


_API_OWNERS = frozenset({"openai", "anthropic", "google", "azure", "vertex_ai", "bedrock"})
# A bare value that stands for "put your model here" (`Model_Path`, `your-model`, `<model>`), not an id.
_PLACEHOLDER = re.compile(r"(?i)path|^your[-_]|^my[-_]model|placeholder|^xxx|^todo$|^(model|model_name|checkpoint)$")


def normalise_name(name: str) -> str:
    return name.lstrip("-").replace("-", "_").lower()


def kind_of_name(name: str) -> ReferenceKind | None:
    """The artifact an option/field/flag/key name refers to, or None when it names something else."""
    key = normalise_name(name)
    if key in MODEL_NAMES:
        return ReferenceKind.MODEL
    if key in DATASET_NAMES:
        return ReferenceKind.DATASET
    if _NOT_ARTIFACT.search(key):
        return None
    if key.endswith(_MODEL_SUFFIXES):
        return ReferenceKind.MODEL
    if key.endswith(_DATASET_SUFFIXES):
        return ReferenceKind.DATASET
    return None


def names_bare_ids(name: str) -> bool:
    """A name so specific that a bare value under it (`gpt2`) is a Hub id: `--model_name_or_path gpt2`.
    Under `--model`, `--model-id` or `model_name` a bare value is as often a backend, an API model or a
    display name (`--model hf`, `--model-id vicuna-7b`), so only `org/name` values count there."""
    key = normalise_name(name)
    return "path" in key or "checkpoint" in key or "pretrained" in key or key in ("base_model", "tokenizer_name")


def is_output_name(name: str) -> bool:
    key = normalise_name(name)
    return key in OUTPUT_NAMES or key.startswith(("output_", "save_", "push_"))


@lru_cache(maxsize=65_536)  # a repository names the same few ids in hundreds of places
def hub_value(text: str, kind: ReferenceKind, bare: bool) -> str | None:
    """`text` as a Hub id, or None when it cannot be one here.

    A bare name (`gpt2`, `squad`) is taken only where the caller is sure an artifact is named (`bare`),
    and for a dataset only from a loader call: a trainer's short dataset names are not Hub ids.
    `org/model@revision` and FastChat's `model@host@port` give the id before the `@`.
    """
    value = text.strip()
    if "@" in value and "/" in value.split("@", 1)[0]:
        value = value.split("@", 1)[0]
    if not value or not is_hub_id(value):
        return None
    if "/" in value:
        owner, name = value.split("/", 1)
        if owner.lower() in LOCAL_FOLDERS or owner in (".", ".."):
            return None
        if owner.lower() in _API_OWNERS and _API_MODEL.match(name):
            return None  # `openai/gpt-4o` in litellm style names an API model (`openai/whisper-large-v3` is on the Hub)
        return value
    if not bare or value.lower() in ("none", "null", "true", "false") or value.replace(".", "").isdigit():
        return None
    if _API_MODEL.match(value) or _PLACEHOLDER.search(value):
        return None
    return value
