"""Command lines read for the models and datasets they pass: shell scripts, Makefiles, Dockerfiles,
notebook `!` lines and command strings held in code.

`--model_name_or_path org/model`, `--base_model=org/model`, `--data_path org/data`, `vllm serve org/model`,
`huggingface-cli download org/model`; variables assigned earlier in the file are expanded (the last
assignment before the use wins, so a value overwritten before use is not a use), as are
`${VAR:-org/model}` defaults and Makefile `$(VAR)`. `huggingface-cli upload org/x` is an output.
Docker images (`FROM`) are never artifacts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from licaudit.gate.reference_keys import (
    HUB_OUTPUT_NAMES,
    hub_value,
    is_output_name,
    kind_of_name,
    names_bare_ids,
    normalise_name,
)
from licaudit.gate.references import FileScan, Reference, ReferenceKind
from licaudit.locations import Location

Expand = Callable[[str, int], list[str] | None]  # (name, line) -> values, for `{name}` in notebook lines

_WORD = re.compile(r"""(?:[^\s'"]|'[^']*'|"(?:\\.|[^"\\])*")+""")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_MAKE_ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|\+=|=)\s*(.*)$")
_VARIABLE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}|\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_PYTHON_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DOCKER_INSTRUCTION = re.compile(r"^([A-Z]+)\s+(.*)$", re.DOTALL)
_PREFIX_WORDS = frozenset({"export", "local", "declare", "readonly", "env", "sudo", "nohup", "exec", "time"})


def scan_shell_text(
    text: str,
    relative: str,
    dialect: str = "shell",
    expand: Expand | None = None,
    locate: Callable[[int, int], Location] | None = None,
) -> FileScan:
    """Every reference in a shell script, Makefile (`dialect="make"`) or Dockerfile (`"docker"`).

    `locate` maps a (line, 0-based column) of `text` to a Location (notebooks); `expand` resolves
    `{name}` and unknown `$name` from the surrounding Python (notebook cells).
    """
    where = locate or (lambda line, column: Location(relative, line, column + 1))
    variables: dict[str, str] = {}
    found = FileScan()
    for line_number, logical, pieces in _logical_lines(text):
        stripped = logical.strip()
        if not stripped or stripped.startswith("#"):
            continue
        body_offset = len(logical) - len(logical.lstrip())
        if dialect == "docker":
            match = _DOCKER_INSTRUCTION.match(stripped)
            if match is None:
                continue
            instruction, rest = match.group(1), match.group(2)
            if instruction in ("ENV", "ARG"):
                _docker_variables(rest, variables)
                continue
            if instruction not in ("RUN", "CMD", "ENTRYPOINT"):
                continue  # FROM names an image, never a model
            body_offset += len(stripped) - len(rest)
        elif dialect == "make":
            match = _MAKE_ASSIGNMENT.match(stripped)
            if match is not None and not logical.startswith("\t"):
                variables[match.group(1)] = _expand(match.group(2).strip(), variables, expand, line_number)
                continue
        words: list[tuple[str, Location]] = []
        for match in _WORD.finditer(logical, body_offset):
            word = match.group(0)
            if word.startswith("#"):
                break
            line, column = _position(pieces, match.start())
            words.append((_expand(word, variables, expand, line), where(line, column)))
        words = _take_assignments(words, variables)
        found.extend(scan_command_words(words, dialect))
    return found


def split_words(text: str) -> list[tuple[str, int]]:
    """A command line's words (quotes kept) with their 0-based columns."""
    return [(m.group(0), m.start()) for m in _WORD.finditer(text)]


def expand_word(word: str, variables: dict[str, str]) -> str:
    """`$VAR`, `${VAR}` and `${VAR:-default}` in one word, from `variables` (unknown ones kept as written)."""
    return _expand(word, variables, None, 0)


def scan_command_words(words: list[tuple[str, Location]], via: str) -> FileScan:
    """References in one command's words (already expanded): artifact flags and a few known CLIs."""
    found = FileScan()
    texts = [_unquote(w) for w, _ in words]
    index = 0
    while index < len(texts):
        word = texts[index]
        if word.startswith("--") and len(word) > 2:
            flag, has_value, value = word.partition("=")
            location = words[index][1]
            if not has_value and index + 1 < len(texts) and not texts[index + 1].startswith("-"):
                value = texts[index + 1]
                location = words[index + 1][1]
                index += 1
            _flag(found, flag, value, location, f"{via} {flag}")
        elif index + 1 < len(texts):
            command = texts[index - 1].rsplit("/", 1)[-1] if index > 0 else ""
            target, location = texts[index + 1], words[index + 1][1]
            if word == "serve" and command == "vllm":
                _emit(found, target, ReferenceKind.MODEL, location, "vllm serve")
            elif word == "download" and command in ("huggingface-cli", "hf"):
                kind = ReferenceKind.DATASET if _repo_type(texts) == "dataset" else ReferenceKind.MODEL
                _emit(found, target, kind, location, f"{command} download")
            elif word == "upload" and command in ("huggingface-cli", "hf"):
                kind = ReferenceKind.DATASET if _repo_type(texts) == "dataset" else ReferenceKind.MODEL
                artifact = hub_value(target, kind, bare=True)
                if artifact is not None:
                    found.produced.append(Reference(location, kind, artifact, f"{command} upload"))
        index += 1
    return found


