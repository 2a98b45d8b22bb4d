"""Training and evaluation configs: the keys each tool uses, templates, short names, outputs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from licaudit.gate.scanner import scan_repository
from licaudit.gate.training_configs import scan_config_text


def refs(text: str, name: str = "recipe.yaml") -> list[tuple[int, str | None, str, str]]:
    found = scan_config_text(textwrap.dedent(text), name)
    return sorted((r.location.line, r.artifact, r.kind.value, r.via) for r in found.references)


def test_alignment_handbook_mixtures_and_mixers() -> None:
    assert refs(
        """\
        model_name_or_path: org/sft
        dataset_mixture:
          datasets:
            - id: org/chat
              config: default
              split: train_sft
        dataset_mixer:
          org/prefs: 1.0
        hub_model_id: me/zephyr-dpo
        output_dir: data/zephyr-dpo
        """
    ) == [
        (1, "org/sft", "model", "config model_name_or_path"),
        (4, "org/chat", "dataset", "config dataset_mixture"),
        (8, "org/prefs", "dataset", "config dataset_mixer"),
    ]
    produced = scan_config_text("model_id: org/x\nhub_model_id: me/zephyr-dpo\n", "r.yaml").produced
    assert [r.artifact for r in produced] == ["me/zephyr-dpo"]


def test_axolotl_paths_and_configuration_names() -> None:
    assert refs(
        """\
        base_model: org/base
        datasets:
          - path: org/data
            name: main
          - path: wikitext
            name: wikitext-103-raw-v1
        """
    ) == [
        (1, "org/base", "model", "axolotl base_model"),
        (3, "org/data", "dataset", "axolotl datasets"),
        (5, "wikitext", "dataset", "axolotl datasets"),
    ]


def test_local_folders_are_never_hub_ids() -> None:
    assert refs("model_name_or_path: models/llama3-8b-pro\nstage: sft\ntemplate: llama3\n") == []


def test_evaluation_tasks_dataset_path_and_includes_of_templates_without_suffix(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks" / "mmlu"
    tasks.mkdir(parents=True)
    (tasks / "_default_template_yaml").write_text("dataset_path: org/mmlu\ntest_split: test\noutput_type: x\n")
    (tasks / "mmlu_anatomy.yaml").write_text('"dataset_name": "anatomy"\n"include": "_default_template_yaml"\n')
    (tasks / "gsm8k.yaml").write_text("task: gsm8k\ndataset_path: gsm8k\ndataset_name: main\n")
    scan = scan_repository(tmp_path)
    assert [(r.location.file, r.location.line, r.artifact, r.via) for r in scan.references] == [
        ("tasks/mmlu/_default_template_yaml", 1, "org/mmlu", "lm-eval dataset_path"),
        ("tasks/mmlu/gsm8k.yaml", 2, "gsm8k", "lm-eval dataset_path"),
        ("tasks/mmlu/mmlu_anatomy.yaml", 2, "org/mmlu", "lm-eval include _default_template_yaml"),
    ]


def test_llama_factory_short_names_through_its_dataset_info(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dataset_info.json").write_text(
        '{"identity": {"file_name": "identity.json"}, "alpaca_zh": {"hf_hub_url": "org/alpaca_zh"}}'
    )
    (tmp_path / "sft.yaml").write_text("model_name_or_path: org/lf\nstage: sft\ndataset: identity,alpaca_zh,mystery\n")
    scan = scan_repository(tmp_path)
    assert [(r.location.line, r.artifact, r.expression) for r in scan.references] == [
        (1, "org/lf", None),
        (3, None, "mystery (no entry in data/dataset_info.json)"),
        (3, "org/alpaca_zh", None),
    ]


def test_workflow_actions_and_images_are_not_artifacts() -> None:
    text = """\
    name: ci
    jobs:
      gate:
        runs-on: ubuntu-latest
        container: nvidia/cuda:12.2.0-runtime-ubuntu22.04
        steps:
          - uses: actions/checkout@v4
          - uses: org/licaudit-action@v1
            with:
              model: org/in-a-step
    """
    assert refs(text, "action.yml") == []


def test_specific_keys_below_the_top_level() -> None:
    text = """\
    my-model:
      prompt_template: "my-model/prompt.txt"
      completions_kwargs:
        model_name: "org/evaluated"
        model_kwargs:
          torch_dtype: bfloat16
      link: "https://huggingface.co/org/evaluated"
    trainer:
      dataset: {split: train}
      output_dir: out/run
    """
    assert refs(text, "configs.yaml") == [
        (4, "org/evaluated", "model", "config my-model.completions_kwargs.model_name")
    ]
