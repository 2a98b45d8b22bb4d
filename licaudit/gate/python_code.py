"""Python code read (with `ast`, never regex) for the models and datasets it loads and publishes.

What is found: the loaders of transformers, datasets, huggingface_hub, sentence-transformers, peft and
vLLM, with the values that flow into them inside the file (constants, local names assigned before the
call, parameter defaults, loop variables over literal lists, dict values, `x or "org/model"`,
`os.environ.get(..., "org/model")`); the defaults of options and fields that name an artifact (argparse,
click, typer, dataclasses read by `HfArgumentParser`); literal `org/name` values assigned to names that
say so (`model_id = "org/model"`); command lines held in strings (`f"... --model-path {path}"`). Names
imported from another module of the repository are returned as `PendingName`s for the scanner to resolve.
Push destinations and output folders are recorded apart: a reference to them is an output, not a use.
A name built from parts known only at run time is kept as a template reference.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from licaudit.artifact_ref import is_hub_id
from licaudit.gate.reference_keys import (
    HUB_OUTPUT_NAMES,
    hub_value,
    is_output_name,
    kind_of_name,
    names_bare_ids,
    normalise_name,
)
from licaudit.gate.references import FileScan, PendingName, Reference, ReferenceKind
from licaudit.locations import Location

# `load_dataset("json", data_files=...)` and friends load local files, not a Hub dataset.
BUILDER_NAMES = frozenset({"json", "csv", "parquet", "text", "arrow", "imagefolder", "audiofolder", "pandas", "sql"})
MAX_VALUES = 64  # the most values one expression may stand for (loops over lists, branches)

_LOADER_WORDS: tuple[str, ...] = (
    "from_pretrained",
    "pipeline",
    "load_dataset",
    "hf_hub_download",
    "snapshot_download",
    "SentenceTransformer",
    "CrossEncoder",
    "Trainer",
    "LLM(",
)
_OTHER_WORDS: tuple[str, ...] = (
    "add_argument",
    "option(",
    "Option(",
    "field(",
    "push_to_hub",
    "save_pretrained",
    "output_dir",
)
_OTHER_WORDS += ("hub_model_id", "create_repo", "upload_", "--", "hf://")
# A line that assigns or declares a name that may name an artifact.
# Matched against the lower-cased text: one pass, no case-insensitive alternatives.
_NAMED_VALUE = r"(?:model|dataset|tokenizer|checkpoint|data_path|lora_weights|adapter|pretrained)\w*\s*[:=]"
_TRIGGER = re.compile("|".join(re.escape(w.lower()) for w in (*_LOADER_WORDS, *_OTHER_WORDS)) + "|" + _NAMED_VALUE)
_HF_PATH = re.compile(r"hf://(datasets/|spaces/)?([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)")
_COMMAND_FLAG = re.compile(r"--(model|base|data|tokenizer|lora|adapter|peft|checkpoint|pretrained)", re.IGNORECASE)
_MESSAGE_CALLS = frozenset({"print", "echo", "secho", "warn", "warning", "info", "debug", "error", "exception"})
_MESSAGE_CALLS |= frozenset({"critical", "log", "fatal", "write"})
_MESSAGE_KEYWORDS = frozenset({"help", "description", "epilog", "usage", "metadata", "msg", "message"})
_RUN_TIME = "{}"  # the placeholder of an unknown part in a template


@dataclass(frozen=True)
class ImportedName:
    """A value bound by `from module import name` (or `module.name`): known once the other file is read."""

    module: str
    name: str
    level: int = 0


Value = str | ImportedName


class Unresolved(Exception):
    """The value is known only at run time; `template` is its pattern when some parts are literal."""

    def __init__(self, template: str | None = None) -> None:
        super().__init__(template)
        self.template = template


@dataclass
class _Binding:
    line: int
    kind: str  # value | param | import | module | for | unknown
    node: ast.expr | None = None  # the value, default or iterable expression
    scope: _Scope | None = None  # where `node` is evaluated
    path: tuple[int, ...] = ()  # for `for (a, b) in ...`: where in each item the name sits
    branch: int | None = None  # id of the innermost `if` holding the binding
    module: str = ""
    name: str = ""
    level: int = 0


@dataclass
class _Scope:
    node: ast.AST
    parent: _Scope | None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    indexed: bool = False

    @property
    def is_function(self) -> bool:
        return isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef))


Locate = Callable[[int, int], Location]


class PythonReader:
    """Reads one parsed module. `locate` maps a (line, 0-based column) of the parsed text to a Location."""

    def __init__(self, relative: str, text: str, tree: ast.Module, locate: Locate | None = None) -> None:
        self.relative = relative
        self.text = text
        self.tree = tree
        self.lines = text.splitlines()
        self.locate = locate or self._locate
        self.module_scope = _Scope(tree, None)
        self.found = FileScan()
        self._loads: dict[str, list[int]] | None = None
        self._dict_values: dict[str, list[ast.expr]] | None = None
        self._attributes: dict[str, list[ast.expr]] | None = None
        self._options: dict[str, list[ast.expr]] | None = None
        self._seen: set[tuple[Location, str | None, str]] = set()

    # --- the walk ---------------------------------------------------------------------------

    def scan(self) -> FileScan:
        candidates = _candidate_lines(self.text)
        self.found.exports = self._exports()
        if not candidates:
            return self.found
        stack: list[tuple[ast.AST, _Scope, bool]] = [(self.tree, self.module_scope, False)]
        while stack:
            node, scope, message = stack.pop()
            child_scope = scope
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                child_scope = _Scope(node, scope)
                self._parameters(node, scope, child_scope)
            elif isinstance(node, ast.ClassDef):
                self._class_fields(node, scope)
            elif isinstance(node, ast.Call):
                self._call(node, scope, message)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                self._assignment(node, scope)
            elif (
                isinstance(node, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple))
                and not message
                and self._command(node, scope)
            ):
                continue  # a command line: read whole by the shell reader
            if isinstance(node, (ast.Constant, ast.JoinedStr)):
                if not message:
                    self._hub_paths(node)
                continue  # nothing below a string worth a walk
            for child, child_message in _children(node, message):
                if isinstance(child, _NOTHING_BELOW) or (
                    isinstance(child, ast.Constant)
                    and not (isinstance(child.value, str) and ("--" in child.value or "hf://" in child.value))
                ):
                    continue  # a name or a constant without a flag: nothing to find in or below it
                start = getattr(child, "lineno", None)
                if isinstance(child, _DECORATED) and child.decorator_list:
                    start = min(child.lineno, *(d.lineno for d in child.decorator_list))
                if start is not None:
                    end = getattr(child, "end_lineno", None) or start
                    index = bisect.bisect_left(candidates, start)
                    if index == len(candidates) or candidates[index] > end:
                        continue
                stack.append((child, child_scope, child_message))
        # `MODEL = "org/model"` reaching a loader in this file is reported at the loader alone.
        loaded = {r.artifact for r in self.found.references if not r.via.startswith("assignment ")}
        self.found.references = [
            r for r in self.found.references if not (r.via.startswith("assignment ") and r.artifact in loaded)
        ]
        return self.found

    def _locate(self, line: int, column: int) -> Location:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Location(self.relative, line, len(text.encode("utf-8")[:column].decode("utf-8", errors="replace")) + 1)

    def _at(self, node: ast.AST) -> Location:
        return self.locate(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def _add(self, reference: Reference) -> None:
        key = (reference.location, reference.artifact, reference.kind.value)
        if key not in self._seen:
            self._seen.add(key)
            self.found.references.append(reference)

    def _exports(self) -> dict[str, str]:
        exports: dict[str, str] = {}
        for node in self.tree.body:
            target, value = _single_target(node)
            text = value.value if isinstance(value, ast.Constant) else None
            if target is not None and isinstance(text, str) and "/" in text and is_hub_id(text):
                exports[target] = text
        return exports

    # --- loaders and outputs ----------------------------------------------------------------

    def _call(self, node: ast.Call, scope: _Scope, message: bool) -> None:
        name, receiver = _callee(node.func)
        via = f"{receiver}.{name}" if receiver else name
        if name == "from_pretrained":
            if receiver == "PeftModel" or receiver.startswith("PeftModelFor"):
                self._take(node, scope, via, ReferenceKind.MODEL, 1, "model_id")  # arg 0 is the base model object
            else:
                self._take(node, scope, via, ReferenceKind.MODEL, 0, "pretrained_model_name_or_path")
        elif name == "pipeline":
            self._take(node, scope, via, ReferenceKind.MODEL, 1, "model", optional=True)
        elif name == "load_dataset":
            self._take(node, scope, via, ReferenceKind.DATASET, 0, "path")
        elif name in ("hf_hub_download", "snapshot_download"):
            kind = ReferenceKind.DATASET if _keyword_text(node, "repo_type") == "dataset" else ReferenceKind.MODEL
            self._take(node, scope, via, kind, 0, "repo_id")
        elif name in ("SentenceTransformer", "CrossEncoder"):
            self._take(node, scope, via, ReferenceKind.MODEL, 0, "model_name_or_path", optional=True)
        elif name == "LLM" and receiver in ("", "vllm"):
            self._take(node, scope, via, ReferenceKind.MODEL, 0, "model", optional=True)
        elif name.endswith("Trainer"):
            self._take(node, scope, via, ReferenceKind.MODEL, None, "model", only_text=True)
        elif name == "add_argument" or (name in ("option", "Option") and receiver in ("click", "typer", "")):
            self._option(node, scope, via)
        elif name in ("push_to_hub", "create_repo", "upload_folder", "upload_file", "upload_large_folder"):
            self._published(node, scope, receiver, 0 if name in ("push_to_hub", "create_repo") else None)
        elif name in ("save_pretrained", "save_to_disk", "save_model"):
            self._local_output(_argument(node, 0, "save_directory"), scope)
        for keyword in node.keywords:
            if keyword.arg is None:
                continue
            if is_output_name(keyword.arg):
                self._local_output(keyword.value, scope)
                if normalise_name(keyword.arg) in HUB_OUTPUT_NAMES:
                    self._published_value(keyword.value, scope, ReferenceKind.MODEL, f"{via} {keyword.arg}")
            elif isinstance(keyword.value, _LITERALS) and name != "add_argument":
                # `Config(base_model="org/model")`: a literal id under a keyword that names an artifact.
                named = kind_of_name(keyword.arg)
                if named is not None:
                    for item in _literal_items(keyword.value):
                        self._named_default(item, scope, named, f"{via} {keyword.arg}", bare=False)

    def _take(
        self,
        node: ast.Call,
        scope: _Scope,
        via: str,
        kind: ReferenceKind,
        position: int | None,
        keyword: str,
        optional: bool = False,
        only_text: bool = False,
    ) -> None:
        value = _argument(node, position, keyword)
        if value is None:
            return
        location = self._at(value)
        try:
            values = self.values(value, scope, value.lineno, subscript_guess=True)
        except Unresolved as unknown:
            # `pipeline(model=model)`, `Trainer(model=model)`: the argument may be an object, not a name.
            # Only a value that is plainly text (an f-string, a concatenation) is then reported.
            if only_text or (optional and not isinstance(value, (ast.JoinedStr, ast.BinOp))):
                return
            source = ast.get_source_segment(self.text, value) or ast.unparse(value)
            self._add(Reference(location, kind, None, via, source[:200], unknown.template))
            return
        if (optional or only_text) and all(isinstance(item, ImportedName) for item in values):
            return  # `pipeline(model=Model)`: an imported object, most likely not a name
        for item in values:
            self._emit(item, location, kind, via, bare=True)

    def _emit(self, item: Value, location: Location, kind: ReferenceKind, via: str, bare: bool) -> None:
        if isinstance(item, ImportedName):
            self.found.pending.append(
                PendingName(location, kind, via, item.module, item.name, item.level, self.relative)
            )
            return
        if kind is ReferenceKind.DATASET and item in BUILDER_NAMES:
            return
        artifact = hub_value(item, kind, bare)
        if artifact is not None:
            self._add(Reference(location, kind, artifact, via))

    def _published(self, node: ast.Call, scope: _Scope, receiver: str, position: int | None) -> None:
        value = _argument(node, position, "repo_id")
        low = receiver.lower()
        kind = ReferenceKind.DATASET if ("dataset" in low or low in ("ds", "data")) else ReferenceKind.MODEL
        if value is not None:
            self._published_value(value, scope, kind, f"{receiver}.push_to_hub" if receiver else "push_to_hub")

    def _published_value(self, value: ast.expr, scope: _Scope, kind: ReferenceKind, via: str) -> None:
        try:
            values = self.values(value, scope, value.lineno)
        except Unresolved:
            return
        for item in values:
            if isinstance(item, str):
                self.found.local_outputs.add(item.strip().lower())
                artifact = hub_value(item, kind, bare=True)
                if artifact is not None:
                    self.found.produced.append(Reference(self._at(value), kind, artifact, via))

    def _local_output(self, value: ast.expr | None, scope: _Scope) -> None:
        if value is None:
            return
        try:
            values = self.values(value, scope, value.lineno)
        except Unresolved:
            return
        self.found.local_outputs.update(v.strip().strip("./").lower() for v in values if isinstance(v, str))

    # --- defaults and named values ----------------------------------------------------------

    def _option(self, node: ast.Call, scope: _Scope, via: str) -> None:
        """`parser.add_argument("--model-path", default="org/model")`, `click.option("--model", default=...)`."""
        flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        dest = _keyword_text(node, "dest")
        names = [dest] if dest else [f for f in flags if f.startswith("--")] or flags[:1]
        default = _argument(node, None, "default")
        if not names or default is None:
            return
        help_text = (_keyword_text(node, "help") or "").lower()
        label = f"{via.rsplit('.', 1)[-1]} {names[0]}"
        if is_output_name(names[0]) or any(word in help_text for word in ("push", "upload", "output dir")):
            self._local_output(default, scope)
            if normalise_name(names[0]) in HUB_OUTPUT_NAMES or "push" in help_text or "upload" in help_text:
                self._published_value(default, scope, kind_of_name(names[0]) or ReferenceKind.MODEL, label)
            return
        kind = kind_of_name(names[0])
        if kind is not None:
            self._named_default(default, scope, kind, label, bare=_bare(kind, names[0]))

    def _named_default(self, value: ast.expr, scope: _Scope, kind: ReferenceKind, via: str, bare: bool) -> None:
        try:
            values = self.values(value, scope, value.lineno)
        except Unresolved:
            return
        for item in values:
            self._emit(item, self._at(value), kind, via, bare)

    def _class_fields(self, node: ast.ClassDef, scope: _Scope) -> None:
        """Fields of argument dataclasses: `model_name_or_path: str = field(default="org/model")`."""
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
                continue
            value = statement.value
            if isinstance(value, ast.Call) and _callee(value.func)[0] == "field":
                value = _argument(value, None, "default")
            if value is None:
                continue
            name = statement.target.id
            if is_output_name(name):
                self._local_output(value, scope)
                continue
            kind = kind_of_name(name)
            if kind is not None:
                self._named_default(value, scope, kind, f"field {name}", bare=_bare(kind, name))

    def _parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef, outer: _Scope, inner: _Scope) -> None:
        """Defaults of parameters that name an artifact (fire, typer and click entry points), unless the
        body overwrites the parameter before reading it."""
        for argument, default in _parameter_defaults(node.args):
            kind = kind_of_name(argument.arg)
            if kind is None or default is None or is_output_name(argument.arg):
                continue
            if self._overwritten(inner, argument.arg, node.lineno):
                continue
            bare = _bare(kind, argument.arg)
            self._named_default(_typer_default(default), outer, kind, f"parameter {argument.arg}", bare=bare)

    def _assignment(self, node: ast.Assign | ast.AnnAssign, scope: _Scope) -> None:
        """`model_id = "org/model"`: a literal Hub id given to a name that says it is a model or dataset."""
        target, value = _single_target(node)
        if target is None or value is None or isinstance(scope.node, ast.ClassDef):
            return
        if is_output_name(target):
            self._local_output(value, scope)
            return
        kind = kind_of_name(target)
        if kind is None or not isinstance(value, (*_LITERALS, ast.BinOp)):
            return
        if self._overwritten(scope, target, node.lineno):
            return
        for item in _literal_items(value):
            self._named_default(item, scope, kind, f"assignment {target}", bare=False)

    def _overwritten(self, scope: _Scope, name: str, line: int) -> bool:
        """True when the next binding of `name` after `line` replaces it before any read."""
        later = [b for b in self._bindings(scope).get(name, []) if b.line > line]
        if not later:
            return False
        following = later[0]
        if following.kind != "value" or following.branch is not None:
            return False
        reads = self._name_loads().get(name, [])
        index = bisect.bisect_right(reads, line)
        return index == len(reads) or reads[index] > following.line

    # --- command lines in strings -----------------------------------------------------------

    def _command(self, node: ast.expr, scope: _Scope) -> bool:
        """A command line held in a string (`f"python serve.py --model-path {path}"`) or a list of
        arguments: read by the shell reader, with `{name}` parts resolved here. True when handled."""
        from licaudit.gate.shell_commands import scan_command_words

        if not _may_hold_flags(node):
            return False
        if isinstance(node, (ast.List, ast.Tuple)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(words) < 2 or not any(_COMMAND_FLAG.match(w) for w in words):
                return False
            self._extend(scan_command_words([(w, self._at(node)) for w in words], "command"))
            return True
        try:
            texts = self.values(node, scope, getattr(node, "lineno", 1), keep_unknown=True)
        except Unresolved:
            return False
        commands = [t for t in texts if isinstance(t, str) and _COMMAND_FLAG.search(t)]
        if not commands:
            return False
        location = self._at(node)
        for text in commands:
            self._extend(scan_command_words([(w, location) for w in text.split()], "command"))
        return True

    def _hub_paths(self, node: ast.Constant | ast.JoinedStr) -> None:
        """`hf://datasets/org/data@rev/file.parquet` (data_files, pandas, fsspec): the repository it reads."""
        parts = [node] if isinstance(node, ast.Constant) else [v for v in node.values if isinstance(v, ast.Constant)]
        for part in parts:
            if isinstance(part.value, str) and "hf://" in part.value:
                for match in _HF_PATH.finditer(part.value):
                    kind = ReferenceKind.DATASET if match.group(1) == "datasets/" else ReferenceKind.MODEL
                    artifact = hub_value(match.group(2), kind, bare=False)
                    if artifact is not None and match.group(1) != "spaces/":
                        self._add(Reference(self._at(node), kind, artifact, "hf:// path"))

    def _extend(self, found: FileScan) -> None:
        for reference in found.references:
            self._add(reference)
        found.references = []
        self.found.extend(found)

    # --- values -----------------------------------------------------------------------------

    def values(
        self,
        node: ast.AST,
        scope: _Scope,
        line: int,
        depth: int = 0,
        subscript_guess: bool = False,
        keep_unknown: bool = False,
    ) -> list[Value]:
        """Every string `node` may stand for; `Unresolved` when that is known only at run time.
        `keep_unknown` keeps unknown parts of a text as `{}` (for command lines)."""
        if depth > 25:
            raise Unresolved

        def again(child: ast.AST) -> list[Value]:
            return self.values(child, scope, line, depth + 1, subscript_guess, keep_unknown)

        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return [node.value]
            raise Unresolved
        if isinstance(node, ast.Name):
            return self._name_values(node.id, scope, line, depth, subscript_guess)
        if isinstance(node, ast.JoinedStr):
            return self._join([self._part(p, again) for p in node.values], keep_unknown)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._join([self._part(node.left, again), self._part(node.right, again)], keep_unknown)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            raise Unresolved(_percent_template(node.left.value))
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            found: list[Value] = []
            for item in node.values:
                try:
                    found += again(item)
                except Unresolved:
                    continue
            if not found:
                raise Unresolved
            return _distinct(found)
        if isinstance(node, ast.IfExp):
            choice = self._constant_test(node.test, scope, line)
            if choice is not None:
                return again(node.body if choice else node.orelse)
            return _distinct(again(node.body) + again(node.orelse))
        if isinstance(node, ast.Call):
            return self._call_values(node, scope, line, again)
        if isinstance(node, ast.Subscript):
            return self._subscript_values(node, scope, line, again, subscript_guess)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in ("self", "cls") and subscript_guess:
                # `self.model_name = "org/model"` in one method, `load(self.model_name)` in another.
                found = _distinct([x for v in self._attribute_values().get(node.attr, []) for x in _try(again, v)])
                if found:
                    return found[:MAX_VALUES]
                raise Unresolved
            bound = self._binding_of(node.value.id, scope, line)
            if bound is not None and bound.kind == "module":
                return [ImportedName(bound.module, node.attr, bound.level)]
            if bound is not None and bound.kind == "import":
                return [ImportedName(f"{bound.module}.{bound.name}".strip("."), node.attr, bound.level)]
            # `args.base` after `parser.add_argument("--base", default="org/model")`: whatever the
            # option is called, its default is what the loader gets when no flag is given.
            defaults = self._option_defaults().get(node.attr)
            if defaults:
                found = _distinct([x for v in defaults for x in _try(again, v)])
                if found:
                    return found[:MAX_VALUES]
        raise Unresolved

    def _part(self, node: ast.AST, again: Callable[[ast.AST], list[Value]]) -> list[Value] | None:
        if isinstance(node, ast.FormattedValue):
            if node.conversion != -1 or node.format_spec is not None:
                return None
            node = node.value
        try:
            found = again(node)
        except Unresolved:
            return None
        if any(isinstance(v, ImportedName) for v in found):
            return None  # text joined with another module's value: known once that file is read; kept as a template
        return found

    def _join(self, parts: list[list[Value] | None], keep_unknown: bool = False) -> list[Value]:
        if keep_unknown:
            parts = [[_RUN_TIME] if p is None else p for p in parts]
        if any(p is None for p in parts):
            pattern = "".join(
                _RUN_TIME if p is None or len(p) != 1 or not isinstance(p[0], str) else p[0] for p in parts
            )
            raise Unresolved(pattern if pattern.strip(_RUN_TIME) else None)
        combos = 1
        for part in parts:
            combos *= max(1, len(part or []))
        if combos > MAX_VALUES:
            raise Unresolved
        return [
            "".join(str(v) for v in combo)
            for combo in itertools.product(*[p for p in parts if p is not None])
            if all(isinstance(v, str) for v in combo)
        ]

    def _call_values(self, node: ast.Call, scope: _Scope, line: int, again: Callable[..., list[Value]]) -> list[Value]:
        name, receiver = _callee(node.func)
        # os.environ.get("MODEL", "org/model"), os.getenv("MODEL", "org/model"): the default.
        if (name == "get" and receiver == "environ") or name == "getenv":
            default = _argument(node, 1, "default")
            if default is None:
                raise Unresolved
            return again(default)
        if name == "format" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant):
            pattern = node.func.value.value
            if not isinstance(pattern, str):
                raise Unresolved
            try:
                args = [again(a) for a in node.args]
                kwargs = {k.arg: again(k.value) for k in node.keywords if k.arg}
            except Unresolved:
                raise Unresolved(_format_template(pattern)) from None
            combos = list(itertools.islice(itertools.product(*args, *kwargs.values()), MAX_VALUES + 1))
            if len(combos) > MAX_VALUES or any(not isinstance(v, str) for c in combos for v in c):
                raise Unresolved(_format_template(pattern))
            keys = list(kwargs)
            try:
                return _distinct(
                    [pattern.format(*c[: len(args)], **dict(zip(keys, c[len(args) :], strict=True))) for c in combos]
                )
            except (IndexError, KeyError, ValueError):
                raise Unresolved(_format_template(pattern)) from None
        if name in ("Option", "Argument") and node.args:
            return again(node.args[0])
        raise Unresolved

    def _subscript_values(
        self, node: ast.Subscript, scope: _Scope, line: int, again: Callable[..., list[Value]], guess: bool
    ) -> list[Value]:
        key = node.slice
        containers = self._containers(node.value, scope, line)
        if containers:
            found: list[Value] = []
            for container in containers:
                if isinstance(key, ast.Constant):
                    element = _element(container, key)
                    found += _try(again, element) if element is not None else []
                else:
                    found += _every(container, again)
            if not found:
                raise Unresolved
            return _distinct(found)[:MAX_VALUES]
        # `load_dataset(info["path"])` where `info` is one of the file's dicts: every value under that key.
        if guess and isinstance(key, ast.Constant) and isinstance(key.value, str):
            candidates = self._dict_values_by_key().get(key.value, [])
            found = _distinct([x for v in candidates for x in _try(again, v)])
            if found:
                return found[:MAX_VALUES]
        raise Unresolved

    def _containers(self, node: ast.AST, scope: _Scope, line: int, depth: int = 0) -> list[ast.AST]:
        """The literal lists, tuples or dicts a name may stand for, following assignments (both arms of an `if`)."""
        if depth > 10:
            return []
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            return [node]
        found: list[ast.AST] = []
        if isinstance(node, ast.Name):
            for binding in self._visible(node.id, scope, line):
                if binding.kind == "value" and binding.node is not None:
                    found += self._containers(binding.node, binding.scope or scope, binding.line, depth + 1)
        return found

    def _constant_test(self, node: ast.AST, scope: _Scope, line: int) -> bool | None:
        if isinstance(node, ast.Constant):
            return bool(node.value)
        if isinstance(node, ast.Name):
            bindings = self._visible(node.id, scope, line)
            if len(bindings) == 1 and isinstance(bindings[0].node, ast.Constant):
                return bool(bindings[0].node.value)
        return None

    # --- names and scopes -------------------------------------------------------------------

    def _name_values(self, name: str, scope: _Scope, line: int, depth: int, guess: bool) -> list[Value]:
        bindings = self._visible(name, scope, line)
        if not bindings:
            raise Unresolved
        found: list[Value] = []
        for binding in bindings:
            found += self._binding_values(binding, scope, depth, guess)
        return _distinct(found)[:MAX_VALUES]

    def _binding_values(self, binding: _Binding, scope: _Scope, depth: int, guess: bool) -> list[Value]:
        owner = binding.scope or scope
        if binding.kind == "value" and binding.node is not None:
            return self.values(binding.node, owner, binding.line, depth + 1, guess)
        if binding.kind == "param" and binding.node is not None:
            return self.values(_typer_default(binding.node), owner, binding.line, depth + 1, guess)
        if binding.kind == "import":
            return [ImportedName(binding.module, binding.name, binding.level)]
        if binding.kind == "for" and binding.node is not None:
            return self._loop_values(binding, owner, depth)
        raise Unresolved

    def _loop_values(self, binding: _Binding, scope: _Scope, depth: int) -> list[Value]:
        """`for path in ["org/a", "org/b"]`, `for i, (path, worker) in enumerate(models)`, `.items()`."""
        iterable = binding.node
        path = binding.path
        if isinstance(iterable, ast.Call):
            name, _ = _callee(iterable.func)
            if name == "enumerate" and iterable.args:
                if not path or path[0] != 1:
                    raise Unresolved
                iterable, path = iterable.args[0], path[1:]
            elif name in ("items", "values", "keys") and isinstance(iterable.func, ast.Attribute):
                dicts = [
                    c for c in self._containers(iterable.func.value, scope, binding.line) if isinstance(c, ast.Dict)
                ]
                if not dicts:
                    raise Unresolved
                pairs = [(k, v) for d in dicts for k, v in zip(d.keys, d.values, strict=True) if k is not None]
                if name == "items" and path and path[0] in (0, 1):
                    items: list[ast.AST] = [pair[path[0]] for pair in pairs]
                    path = path[1:]
                elif name == "values":
                    items = [v for _, v in pairs]
                elif name == "keys":
                    items = [k for k, _ in pairs]
                else:
                    raise Unresolved
                return self._items_values(items, path, scope, binding.line, depth)
        sequences = self._containers(iterable, scope, binding.line) if iterable is not None else []
        items = [e for c in sequences if isinstance(c, (ast.List, ast.Tuple, ast.Set)) for e in c.elts]
        if not items:
            raise Unresolved
        return self._items_values(items, path, scope, binding.line, depth)

    def _items_values(
        self, items: list[ast.AST], path: tuple[int, ...], scope: _Scope, line: int, depth: int
    ) -> list[Value]:
        found: list[Value] = []
        for item in items:
            for index in path:
                if isinstance(item, (ast.Tuple, ast.List)) and index < len(item.elts):
                    item = item.elts[index]
                else:
                    raise Unresolved
            found += _try(lambda n: self.values(n, scope, line, depth + 1), item)
        if not found:
            raise Unresolved
        return _distinct(found)

    def _visible(self, name: str, scope: _Scope, line: int) -> list[_Binding]:
        """The bindings of `name` that may hold at `line`: the last one before it (with its `if`/`else`
        siblings), in the innermost scope that binds the name."""
        current: _Scope | None = scope
        at_line = line
        while current is not None:
            bindings = self._bindings(current).get(name)
            if bindings:
                before = [b for b in bindings if b.line < at_line] or bindings
                last = before[-1]
                if last.branch is None:
                    return [last]
                return [b for b in before if b.branch == last.branch]
            current = current.parent
            at_line = 1 << 30  # a global read inside a function sees the module's last assignment
        return []

    def _binding_of(self, name: str, scope: _Scope, line: int) -> _Binding | None:
        bindings = self._visible(name, scope, line)
        return bindings[-1] if bindings else None

    def _bindings(self, scope: _Scope) -> dict[str, list[_Binding]]:
        if not scope.indexed:
            scope.indexed = True
            if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for argument, default in _parameter_defaults(scope.node.args):
                    scope.bindings.setdefault(argument.arg, []).append(
                        _Binding(scope.node.lineno, "param", default, scope.parent)
                    )
            body = (
                scope.node.body if isinstance(scope.node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)) else []
            )
            _index_block(body, scope, None)
            for bindings in scope.bindings.values():
                bindings.sort(key=lambda b: b.line)
        return scope.bindings

    def _name_loads(self) -> dict[str, list[int]]:
        if self._loads is None:
            loads: dict[str, list[int]] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    loads.setdefault(node.id, []).append(node.lineno)
            self._loads = {name: sorted(lines) for name, lines in loads.items()}
        return self._loads

    def _option_defaults(self) -> dict[str, list[ast.expr]]:
        """Defaults of argparse options anywhere in the file, by the attribute `parse_args()` gives them."""
        if self._options is None:
            found: dict[str, list[ast.expr]] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Call) and _callee(node.func)[0] == "add_argument":
                    default = _argument(node, None, "default")
                    dest = _keyword_text(node, "dest") or next(
                        (
                            a.value.lstrip("-").replace("-", "_")
                            for a in node.args
                            if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.startswith("--")
                        ),
                        None,
                    )
                    if dest and default is not None:
                        found.setdefault(dest, []).append(default)
            self._options = found
        return self._options

    def _attribute_values(self) -> dict[str, list[ast.expr]]:
        """Values assigned to `self.x` / `cls.x` anywhere in the file, by attribute name."""
        if self._attributes is None:
            found: dict[str, list[ast.expr]] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if (
                            isinstance(target, ast.Attribute)
                            and isinstance(target.value, ast.Name)
                            and target.value.id in ("self", "cls")
                        ):
                            found.setdefault(target.attr, []).append(node.value)
            self._attributes = found
        return self._attributes

    def _dict_values_by_key(self) -> dict[str, list[ast.expr]]:
        if self._dict_values is None:
            found: dict[str, list[ast.expr]] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            found.setdefault(key.value, []).append(value)
            self._dict_values = found
        return self._dict_values

    def expand(self, name: str, line: int) -> list[str] | None:
        """The values of a module-level name at `line` (for `{name}` in a notebook's shell lines)."""
        try:
            found = self._name_values(name, self.module_scope, line, 0, False)
        except Unresolved:
            return None
        strings = [v for v in found if isinstance(v, str)]
        return strings or None


# --- helpers ---------------------------------------------------------------------------------


def _index_block(body: list[ast.stmt], scope: _Scope, branch: int | None) -> None:
    """Record the bindings of one block, descending into compound statements but not nested scopes."""
    for statement in body:
        _index_statement(statement, scope, branch)


def _index_statement(node: ast.stmt, scope: _Scope, branch: int | None) -> None:
    def bind(name: str, binding: _Binding) -> None:
        binding.branch = branch
        scope.bindings.setdefault(name, []).append(binding)

    if isinstance(node, ast.Assign):
        for target in node.targets:
            _bind_target(target, node.value, node.lineno, scope, bind)
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        bind(node.target.id, _Binding(node.lineno, "value", node.value, scope))
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        bind(node.target.id, _Binding(node.lineno, "unknown"))
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        for name, path in _target_paths(node.target):
            bind(name, _Binding(node.lineno, "for", node.iter, scope, path))
        _index_block(node.body, scope, branch)
        _index_block(node.orelse, scope, branch)
    elif isinstance(node, ast.If):
        _index_block(node.body, scope, id(node))
        _index_block(node.orelse, scope, id(node))
    elif isinstance(node, (ast.While, ast.With, ast.AsyncWith)):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    for name, _ in _target_paths(item.optional_vars):
                        bind(name, _Binding(node.lineno, "unknown"))
        _index_block(node.body, scope, branch)
        _index_block(getattr(node, "orelse", []), scope, branch)
    elif isinstance(node, ast.Try):
        for block in (node.body, *[h.body for h in node.handlers], node.orelse, node.finalbody):
            _index_block(block, scope, branch)
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bind(alias.asname, _Binding(node.lineno, "module", module=alias.name))
            else:
                bind(alias.name.split(".")[0], _Binding(node.lineno, "module", module=alias.name.split(".")[0]))
    elif isinstance(node, ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                binding = _Binding(node.lineno, "import", module=node.module or "", name=alias.name, level=node.level)
                bind(alias.asname or alias.name, binding)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bind(node.name, _Binding(node.lineno, "unknown"))


def _bind_target(
    target: ast.expr, value: ast.expr, line: int, scope: _Scope, bind: Callable[[str, _Binding], None]
) -> None:
    if isinstance(target, ast.Name):
        bind(target.id, _Binding(line, "value", value, scope))
    elif isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            for part, part_value in zip(target.elts, value.elts, strict=True):
                _bind_target(part, part_value, line, scope, bind)
        else:
            for name, _ in _target_paths(target):
                bind(name, _Binding(line, "unknown"))


def _target_paths(target: ast.expr, prefix: tuple[int, ...] = ()) -> Iterator[tuple[str, tuple[int, ...]]]:
    if isinstance(target, ast.Name):
        yield target.id, prefix
    elif isinstance(target, (ast.Tuple, ast.List)):
        for index, part in enumerate(target.elts):
            yield from _target_paths(part, (*prefix, index))
    elif isinstance(target, ast.Starred):
        yield from _target_paths(target.value, prefix)


_SPECIAL_PARENTS = (ast.Expr, ast.Assert, ast.Raise, ast.Call)
_NOTHING_BELOW = (ast.Name, ast.expr_context, ast.Import, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)
_DECORATED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LEAVES = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)  # nothing below them


def _children(node: ast.AST, message: bool) -> Iterator[tuple[ast.AST, bool]]:
    """Child nodes, each marked when it sits in a message (assert, raise, print, logging, help text)."""
    if not isinstance(node, _SPECIAL_PARENTS):
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _LEAVES):
                yield child, message
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return  # a docstring or a bare string: documentation
    if isinstance(node, ast.Assert):
        yield node.test, message
        if node.msg is not None:
            yield node.msg, True
        return
    if isinstance(node, ast.Raise):
        for child in ast.iter_child_nodes(node):
            yield child, True
        return
    if isinstance(node, ast.Call):
        name, _ = _callee(node.func)
        in_message = message or name in _MESSAGE_CALLS
        yield node.func, message
        for arg in node.args:
            yield arg, in_message
        for keyword in node.keywords:
            yield keyword.value, in_message or (keyword.arg or "") in _MESSAGE_KEYWORDS
        return
    for child in ast.iter_child_nodes(node):
        yield child, message


