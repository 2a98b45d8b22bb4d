"""Python code: each pattern a real repository uses to name what it loads, and what is never an input."""

from __future__ import annotations

import textwrap

from licaudit.gate.scanner import read_python_source


def uses(source: str) -> list[tuple[int, str | None, str, str]]:
    found = read_python_source(textwrap.dedent(source), "x.py")
    assert found.skipped is None
    return sorted((r.location.line, r.artifact, r.kind.value, r.via) for r in found.references)


def artifacts(source: str) -> list[str | None]:
    return sorted({artifact for _, artifact, _, _ in uses(source)}, key=str)


def produced(source: str) -> list[str | None]:
    return sorted(r.artifact for r in read_python_source(textwrap.dedent(source), "x.py").produced)


def test_argparse_and_click_defaults_name_what_the_script_loads() -> None:
    found = uses(
        """\
        import argparse, click
        parser = argparse.ArgumentParser()
        parser.add_argument("--model-path", type=str, default="org/served-model")
        parser.add_argument("--dataset_name", default="org/eval-data", help="what to evaluate on")
        parser.add_argument("--judge-model", default="gpt-4")
        parser.add_argument("--model", default="display-name")

        @click.command()
        @click.option("--input-model", default="org/base")
        def train(input_model): ...
        """
    )
    assert found == [
        (3, "org/served-model", "model", "add_argument --model-path"),
        (4, "org/eval-data", "dataset", "add_argument --dataset_name"),
        (9, "org/base", "model", "option --input-model"),
    ]


def test_dataclass_fields_read_by_hf_argument_parser() -> None:
    found = uses(
        """\
        from dataclasses import dataclass, field

        @dataclass
        class ModelArguments:
            model_name_or_path: str = field(default="facebook/opt-125m")
            tokenizer_name_or_path: str = "gpt2"
            dataset: str = field(default="alpaca")  # the script's own short name: not a Hub id
            output_dir: str = "./out"
        """
    )
    assert found == [
        (5, "facebook/opt-125m", "model", "field model_name_or_path"),
        (6, "gpt2", "model", "field tokenizer_name_or_path"),
    ]


def test_entry_point_parameter_defaults_flow_into_the_loader() -> None:
    found = uses(
        """\
        from datasets import load_dataset

        def train(base_model: str = "", data_path: str = "org/instruct-data", lora_weights="org/adapter"):
            if data_path.endswith(".json"):
                data = load_dataset("json", data_files=data_path)
            else:
                data = load_dataset(data_path)
            model = PeftModel.from_pretrained(base, lora_weights)
        """
    )
    assert (7, "org/instruct-data", "dataset", "load_dataset") in found
    assert (8, "org/adapter", "model", "PeftModel.from_pretrained") in found
    assert all(artifact != "" for _, artifact, _, _ in found)


def test_a_parameter_default_overwritten_before_use_is_not_a_use() -> None:
    assert artifacts(
        """\
            def serve(model_path="org/never-loaded"):
                model_path = "org/loaded"
                return AutoModel.from_pretrained(model_path)
            """
    ) == ["org/loaded"]


def test_or_defaults_environment_defaults_and_ternaries_on_constants() -> None:
    found = artifacts(
        """\
        import os
        squad_v2 = False
        a = AutoModel.from_pretrained(args.model or "org/fallback")
        b = AutoModel.from_pretrained(os.environ.get("MODEL", "org/env-default"))
        c = load_dataset("squad_v2" if squad_v2 else "squad")
        """
    )
    assert found == ["org/env-default", "org/fallback", "squad"]


def test_names_assigned_earlier_in_the_function_and_reassigned_later() -> None:
    found = uses(
        """\
        def main():
            model_id = "org/first"
            tok = AutoTokenizer.from_pretrained(model_id)
            model_id = "org/second"
            model = AutoModel.from_pretrained(model_id)
        """
    )
    assert [(line, artifact) for line, artifact, _, _ in found] == [(3, "org/first"), (5, "org/second")]


def test_dict_values_and_short_name_maps_reach_the_loader() -> None:
    found = artifacts(
        """\
        DATASETS = {"alpaca": "org/alpaca-data", "dolly": "org/dolly-data"}

        def download(dataset_info):
            for name, info in dataset_info.items():
                load_dataset(info["path"], split=info["split"])

        def by_name(name):
            return load_dataset(DATASETS[name])

        if __name__ == "__main__":
            download({"Memes": {"path": "org/memes", "split": "train"}})
        """
    )
    assert found == ["org/alpaca-data", "org/dolly-data", "org/memes"]


def test_loops_over_literal_lists_expand_templates_and_command_strings() -> None:
    found = uses(
        """\
        import os
        for size in ["7b", "13b"]:
            AutoModel.from_pretrained(f"meta-llama/Llama-2-{size}-hf")

        models = [("org/chat", "model_worker"), ("org/vision", "sglang_worker")]
        for i, (model_path, worker) in enumerate(models):
            os.system(f"python -m serve.{worker} --model-path {model_path} --port {4000 + i}")
        """
    )
    assert [(line, artifact) for line, artifact, _, _ in found] == [
        (3, "meta-llama/Llama-2-13b-hf"),
        (3, "meta-llama/Llama-2-7b-hf"),
        (7, "org/chat"),
        (7, "org/vision"),
    ]
    assert found[-1][3] == "command --model-path"


