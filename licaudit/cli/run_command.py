"""`licaudit run` and `licaudit plugins list`: the subsystems licaudit gates and drives."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from licaudit.cli.app import app, plugins_app
from licaudit.cli.exit_codes import ExitCode, exit_with, fail
from licaudit.cli.options import (
    FormatOption,
    OutputFormat,
    RegistryOption,
    RulesOption,
    StanceChoice,
    StanceOption,
    load_knowledge_or_fail,
)
from licaudit.cli.output import stderr_console, stdout_console


@plugins_app.command("list")
def plugins_list(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """List installed subsystems; one that fails to load is named with the reason (exit 2)."""
    import json

    from licaudit.plugins.api import PluginLoadError
    from licaudit.plugins.discovery import load_plugin, missing_requirements, plugin_entries

    rows: list[dict[str, object]] = []
    broken = False
    for entry in plugin_entries():
        row: dict[str, object] = {"name": entry.name, "target": entry.target, "distribution": entry.distribution}
        try:
            plugin = load_plugin(entry.name)
        except PluginLoadError as error:
            broken = True
            row["error"] = str(error)
            rows.append(row)
            continue
        row.update(
            summary=plugin.summary,
            consumes=list(plugin.consumes),
            produces=plugin.produces.value,
            extra=plugin.extra,
            missing=missing_requirements(plugin),
        )
        rows.append(row)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps({"plugins": rows}, indent=2) + "\n")
    else:
        from rich.table import Table

        from licaudit.reports.escaping import clean_text

        table = Table("subsystem", "consumes -> produces", "status", "summary")
        for row in rows:
            if "error" in row:
                table.add_row(clean_text(row["name"]), "", "[red]failed to load[/]", clean_text(row["error"]))
                continue
            consumes = ", ".join(map(str, row["consumes"]))  # type: ignore[call-overload]
            missing = row["missing"]
            status = f"needs pip extra [{row['extra']}]" if missing else "ready"
            table.add_row(
                clean_text(row["name"]),
                clean_text(f"{consumes} -> {row['produces']}"),
                status,
                clean_text(row["summary"]),
            )
        stdout_console().print(table)
    if broken:
        fail("; ".join(str(row["error"]) for row in rows if "error" in row))


@app.command()
def run(
    subsystem: Annotated[str, typer.Argument(help="A subsystem from `licaudit plugins list`, e.g. sft.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="The run's YAML or JSON config.")],
    use: Annotated[str, typer.Option("--use", "-u", help="Intended use of the output.")] = "commercial",
    stance: StanceOption = StanceChoice.STRICT,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="A policy file (licaudit.yaml) or a preset (commercial, research, internal)."),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Write the output here instead of the config's `output`.")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an output folder that holds a model.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and gate only; never run.")] = False,
    output_format: FormatOption = OutputFormat.TEXT,
    rules: RulesOption = None,
    registry: RegistryOption = None,
) -> None:
    """Plan a run, gate it for the output's intended use, then run it and write its provenance."""
    from licaudit.errors import LicauditError
    from licaudit.plugins.api import RunFailedError
    from licaudit.plugins.config import load_config_file
    from licaudit.plugins.discovery import load_plugin
    from licaudit.plugins.report import decision_document, render_decision
    from licaudit.plugins.run_gate import PolicySettings
    from licaudit.plugins.runner import run_subsystem
    from licaudit.terms.flow_rules import Reading, Stance

    knowledge = load_knowledge_or_fail(rules, registry)
    settings = PolicySettings(use, Stance(Reading(stance.value)), policy)
    errors = stderr_console()
    try:
        plugin = load_plugin(subsystem)
        raw = load_config_file(config)
        report = run_subsystem(
            plugin, raw, config, settings, knowledge, overwrite, dry_run, lambda m: errors.print(m, markup=False),
            output_dir,
        )  # fmt: skip
    except RunFailedError as error:
        fail(str(error), ExitCode.INCOMPLETE)
    except LicauditError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; the output's provenance says it is incomplete", ExitCode.INCOMPLETE)
    decision = report.decision
    summary = report.outcome.summary if report.outcome is not None else None
    if output_format is OutputFormat.JSON:
        import json

        doc = decision_document(decision, subsystem, summary)
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        render_decision(decision, stdout_console(), subsystem)
        if report.provenance is not None:
            sys.stdout.write(f"run complete; provenance: {report.provenance}\n")
    exit_with(ExitCode.OK if decision.allowed else ExitCode.POLICY_FAILED)
