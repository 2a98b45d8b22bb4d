"""Jupyter notebooks read for the models and datasets they use, each location a line of the .ipynb file.

The code cells run as one module, in order, so they are read as one Python text (a name set in one cell
reaches a loader in a later one). `!command` lines and `%%bash`/`%%sh` cells are command lines, with
`{name}` and `$name` taken from the Python around them; a `%%writefile x.yaml` cell is a config file.
Other cell magics are skipped.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from licaudit.gate.python_code import PythonReader
from licaudit.gate.references import FileScan, SkippedFile
from licaudit.gate.shell_commands import scan_shell_text
from licaudit.locations import Location

_SHELL_MAGICS = ("%%bash", "%%sh", "%%script bash", "%%script sh", "%%shell")
_PYTHON_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%debug")


@dataclass(frozen=True)
class _SourceLine:
    cell: int
    text: str
    file_line: int
    file_column: int  # 0-based column of the line's first character in the .ipynb text


def scan_notebook_text(text: str, relative: str) -> FileScan:
    try:
        notebook = json.loads(text)
    except ValueError as error:
        found = FileScan()
        found.skipped = SkippedFile(Location(relative, 1), f"not a readable notebook (JSON: {error}); file skipped")
        return found
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return FileScan()
    lines = _code_lines(cells, text)
    python: list[_SourceLine] = []
    shell: list[tuple[int, _SourceLine, int]] = []  # (python line it follows, line, command number)
    configs: list[tuple[str, list[_SourceLine]]] = []
    for cell_lines in _by_cell(lines):
        first = cell_lines[0].text.strip()
        if first.startswith(_SHELL_MAGICS):
            shell += [(len(python), line, -1 - line.cell) for line in cell_lines[1:]]  # one script per cell
            python += [_SourceLine(line.cell, "", line.file_line, line.file_column) for line in cell_lines]
            continue
        if first.startswith("%%writefile"):
            target = first.split()[-1] if len(first.split()) > 1 else ""
            configs.append((target, cell_lines[1:]))
            python += [_SourceLine(line.cell, "", line.file_line, line.file_column) for line in cell_lines]
            continue
        if first.startswith("%%") and not first.startswith(_PYTHON_MAGICS):
            python += [_SourceLine(line.cell, "", line.file_line, line.file_column) for line in cell_lines]
            continue
        continued = ""  # a `!command \` (or `%magic \`) line continues on the next one
        for line in cell_lines:
            stripped = line.text.lstrip()
            if continued or stripped.startswith(("!", "%")):
                if continued == "!" or (not continued and stripped.startswith("!")):
                    indent = len(line.text) - len(stripped) + (0 if continued else 1)
                    text = stripped if continued else stripped[1:]
                    command = shell[-1][2] if continued else len(shell)
                    where = _SourceLine(line.cell, text, line.file_line, line.file_column + indent)
                    shell.append((len(python), where, command))
                kind = continued or stripped[0]
                continued = kind if stripped.endswith("\\") else ""
                python.append(_SourceLine(line.cell, "", line.file_line, line.file_column))
            else:
                python.append(line)
    return _read(relative, python, shell, configs)


def _read(
    relative: str,
    python: list[_SourceLine],
    shell: list[tuple[int, _SourceLine, int]],
    configs: list[tuple[str, list[_SourceLine]]],
) -> FileScan:
    found = FileScan()
    source = "\n".join(line.text for line in python) + "\n"

    def locate(line: int, column: int) -> Location:
        if 0 < line <= len(python):
            where = python[line - 1]
            return Location(relative, where.file_line, where.file_column + column + 1)
        return Location(relative, 1)

    reader: PythonReader | None = None
    tree, source = _parse_cells(python, relative)
    if tree is not None:
        reader = PythonReader(relative, source, tree, locate)
        found.extend(reader.scan())
    for after, group in _shell_commands(shell):
        expand = (lambda name, _line, at=after: reader.expand(name, at + 1)) if reader is not None else None

        def shell_locate(line: int, column: int, where: list[_SourceLine] = group) -> Location:
            place = where[min(max(line, 1), len(where)) - 1]
            return Location(relative, place.file_line, place.file_column + column + 1)

        text = "\n".join(line.text for line in group)
        found.extend(scan_shell_text(text, relative, "notebook", expand, shell_locate))
    for target, lines in configs:
        found.extend(_written_config(relative, target, lines))
    return found


def _parse_cells(python: list[_SourceLine], relative: str) -> tuple[ast.Module | None, str]:
    """The cells as one module; a cell that is not Python (a half-written one, another language) is
    blanked out and the rest parsed again, so one bad cell never hides the others."""
    lines = [line.text for line in python]
    for _ in range(len({line.cell for line in python}) + 1):
        source = "\n".join(lines) + "\n"
        try:
            return ast.parse(source, filename=relative), source
        except SyntaxError as error:
            number = (error.lineno or 1) - 1
            if not 0 <= number < len(python):
                break
            cell = python[number].cell
            lines = ["" if python[i].cell == cell else text for i, text in enumerate(lines)]
        except (ValueError, RecursionError, MemoryError):
            break
    return None, ""


def _shell_commands(shell: list[tuple[int, _SourceLine, int]]) -> list[tuple[int, list[_SourceLine]]]:
    """Shell lines grouped into commands: a `%%bash` cell is one script; a `!` line with the lines
    its backslashes continue onto is one command."""
    groups: dict[int, tuple[int, list[_SourceLine]]] = {}
    for after, line, command in shell:
        groups.setdefault(command, (after, []))[1].append(line)
    return list(groups.values())


def _written_config(relative: str, target: str, lines: list[_SourceLine]) -> FileScan:
    from licaudit.gate.training_configs import scan_config_text

    if not target.endswith((".yaml", ".yml", ".json")) or not lines:
        return FileScan()
    found = scan_config_text("\n".join(line.text for line in lines) + "\n", relative, target)
    for collection in (found.references, found.produced):
        for index, reference in enumerate(collection):
            where = lines[min(reference.location.line, len(lines)) - 1]
            moved = Location(relative, where.file_line, where.file_column + reference.location.column)
            collection[index] = type(reference)(
                moved, reference.kind, reference.artifact, reference.via, reference.expression, reference.template
            )
    return found


def _by_cell(lines: list[_SourceLine]) -> list[list[_SourceLine]]:
    cells: dict[int, list[_SourceLine]] = {}
    for line in lines:
        cells.setdefault(line.cell, []).append(line)
    return list(cells.values())


def _code_lines(cells: list[object], text: str) -> list[_SourceLine]:
    """Every source line of every code cell, with the line of the .ipynb text it is stored on.

    nbformat stores a cell's source as a JSON list of lines, one per file line: each is found by its
    JSON spelling, searching forward from the previous one.
    """
    lines: list[_SourceLine] = []
    position = 0
    line_starts = _line_starts(text)
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        pieces = source if isinstance(source, list) else str(source).splitlines(keepends=True)
        for piece in pieces:
            if not isinstance(piece, str):
                continue
            found_at = -1
            for spelling in (json.dumps(piece, ensure_ascii=False), json.dumps(piece)):
                found_at = text.find(spelling, position)
                if found_at >= 0:
                    position = found_at + len(spelling)
                    found_at += 1  # past the opening quote
                    break
            file_line, file_column = _line_and_column(line_starts, found_at if found_at >= 0 else position)
            for part in piece.split("\n")[:-1] if piece.endswith("\n") else piece.split("\n"):
                lines.append(_SourceLine(index, part, file_line, file_column))  # a one-string source: one JSON line
    return lines


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _line_and_column(starts: list[int], offset: int) -> tuple[int, int]:
    import bisect

    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1]
