"""Exit codes, decided here alone: what a verdict, a gate status or an error means to a CI job.

0 allowed/passed, 1 a verdict or policy failure, 2 usage error or unknown id, 3 incomplete (a
source did not answer; what was reached is reported), 70 an internal error (a bug: never read
as a verdict), 130/143 interrupted by Ctrl-C/SIGTERM. Every way a command ends goes through
this module: `fail` for errors the command foresaw, `internal_error` for every exception it did
not (the app's command group calls it), and a command that promised a JSON document on stdout
gets one whatever happens (`promise_json_document`).
"""

import os
import sys
import traceback
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import NoReturn

import typer

from licaudit.cli.output import reset_stdout_written, stderr_console, stdout_was_written

REPORT_URL = "https://github.com/licaudit/licaudit/issues"
DEBUG_ENVIRONMENT = "LICAUDIT_DEBUG"


class ExitCode(IntEnum):
    OK = 0
    POLICY_FAILED = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE: outside 0-3, so a crash never reads as a verdict
    INTERRUPTED = 130  # 128 + SIGINT, the shell's convention; SIGTERM ends with 128 + 15
    TERMINATED = 143


_ERROR_KINDS = {
    ExitCode.USAGE: "usage",
    ExitCode.INCOMPLETE: "unreachable-source",
    ExitCode.INTERNAL_ERROR: "internal-error",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.TERMINATED: "interrupted",
    ExitCode.POLICY_FAILED: "failed",
}


@dataclass(frozen=True)
class JsonPromise:
    """A command whose report is JSON: on any error, stdout still gets a JSON document."""

    target: str
    schema_version: str


_promise: ContextVar[JsonPromise | None] = ContextVar("licaudit_json_promise", default=None)
_debug: ContextVar[bool] = ContextVar("licaudit_debug", default=False)


def promise_json_document(target: str, schema_version: str) -> None:
    """Called by a command as soon as it knows its report is JSON (before any error can happen)."""
    _promise.set(JsonPromise(target, schema_version))


def start_run() -> None:
    """Each invocation starts with no promise made and nothing written (tests run many in one process)."""
    _promise.set(None)
    reset_stdout_written()


def set_debug(enabled: bool) -> None:
    _debug.set(enabled)


def debug_enabled() -> bool:
    return _debug.get() or os.environ.get(DEBUG_ENVIRONMENT, "").strip().lower() in {"1", "true", "yes", "on"}


def error_document(promise: JsonPromise, kind: str, message: str) -> dict[str, object]:
    """The JSON answer of a command that could not produce its report."""
    return {
        "schema_version": promise.schema_version,
        "target": promise.target,
        "error": {"kind": kind, "message": message},
        "incomplete": True,
    }


def _write_error_document(kind: str, message: str) -> None:
    promise = _promise.get()
    if promise is None or stdout_was_written():
        return
    import json

    try:
        sys.stdout.write(json.dumps(error_document(promise, kind, message), indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):  # stdout closed or a broken pipe: stderr still has the message
        pass


def fail(message: str, code: ExitCode = ExitCode.USAGE, kind: str | None = None) -> NoReturn:
    """One line on stderr, then the exit code: untrusted text is cleaned before the terminal."""
    from rich.text import Text

    from licaudit.reports.escaping import clean_text

    cleaned = clean_text(message, limit=4000)
    _write_error_document(kind or _ERROR_KINDS.get(code, "error"), cleaned)
    stderr_console().print(Text("error: ", style="bold red").append(cleaned))
    raise typer.Exit(code)


def fail_unknown_artifact(message: str) -> NoReturn:
    fail(message, ExitCode.USAGE, "unknown-artifact")


# The stage of the pipeline a module belongs to, most specific prefix first.
_STAGES = (
    ("licaudit.cli.output", "output writing"),
    ("licaudit.cli", "command line"),
    ("licaudit.sources", "source"),
    ("licaudit.lineage", "lineage"),
    ("licaudit.terms", "propagation"),
    ("licaudit.policy", "policy"),
    ("licaudit.gate", "policy"),
    ("licaudit.reports", "report rendering"),
    ("licaudit.plugins", "run"),
    ("licaudit.knowledge", "knowledge loading"),
    ("licaudit.pipeline", "pipeline"),
)


def failing_stage(error: BaseException) -> tuple[str, str]:
    """(stage, file:line) of the innermost licaudit frame the exception passed through."""
    from pathlib import Path

    found = ("command line", "?")
    package = Path(__file__).resolve().parent.parent
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if not path.is_relative_to(package):
            continue
        module = ".".join(("licaudit", *path.relative_to(package).with_suffix("").parts))
        stage = next((name for prefix, name in _STAGES if module.startswith(prefix)), "pipeline")
        found = (stage, f"{path.relative_to(package.parent).as_posix()}:{frame.lineno}")
    return found


def internal_error(error: BaseException) -> NoReturn:
    """An exception no command foresaw: a bug. One line naming the stage; the traceback on request."""
    stage, where = failing_stage(error)
    reason = f"{type(error).__name__}: {error}".strip().splitlines()[0] if str(error) else type(error).__name__
    message = (
        f"internal error in the {stage} stage ({reason}; at {where}). This is a bug in licaudit, not a verdict: "
        f"re-run with --debug (or {DEBUG_ENVIRONMENT}=1) for the traceback and report it at {REPORT_URL}"
    )
    if debug_enabled():
        sys.stderr.write("".join(traceback.format_exception(error)))
    fail(message, ExitCode.INTERNAL_ERROR)


def interrupted(code: ExitCode) -> NoReturn:
    what = "interrupted (Ctrl-C)" if code is ExitCode.INTERRUPTED else "terminated (SIGTERM)"
    fail(f"{what}; what was fetched is cached and a re-run resumes", code)


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