def _candidate_lines(text: str) -> list[int]:
    """1-based lines that may hold a reference: only subtrees spanning one of them are walked."""
    lines: list[int] = []
    line, position = 1, 0
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for match in _TRIGGER.finditer(lowered):
        line += text.count("\n", position, match.start())
        position = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _single_target(node: ast.AST) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


def _parameter_defaults(arguments: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
    return pairs


def _typer_default(node: ast.expr) -> ast.expr:
    """`typer.Option("org/model", "--model")` as a default: its first argument is the value."""
    if isinstance(node, ast.Call) and _callee(node.func)[0] in ("Option", "Argument"):
        value = _argument(node, 0, "default")
        if value is not None:
            return value
    return node


def _argument(node: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    for item in node.keywords:
        if item.arg == keyword:
            return item.value
    if position is not None and len(node.args) > position and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return None


def _callee(func: ast.expr) -> tuple[str, str]:
    """(`from_pretrained`, `AutoModelForCausalLM`) for `transformers.AutoModelForCausalLM.from_pretrained`."""
    if isinstance(func, ast.Name):
        return func.id, ""
    if isinstance(func, ast.Attribute):
        receiver = func.value
        if isinstance(receiver, ast.Name):
            return func.attr, receiver.id
        if isinstance(receiver, ast.Attribute):
            return func.attr, receiver.attr
        return func.attr, ""
    return "", ""


def _keyword_text(node: ast.Call, keyword: str) -> str | None:
    for item in node.keywords:
        if item.arg == keyword and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str):
            return item.value.value
    return None


def _element(container: ast.AST, key: ast.expr) -> ast.expr | None:
    """`container[key]` for a literal container and a literal key, else None."""
    if not isinstance(key, ast.Constant):
        return None
    if isinstance(container, ast.Dict):
        for k, v in zip(container.keys, container.values, strict=True):
            if isinstance(k, ast.Constant) and k.value == key.value:
                return v
    elif (
        isinstance(container, (ast.List, ast.Tuple))
        and isinstance(key.value, int)
        and -len(container.elts) <= key.value < len(container.elts)
    ):
        return container.elts[key.value]
    return None


def _every(container: ast.AST, again: Callable[[ast.AST], list[Value]]) -> list[Value]:
    """Every value of a literal container (the key is known only at run time)."""
    items = container.values if isinstance(container, ast.Dict) else getattr(container, "elts", [])
    return [x for v in items for x in _try(again, v)]


def _may_hold_flags(node: ast.expr) -> bool:
    """A cheap test before resolving: some literal part of the text holds `--`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and "--" in node.value
    parts = node.values if isinstance(node, ast.JoinedStr) else getattr(node, "elts", [])
    return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and "--" in p.value for p in parts)


_LITERALS = (ast.Constant, ast.JoinedStr, ast.Dict, ast.List, ast.Tuple)
_ITEM_KEYS = frozenset({"id", "path", "name", "repo_id", "dataset_id", "datasets", "model_id"})


def _literal_items(node: ast.expr, depth: int = 0) -> list[ast.expr]:
    """The values inside a literal that name artifacts: itself, list items, `{"id": ...}` / `{"path": ...}`
    entries and `{"org/data": 0.5}` mixer keys."""
    if depth > 8:
        return []
    if isinstance(node, (ast.List, ast.Tuple)):
        return [x for e in node.elts for x in _literal_items(e, depth + 1)]
    if isinstance(node, ast.Dict):
        found: list[ast.expr] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
                continue
            if key.value in _ITEM_KEYS:
                found += _literal_items(value, depth + 1)
            elif "/" in key.value and isinstance(value, ast.Constant) and isinstance(value.value, (int, float)):
                found.append(key)
        return found
    return [node]


def _bare(kind: ReferenceKind, name: str) -> bool:
    return kind is ReferenceKind.MODEL and names_bare_ids(name)


def _try(function: Callable[[ast.AST], list[Value]], node: ast.AST) -> list[Value]:
    try:
        return function(node)
    except Unresolved:
        return []


def _distinct(values: list[Value]) -> list[Value]:
    return list(dict.fromkeys(values))


def _format_template(pattern: str) -> str:
    return re.sub(r"\{[^{}]*\}", _RUN_TIME, pattern)


def _percent_template(pattern: object) -> str | None:
    return re.sub(r"%[sdr]", _RUN_TIME, pattern) if isinstance(pattern, str) else None
