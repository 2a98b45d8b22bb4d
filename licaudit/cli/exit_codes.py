"""Exit codes, decided here alone: what a verdict, a gate status or an error means to a CI job."""

from enum import IntEnum
from typing import NoReturn

import typer

from licaudit.cli.output import stderr_console


class ExitCode(IntEnum):
    OK = 0
    POLICY_FAILED = 1
    USAGE = 2
    INCOMPLETE = 3


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """One line on stderr, then the exit code: untrusted text is cleaned before the terminal."""
    from rich.text import Text

    from licaudit.reports.escaping import clean_text

    stderr_console().print(Text("error: ", style="bold red").append(clean_text(message, limit=4000)))
    raise typer.Exit(code)


def exit_for_verdict(verdict: str, incomplete: bool) -> NoReturn:
    """A trace: forbidden or unknown fails; incomplete only when what is missing could change it."""
    if verdict != "forbidden" and incomplete:  # what is missing could only make it worse
        raise typer.Exit(ExitCode.INCOMPLETE)
    raise typer.Exit(ExitCode.POLICY_FAILED if verdict in ("forbidden", "unknown") else ExitCode.OK)


def exit_for_gate(status: str) -> NoReturn:
    """A gate or check: passed, failed, else incomplete."""
    codes = {"passed": ExitCode.OK, "failed": ExitCode.POLICY_FAILED}
    raise typer.Exit(codes.get(status, ExitCode.INCOMPLETE))


def exit_for_document(incomplete: bool) -> NoReturn:
    """An export is a document, not a gate: 0, or 3 when a source did not answer (a re-run resumes)."""
    if incomplete:
        stderr_console().print("warning: a source did not answer; the document covers what was reached")
        raise typer.Exit(ExitCode.INCOMPLETE)
    raise typer.Exit(ExitCode.OK)


def exit_with(code: ExitCode) -> NoReturn:
    raise typer.Exit(code)
