"""The `licaudit` command: flags -> settings -> pipeline -> report -> exit code. Nothing else.

One module per command group; each registers its commands on the app in `app.py` when imported.
No `from __future__ import annotations` in this package: typer reads every command's signature
twice when it builds the CLI, and string annotations are re-evaluated each time (~15 ms of every
start-up).
"""

import sys

from licaudit.cli import (  # noqa: F401  (imported to register their commands)
    cache_command,
    export_command,
    gate_command,
    hub_data_command,
    registry_command,
    run_command,
    trace_command,
)
from licaudit.cli.app import app


@app.command()
def version() -> None:
    """Print licaudit's version."""
    from licaudit import __version__

    sys.stdout.write(f"licaudit {__version__}\n")


def main() -> None:
    try:
        app()
    except SystemExit as done:
        _exit_past_stray_threads(done)
        raise


def _exit_past_stray_threads(done: SystemExit) -> None:
    """An interrupted crawl leaves daemon threads inside the HTTP stack; finalising the interpreter
    under them can crash it (SIGSEGV, seen on Ctrl-C mid-crawl), so the exit code would lie. The
    command's sources are closed and its report written by now: exit at once, streams flushed."""
    import threading

    if not any(t.daemon and t.is_alive() for t in threading.enumerate() if t is not threading.main_thread()):
        return
    import contextlib
    import os

    code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe
            stream.flush()
    os._exit(code)


__all__ = ["app", "main"]