def test_templates_over_run_time_values_are_kept_with_their_pattern() -> None:
    found = read_python_source(
        textwrap.dedent(
            """\
            def load(size, name):
                a = AutoModel.from_pretrained("org/llama-{}-hf".format(size))
                b = AutoModel.from_pretrained(f"org/{name}")
            """
        ),
        "x.py",
    ).references
    assert [(r.location.line, r.artifact, r.template) for r in sorted(found)] == [
        (2, None, "org/llama-{}-hf"),
        (3, None, "org/{}"),
    ]


def test_outputs_are_produced_never_used() -> None:
    source = """\
        model = AutoModel.from_pretrained("org/base")
        args = TrainingArguments(output_dir="my-finetune", hub_model_id="me/my-finetune")
        model.push_to_hub("me/pushed")
        dataset.push_to_hub("me/pushed-data")
        """
    assert artifacts(source) == ["org/base"]
    assert produced(source) == ["me/my-finetune", "me/pushed", "me/pushed-data"]


def test_docstrings_comments_messages_help_and_api_names_are_not_inputs() -> None:
    found = artifacts(
        '''\
        """Usage: python train.py --model_name_or_path org/from-docstring"""
        import openai
        # AutoModel.from_pretrained("org/from-comment")
        assert base_model, "Please specify --base_model, e.g. --base_model='org/from-assert'"
        print("run with --model-path org/from-print")
        parser.add_argument("--x", help="e.g. --model_name_or_path org/from-help")
        client = openai.OpenAI().chat.completions.create(model="gpt-4o")
        answer = litellm.completion(model="openai/gpt-4o-mini", messages=[])
        image = "nvidia/cuda:12.1"
        url = "https://huggingface.co/org/from-url"
        k = AutoModel.from_pretrained("models/llama3-8b-pro")
        '''
    )
    assert found == []


def test_literal_ids_given_to_names_that_say_model_or_dataset() -> None:
    found = uses(
        """\
        default_model = "org/default"
        dataset_mixture = {"datasets": [{"id": "org/mix-a", "weight": 0.5}, {"id": "org/mix-b"}]}
        cfg = DictDefault(base_model="org/cfg-base", datasets=[{"path": "org/cfg-data"}])
        model_id = "org/loaded"
        model = AutoModel.from_pretrained(model_id)
        """
    )
    assert found == [
        (1, "org/default", "model", "assignment default_model"),
        (2, "org/mix-a", "dataset", "assignment dataset_mixture"),
        (2, "org/mix-b", "dataset", "assignment dataset_mixture"),
        (3, "org/cfg-base", "model", "DictDefault base_model"),
        (3, "org/cfg-data", "dataset", "DictDefault datasets"),
        (5, "org/loaded", "model", "AutoModel.from_pretrained"),  # at the loader alone
    ]


def test_hub_models_of_api_vendors_are_still_hub_models() -> None:
    assert artifacts('m = pipeline("automatic-speech-recognition", model="openai/whisper-large-v3")\n') == [
        "openai/whisper-large-v3"
    ]


def test_vllm_and_trainer_model_strings() -> None:
    assert artifacts('llm = LLM(model="org/served", revision="abc")\nt = GRPOTrainer(model="org/policy")\n') == [
        "org/policy",
        "org/served",
    ]


def test_placeholders_are_not_ids() -> None:
    assert (
        artifacts(
            """\
            def main(base_model: str = "Model_Path", tokenizer_path: str = "your-tokenizer"):
                return AutoModel.from_pretrained(base_model), AutoTokenizer.from_pretrained(tokenizer_path)
            """
        )
        == []
    )


def test_hf_paths_name_the_repository_they_read() -> None:
    found = uses(
        """\
        data = load_dataset(
            "parquet",
            data_files={"train": f"hf://datasets/org/raft@refs/convert/parquet/{name}/train/0000.parquet"},
        )
        frame = pd.read_parquet("hf://datasets/org/table/data.parquet")
        space = "hf://spaces/org/demo/app.py"
        """
    )
    assert [(line, artifact, kind) for line, artifact, kind, _ in found] == [
        (3, "org/raft", "dataset"),
        (5, "org/table", "dataset"),
    ]


def test_values_kept_on_self_or_cls_reach_a_loader_in_another_method() -> None:
    found = read_python_source(
        textwrap.dedent(
            """\
        class DataTest:
            @classmethod
            def setUpClass(cls):
                cls.dataset_name = "org/zen"
                cls.ref = load_dataset(cls.dataset_name, "config")

            def setUp(self):
                self.model_path = "org/tiny"

            def test_load(self):
                return AutoModel.from_pretrained(self.model_path), AutoModel.from_pretrained(self.other)
        """
        ),
        "x.py",
    ).references
    assert sorted((r.artifact or "", r.expression or "") for r in found) == [
        ("", "self.other"),  # assigned nowhere in the file: known only at run time
        ("org/tiny", ""),
        ("org/zen", ""),
    ]


def test_an_option_default_reaches_the_loader_whatever_the_option_is_called() -> None:
    """`--base` names no artifact, but `args.base` goes to `from_pretrained`: the default is a use."""
    found = uses(
        """\
        import argparse
        from transformers import AutoModelForCausalLM
        parser = argparse.ArgumentParser()
        parser.add_argument("--base", default="huggyllama/llama-7b")
        parser.add_argument("--seed", default=42)
        opts = parser.parse_args()
        model = AutoModelForCausalLM.from_pretrained(opts.base)
        """
    )
    assert [(artifact, kind) for _, artifact, kind, _ in found] == [("huggyllama/llama-7b", "model")]