def _flag(found: FileScan, flag: str, value: str, location: Location, via: str) -> None:
    if not value:
        return
    if is_output_name(flag):
        found.local_outputs.add(value.strip().strip("./").lower())
        if normalise_name(flag) in HUB_OUTPUT_NAMES:
            artifact = hub_value(value, ReferenceKind.MODEL, bare=True)
            if artifact is not None:
                found.produced.append(Reference(location, ReferenceKind.MODEL, artifact, via))
        return
    kind = kind_of_name(flag)
    if kind is None:
        return
    if "$" in value or "{" in value:
        if kind is ReferenceKind.MODEL:  # a script parameter: known only when it runs
            found.references.append(Reference(location, kind, None, via, value[:200]))
        return
    bare = kind is ReferenceKind.MODEL and names_bare_ids(flag)
    for part in value.split(",") if kind is ReferenceKind.DATASET else [value]:
        _emit(found, part, kind, location, via, bare)


def _emit(found: FileScan, value: str, kind: ReferenceKind, location: Location, via: str, bare: bool = True) -> None:
    artifact = hub_value(value, kind, bare=bare)
    if artifact is not None:
        found.references.append(Reference(location, kind, artifact, via))


def _repo_type(texts: list[str]) -> str:
    for index, text in enumerate(texts):
        if text.startswith("--repo-type="):
            return text.split("=", 1)[1]
        if text == "--repo-type" and index + 1 < len(texts):
            return texts[index + 1]
    return "model"


def _unquote(word: str) -> str:
    """A word without its quotes; exec-form (`["python", "--model", "x"]`) brackets and commas dropped."""
    word = word.strip().rstrip(",").strip("[]").rstrip(",")
    return re.sub(r"""'([^']*)'|"((?:\\.|[^"\\])*)\"""", lambda m: m.group(1) or m.group(2) or "", word)


def _take_assignments(words: list[tuple[str, Location]], variables: dict[str, str]) -> list[tuple[str, Location]]:
    """`NAME=value` words before the command (and after `export`): recorded, not passed on."""
    rest = list(words)
    while rest:
        word = _unquote(rest[0][0])
        if word in _PREFIX_WORDS:
            rest.pop(0)
            continue
        match = _ASSIGNMENT.match(word)
        if match is None:
            break
        variables[match.group(1)] = match.group(2)
        rest.pop(0)
    return rest


def _docker_variables(rest: str, variables: dict[str, str]) -> None:
    words = [_unquote(w) for w in _WORD.findall(rest)]
    if len(words) >= 2 and "=" not in words[0]:
        variables[words[0]] = " ".join(words[1:])  # `ENV NAME value`
        return
    for word in words:
        name, _, value = word.partition("=")
        variables[name] = value


def _expand(word: str, variables: dict[str, str], expand: Expand | None, line: int) -> str:
    def variable(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4) or match.group(5)
        if name in variables and (variables[name] or not match.group(2) or ":" not in match.group(2)):
            return variables[name]
        if match.group(2) is not None:
            return match.group(3) or ""
        if expand is not None:
            values = expand(name, line)
            if values:
                return values[0]
        return match.group(0)

    word = _VARIABLE.sub(variable, word)
    if expand is not None and "{" in word:

        def field(match: re.Match[str]) -> str:
            values = expand(match.group(1), line)
            return values[0] if values else match.group(0)

        word = _PYTHON_FIELD.sub(field, word)
    return word


def _logical_lines(text: str) -> list[tuple[int, str, list[tuple[int, int, int]]]]:
    """Lines joined at trailing backslashes: (first line, text, [(offset, line, column of offset)])."""
    result: list[tuple[int, str, list[tuple[int, int, int]]]] = []
    current = ""
    pieces: list[tuple[int, int, int]] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pieces:
            start = number
        pieces.append((len(current), number, 0))
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        result.append((start, current, pieces))
        current, pieces = "", []
    if pieces:
        result.append((start, current, pieces))
    return result


def _position(pieces: list[tuple[int, int, int]], offset: int) -> tuple[int, int]:
    """The physical (line, 0-based column) of an offset into a joined line."""
    line_start, line = 0, pieces[0][1]
    for piece_offset, piece_line, _ in pieces:
        if piece_offset > offset:
            break
        line_start, line = piece_offset, piece_line
    return line, offset - line_start
