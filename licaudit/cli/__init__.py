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
    app()


__all__ = ["app", "main"]
