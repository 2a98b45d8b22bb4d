"""Where reports go: consoles built per run (so NO_COLOR works) and the one atomic `--output` writer."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

REPORT_FILE_WIDTH = 120  # a rich report written to a file: no terminal to ask


def stdout_console() -> "Console":
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> "Console":
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit(text: str, output: Path | None) -> None:
    """The report on stdout, or written whole at `output`: only a complete report ever appears there."""
    if output is None:
        sys.stdout.write(text)
        return
    temporary = output.with_name(output.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)


def emit_rendered(render: "Callable[[Console], None]", output: Path | None) -> None:
    """A report that renders onto a rich console: the terminal, or a plain file written atomically."""
    if output is None:
        render(stdout_console())
        return
    from rich.console import Console

    temporary = output.with_name(output.name + ".partial")
    with temporary.open("w", encoding="utf-8") as handle:
        render(Console(file=handle, width=REPORT_FILE_WIDTH, no_color=True))
    temporary.replace(output)


def stderr_may_be_terminal() -> bool:
    """False only where rich's `Console.is_terminal` is surely False: no TTY_COMPATIBLE or
    FORCE_COLOR override and stderr is not a TTY."""
    import os

    if os.environ.get("TTY_COMPATIBLE", "") in ("0", "1") or "FORCE_COLOR" in os.environ:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False
