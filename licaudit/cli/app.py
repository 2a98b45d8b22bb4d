"""The typer application and its command groups; each command module registers itself here."""

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
import typer.core
from typer._click import core as click_core  # typer vendors click
from typer._click import exceptions as click_exceptions

from licaudit.cli.exit_codes import DEBUG_ENVIRONMENT, ExitCode, internal_error, interrupted, set_debug, start_run


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered like Ctrl-C so every cleanup path that handles one handles both."""


class GuardedGroup(typer.core.TyperGroup):
    """The command group that keeps the exit-code contract: an exception no command foresaw
    ends as an internal error (never 1, the verdict code), Ctrl-C and SIGTERM as interrupted.
    `--debug` is accepted anywhere on the line (before `--`): it shows the traceback."""

    def parse_args(self, ctx: click_core.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        debug = "--debug" in args[:end]
        set_debug(debug)
        if debug:
            args = [a for a in args[:end] if a != "--debug"] + args[end:]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click_core.Context) -> object:
        start_run()
        try:
            with _sigterm_as_interrupt():
                return super().invoke(ctx)
        except (click_exceptions.Exit, click_exceptions.ClickException, click_exceptions.Abort):
            raise
        except Terminated:
            interrupted(ExitCode.TERMINATED)
        except KeyboardInterrupt:
            interrupted(ExitCode.INTERRUPTED)
        except BrokenPipeError:  # `licaudit ... | head`: the reader left; nothing to say
            sys.stderr.close()
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as error:
            internal_error(error)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


app = typer.Typer(
    name="licaudit",
    help="License and provenance auditor for machine-learning models and datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: typer's rich help formatter alone costs ~150 ms of start-up
    cls=GuardedGroup,
)


@app.callback()
def _options(
    debug: bool = typer.Option(  # read by GuardedGroup.parse_args, wherever it appears
        False, "--debug", help=f"Show the traceback of an internal error (also {DEBUG_ENVIRONMENT}=1)."
    ),
) -> None:
    """License and provenance auditor for machine-learning models and datasets."""


registry_app = typer.Typer(help="Browse the curated registry of artifacts.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")
cache_app = typer.Typer(help="The Hub cache (SQLite under LICAUDIT_CACHE_DIR).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
plugins_app = typer.Typer(
    help="Subsystems licaudit can gate and run (entry points `licaudit.plugins`).", no_args_is_help=True
)
app.add_typer(plugins_app, name="plugins")
