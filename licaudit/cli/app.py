"""The typer application and its command groups; each command module registers itself here."""

import typer

app = typer.Typer(
    name="licaudit",
    help="License and provenance auditor for machine-learning models and datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: typer's rich help formatter alone costs ~150 ms of start-up
)
registry_app = typer.Typer(help="Browse the curated registry of artifacts.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")
cache_app = typer.Typer(help="The Hub cache (SQLite under LICAUDIT_CACHE_DIR).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
plugins_app = typer.Typer(
    help="Subsystems licaudit can gate and run (entry points `licaudit.plugins`).", no_args_is_help=True
)
app.add_typer(plugins_app, name="plugins")
