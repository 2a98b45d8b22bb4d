"""Fuzzing the parsers that read untrusted text: none may raise, whatever it is fed.

Targets (each fed --examples generated inputs by hypothesis, then --runs byte strings mutated by
atheris when it is installed; `pip install atheris` works from PyPI on Linux x86-64):
  card          parse_card(bytes): a card is anyone's text
  front-matter  split_front_matter(text) agrees with the `_FRONT_MATTER` pattern that defines it
  scanner       scan_repository on one file named .py, .yaml, .json, .ipynb or .sh (whatever
                suffixes the scanner reads today are exercised; the others must be skipped quietly)
  license       LicenseNormaliser.normalise, CatalogIdentifier.lookup_name / identify_text and
                the rendering of the expression they give, over the shipped catalog
A failure prints the target, the input (repr) and the traceback, and the script exits 1; every
input that ever failed belongs in a regression test (tests/fuzz_regressions/ or beside the unit).
Not part of the unit suite: run `python benchmarks/fuzz_parsers.py [--examples 100000]`.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGETS = ("card", "front-matter", "scanner", "license")
# Every kind of file the repository scanner reads (and some it must skip quietly).
SCANNED_NAMES = (
    "train.py", "config.yaml", "config.json", "notebook.ipynb", "run.sh", "Makefile", "Dockerfile",
    "docker-compose.yml", "task.yaml",
)  # fmt: skip

# Pieces a hostile or careless card author writes: YAML 1.1 oddities, anchors, tags, flow
# collections, block scalars, control characters, BOMs, CRLF, very long tokens.
_YAML_WORDS = [
    "license", "license_name", "license_link", "base_model", "base_model_relation", "datasets",
    "source_datasets", "annotations_creators", "tags", "library_name", "pipeline_tag", "model-index",
    "no", "yes", "on", "off", "~", "null", "true", "1e3", "0x1F", "0o17", "1_000", ".inf", "-.nan",
    "2024-01-01", "12:30:00", "&a", "*a", "<<", "!!str", "!!binary", "!!python/object:os.system",
    "!foo", "?", "|", ">-", "[", "]", "{", "}", ",", ":", "- ", "#", "'", '"', "\\", "%YAML 1.1",
    "---", "...", "\t", "\r\n", "\n", "\ufeff", "\x00", "\x1b[31m", "\u202e", "𝔘", "é",
    "apache-2.0", "mit", "cc-by-nc-4.0", "other", "llama2", "MIT AND (GPL-2.0 OR Apache-2.0)",
    "GPL-2.0-only WITH Classpath-exception-2.0", "meta-llama/Llama-2-7b-hf", "datasets/x/y",
    "https://example.org/LICENSE", "../../etc/passwd", "a" * 300,
]  # fmt: skip
_CODE_WORDS = [
    "from_pretrained", "AutoModel.from_pretrained(", "load_dataset(", "pipeline(", "hf_hub_download(",
    "snapshot_download(", "SentenceTransformer(", "Trainer(", "repo_id=", "model=", "f'", 'f"', "{",
    "}", "(", ")", "+", "'org/model'", '"org/data"', "NAME", "NAME = ", "import ", "def f(x):",
    "\n    ", "\n", "#", "\\", "\x00", "lambda", "*", "**", "[", "]", ":", ",", "\"\"\"", "--model_name_or_path",
    "--base_model", "--data_path", "${VAR:-org/model}", "$(", "`", "python train.py ", "export X=",
    "model_name_or_path: ", "base_model: ", "datasets:\n  - path: ", "dataset_path: ", "include: ",
    '{"cells": [', '{"cell_type": "code", "source": [', '"metadata": {}', "]}", '"outputs": []',
]  # fmt: skip


def _strategies() -> dict[str, object]:
    from hypothesis import strategies as st

    word = st.sampled_from(_YAML_WORDS)
    line = st.lists(st.one_of(word, st.text(max_size=12)), max_size=8).map(" ".join)
    indent = st.sampled_from(["", " ", "  ", "    ", "\t", "- ", "  - "])
    yaml_text = st.lists(st.tuples(indent, line), max_size=20).map(lambda ls: "\n".join(i + t for i, t in ls))
    opening = st.sampled_from(["---\n", "---\r\n", "\ufeff---\n", "--- \n", "---", "", "----\n", "\n---\n"])
    closing = st.sampled_from(["\n---\n", "\r\n---\r\n", "\n---", "\n--- \t\n", "\n...\n", "", "\n----\n"])
    card_text = st.tuples(opening, yaml_text, closing, st.text(max_size=60)).map("".join)
    card = st.one_of(
        card_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=400),
        st.tuples(card_text, st.binary(max_size=20)).map(lambda p: p[0].encode("utf-8", "surrogatepass") + p[1]),
    )
    code = st.lists(st.one_of(st.sampled_from(_CODE_WORDS), st.text(max_size=10)), max_size=30).map("".join)
    scanned = st.tuples(
        st.sampled_from(SCANNED_NAMES),
        st.one_of(code, yaml_text, card_text),
    )
    scalar = st.one_of(
        st.sampled_from(_YAML_WORDS), st.text(max_size=40), st.integers(), st.booleans(), st.none(), st.floats()
    )
    license_value = st.one_of(scalar, st.lists(scalar, max_size=5), st.lists(st.lists(scalar, max_size=3), max_size=3))
    return {"card": card, "front-matter": card_text, "scanner": scanned, "license": license_value}


def _checks() -> dict[str, Callable[[object], None]]:
    """Each target as a function of one generated input; a raise is a finding of the fuzzer."""
    from licaudit.gate.scanner import scan_repository
    from licaudit.knowledge import load_knowledge
    from licaudit.sources.cards.metadata import _FRONT_MATTER, parse_card, split_front_matter
    from licaudit.terms.expressions import LicenseNormaliser, render
    from licaudit.terms.identify import CatalogIdentifier

    knowledge = load_knowledge()
    normaliser = LicenseNormaliser(knowledge.catalog)
    identifier = CatalogIdentifier(knowledge.catalog)
    folder = Path(tempfile.mkdtemp(prefix="licaudit-fuzz-"))  # one file, rewritten per input
    atexit.register(shutil.rmtree, folder, True)

    def card(data: object) -> None:
        assert isinstance(data, bytes)
        parsed = parse_card(data)
        assert isinstance(parsed.license, tuple) and all(isinstance(x, str) for x in parsed.license)
        assert all(isinstance(x, str) for x in (*parsed.base_model, *parsed.datasets, *parsed.errors))

    def front_matter(text: object) -> None:
        assert isinstance(text, str)
        defined = _FRONT_MATTER.match(text)
        found = split_front_matter(text)
        expected = None if defined is None else (defined.group(1), text[defined.end() :])
        assert found == expected, (found, expected)

    def scanner(job: object) -> None:
        name, text = job  # type: ignore[misc]
        for old in folder.iterdir():
            old.unlink()
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        scan = scan_repository(folder)
        assert scan.files_scanned <= 1 if hasattr(scan, "files_scanned") else True

    def license_(value: object) -> None:
        expr = normaliser.normalise(value)
        render(expr)
        if isinstance(value, str):
            identifier.lookup_name(value)
            identifier.identify_text(value)

    return {"card": card, "front-matter": front_matter, "scanner": scanner, "license": license_}


def run_hypothesis(target: str, examples: int, seed: int) -> tuple[int, float, str | None]:
    """(inputs tried, seconds, failure or None) for one target."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    check = _checks()[target]
    strategy = _strategies()[target]
    tried = 0

    @fixed_seed(seed)
    @settings(
        max_examples=examples, database=None, deadline=None, phases=[Phase.generate], derandomize=False,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(strategy)  # type: ignore[arg-type]
    def fuzz(value: object) -> None:
        nonlocal tried
        tried += 1
        try:
            check(value)
        except Exception:
            raise AssertionError(f"{target} failed on {value!r}\n{traceback.format_exc()}") from None

    started = time.perf_counter()
    try:
        fuzz()
    except AssertionError as error:
        return tried, time.perf_counter() - started, str(error)
    return tried, time.perf_counter() - started, None


def run_atheris(target: str, runs: int) -> None:
    """Runs in its own process (atheris.Fuzz never returns); prints one JSON line at the end."""
    import atheris

    with atheris.instrument_imports(include=["licaudit"]):
        checks = _checks()
    check = checks[target]
    tried = 0
    failures: set[str] = set()
    started = time.perf_counter()

    def one(data: bytes) -> None:
        nonlocal tried
        tried += 1
        provider = atheris.FuzzedDataProvider(data)
        value: object
        if target == "card":
            value = data
        elif target == "front-matter":
            value = provider.ConsumeUnicodeNoSurrogates(len(data))
        elif target == "scanner":
            name = SCANNED_NAMES[provider.ConsumeIntInRange(0, len(SCANNED_NAMES) - 1)]
            value = (name, provider.ConsumeUnicodeNoSurrogates(len(data)))
        else:
            value = provider.ConsumeUnicodeNoSurrogates(len(data))
        try:
            check(value)
        except Exception as error:  # recorded once per place it is raised; the run goes on
            where = traceback.extract_tb(error.__traceback__)[-1]
            key = f"{type(error).__name__} at {where.filename}:{where.lineno}"
            if key not in failures:
                failures.add(key)
                record = {"target": target, "input": repr(value), "error": traceback.format_exc()}
                sys.stdout.write(json.dumps(record) + "\n")
                sys.stdout.flush()
        if tried >= runs:
            elapsed = time.perf_counter() - started
            sys.stdout.write(
                json.dumps({"target": target, "runs": tried, "seconds": elapsed, "failed": len(failures)}) + "\n"
            )
            sys.stdout.flush()
            os._exit(0)

    seeds = Path(tempfile.mkdtemp(prefix="licaudit-fuzz-seeds-"))
    atexit.register(shutil.rmtree, seeds, True)
    for number, seed in enumerate(_SEED_CARDS):
        (seeds / f"seed{number}").write_bytes(seed.encode("utf-8"))
    dictionary = seeds / "tokens.dict"
    dictionary.write_text("".join(f'"{_dict_escape(word)}"\n' for word in {*_YAML_WORDS, *_CODE_WORDS}))
    argv = [sys.argv[0], "-max_len=2048", f"-runs={runs + 10}", f"-dict={dictionary}", "-print_final_stats=0"]
    atheris.Setup([*argv, str(seeds)], one)
    atheris.Fuzz()


def _dict_escape(word: str) -> str:
    """A libFuzzer dictionary entry: printable ASCII as is, every other byte as \\xNN."""
    return "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in word.encode())


_SEED_CARDS = [
    "---\nlicense: apache-2.0\nbase_model: org/base\ndatasets:\n- org/data\n---\n# Model\n",
    "---\nlicense: [mit, cc-by-4.0]\nbase_model:\n  - a/b\n  - c/d\nbase_model_relation: merge\n---\n",
    "---\r\nlicense: other\r\nlicense_name: llama2\r\nlicense_link: LICENSE\r\n---\r\nbody",
    "\ufeff---\nlicense: &x no\ntags: [*x, 'license:mit']\nmodel-index:\n- name: m\n  results: []\n---\n",
    "from transformers import AutoModel\nNAME = 'org/model'\nm = AutoModel.from_pretrained(NAME + '-x')\n",
    "base_model: org/model\ndatasets:\n  - path: org/data\n    type: alpaca\n",
    '{"cells": [{"cell_type": "code", "source": ["load_dataset(\'org/data\')\\n"]}]}',
    "python train.py --model_name_or_path org/model --data_path ${DATA:-org/data}\n",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=TARGETS, action="append", help="Fuzz only these (repeatable).")
    parser.add_argument("--examples", type=int, default=10_000, help="hypothesis inputs per target (about 1-7 ms each)")
    parser.add_argument("--runs", type=int, default=100_000, help="atheris inputs per target (0: skip)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--atheris-child", choices=TARGETS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.atheris_child:
        run_atheris(args.atheris_child, args.runs)
        return 0
    failed = False
    for target in args.target or TARGETS:
        if args.examples:
            tried, seconds, failure = run_hypothesis(target, args.examples, args.seed)
            print(f"hypothesis {target:13} {tried:>9,} inputs {seconds:8.1f} s  {'FAILED' if failure else 'ok'}")
            if failure:
                failed = True
                print(failure)
        if args.runs:
            failed = _atheris_in_child(target, args.runs) or failed
    return 1 if failed else 0


def _atheris_in_child(target: str, runs: int) -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        print(f"atheris     {target:13} not installed (pip install atheris); skipped")
        return False
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--atheris-child", target, "--runs", str(runs)],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    done = next((line for line in lines if "runs" in line), None)
    if child.returncode == 0 and done is not None and not done["failed"]:
        print(f"atheris     {target:13} {done['runs']:>9,} inputs {seconds:8.1f} s  ok")
        return False
    count = f"{done['runs']:>9,} inputs" if done is not None else f"(exit {child.returncode})"
    print(f"atheris     {target:13} {count} {seconds:8.1f} s  FAILED")
    for line in lines:
        if "error" in line:
            print(line["input"][:2000])
            print(line["error"])
    if not lines:
        print(child.stderr[-4000:])
    return True


if __name__ == "__main__":
    sys.exit(main())
