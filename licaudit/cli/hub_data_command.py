"""`licaudit import` and `licaudit audit`: Hub card dumps imported locally, then audited all at once."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from licaudit.cli.app import app
from licaudit.cli.exit_codes import ExitCode, exit_with, fail
from licaudit.cli.options import (
    OutputOption,
    RegistryOption,
    RulesOption,
    StanceChoice,
    StanceOption,
    load_knowledge_or_fail,
)
from licaudit.cli.output import emit


class AuditFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command("import")
def import_dump(
    dumps: Annotated[list[Path], typer.Argument(help="Card dumps: .parquet or .jsonl files.", show_default=False)],
) -> None:
    """Import Hub card dumps (librarian-bots shape) into the local cache; re-run to resume or update."""
    from licaudit.reports.audit_report import render_import_summary
    from licaudit.sources.dumps.store import DumpStore

    def show(rows: int) -> None:
        sys.stderr.write(f"\r{rows:,} rows")

    incomplete = False
    tty = sys.stderr.isatty()
    with DumpStore() as store:
        for dump in dumps:
            if not dump.is_file():
                fail(f"no such dump file: {dump}")
            summary = store.import_dump(dump, progress=show if tty else None)
            sys.stderr.write(("\r" if tty else "") + render_import_summary(summary))
            incomplete = incomplete or any(p.number == 0 and p.skipped for p in summary.problems)
    exit_with(ExitCode.INCOMPLETE if incomplete else ExitCode.OK)


@app.command()
def audit(
    use: Annotated[str, typer.Option("--use", "-u", help="Intended use the verdicts are for.")] = "commercial",
    stance: StanceOption = StanceChoice.STRICT,
    downstream_of: Annotated[
        str | None, typer.Option("--downstream-of", help="Only what descends from this artifact or license.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Cases listed (all are counted); 0 = all.")] = 100,
    output_format: Annotated[AuditFormat, typer.Option("--format", "-f", help="Report format.")] = AuditFormat.TEXT,
    output: OutputOption = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
) -> None:
    """Audit every imported artifact at once: license laundering, counts by family and verdict, unknowns."""
    from licaudit.errors import LicauditError
    from licaudit.policy.audit import AuditSettings, load_audit_graph, run_audit
    from licaudit.reports import audit_report
    from licaudit.sources.dumps.store import DumpStore, default_database
    from licaudit.terms.flow_rules import Reading, Stance

    if not default_database().exists():
        fail("nothing imported yet: run `licaudit import <dump>` first")
    knowledge = load_knowledge_or_fail(rules, registry)
    settings = AuditSettings(use, Stance(Reading(stance.value)), downstream_of, limit)
    try:
        with DumpStore() as store:
            result = run_audit(load_audit_graph(store, knowledge), knowledge, settings, store.card_error_count())
    except LicauditError as error:
        fail(str(error))
    render = {
        AuditFormat.TEXT: audit_report.render_audit_text,
        AuditFormat.JSON: audit_report.render_audit_json,
        AuditFormat.MARKDOWN: audit_report.render_audit_markdown,
    }[output_format]
    emit(render(result), output)
    exit_with(ExitCode.POLICY_FAILED if result.laundering_total else ExitCode.OK)
