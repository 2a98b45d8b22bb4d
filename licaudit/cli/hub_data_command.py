"""`licaudit import` and `licaudit audit`: Hub card dumps imported locally, then audited all at once."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from licaudit.knowledge import Knowledge
    from licaudit.sources.dpi.layer import CollectionLayer


class AuditFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class ImportFormat(StrEnum):
    AUTO = "auto"
    DUMP = "dump"
    DPI = "dpi"


@app.command("import")
def import_dump(
    dumps: Annotated[
        list[Path],
        typer.Argument(
            help="Card dumps (.parquet or .jsonl files), or a Data Provenance Collection checkout (a folder).",
            show_default=False,
        ),
    ],
    import_format: Annotated[
        ImportFormat,
        typer.Option("--format", help="auto: a folder is a Data Provenance Collection checkout, a file a dump."),
    ] = ImportFormat.AUTO,
    revision: Annotated[
        str | None,
        typer.Option("--revision", help="The collection's commit, when the checkout is not a git clone."),
    ] = None,
) -> None:
    """Import Hub card dumps (librarian-bots shape) or the Data Provenance Collection into the local
    cache; re-run to resume or update."""
    from licaudit.sources.dpi.collection import is_checkout

    collections: list[Path] = []
    files: list[Path] = []
    for given in dumps:
        wants_collection = import_format is ImportFormat.DPI or (import_format is ImportFormat.AUTO and given.is_dir())
        if wants_collection:
            if not is_checkout(given):
                fail(f"{given} is not a Data Provenance Collection checkout (data_summaries/*.json beside constants/)")
            collections.append(given)
        elif not given.is_file():
            fail(f"no such dump file: {given}")
        else:
            files.append(given)
    incomplete = _import_collections(collections, revision) if collections else False
    incomplete = (_import_dumps(files) if files else False) or incomplete
    exit_with(ExitCode.INCOMPLETE if incomplete else ExitCode.OK)


def _import_collections(folders: list[Path], revision: str | None) -> bool:
    """Each checkout into the curated layer; True when a file of one could not be read."""
    import time

    from licaudit.reports.collection_import import render_collection_import
    from licaudit.sources.dpi.collection import read_checkout
    from licaudit.sources.dpi.store import CollectionStore
    from licaudit.sources.dumps.store import default_database

    incomplete = False
    with CollectionStore(default_database()) as store:
        for folder in folders:
            started = time.perf_counter()
            summary = store.import_checkout(read_checkout(folder, revision))
            summary.seconds = time.perf_counter() - started  # reading the files included
            records, artifacts = store.counts()
            sys.stderr.write(render_collection_import(summary, records, artifacts))
            incomplete = incomplete or bool(summary.problems)
    return incomplete


def _import_dumps(dumps: list[Path]) -> bool:
    from licaudit.reports.audit_report import render_import_summary
    from licaudit.sources.dumps.store import DumpStore

    def show(rows: int) -> None:
        sys.stderr.write(f"\r{rows:,} rows")

    incomplete = False
    tty = sys.stderr.isatty()
    with DumpStore() as store:
        for dump in dumps:
            summary = store.import_dump(dump, progress=show if tty else None)
            sys.stderr.write(("\r" if tty else "") + render_import_summary(summary))
            incomplete = incomplete or any(p.number == 0 and p.skipped for p in summary.problems)
    return incomplete


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
            collection = _collection(knowledge)
            try:
                graph = load_audit_graph(store, knowledge, collection)
            finally:
                if collection is not None:
                    collection.store.close()
            result = run_audit(graph, knowledge, settings, store.card_error_count())
    except LicauditError as error:
        fail(str(error))
    render = {
        AuditFormat.TEXT: audit_report.render_audit_text,
        AuditFormat.JSON: audit_report.render_audit_json,
        AuditFormat.MARKDOWN: audit_report.render_audit_markdown,
    }[output_format]
    emit(render(result), output)
    exit_with(ExitCode.POLICY_FAILED if result.laundering_total else ExitCode.OK)


def _collection(knowledge: "Knowledge") -> "CollectionLayer | None":
    """The imported Data Provenance Collection, if any was imported into this cache."""
    from licaudit.sources.dpi.layer import CollectionLayer
    from licaudit.sources.dpi.store import CollectionStore, has_collection
    from licaudit.sources.dumps.store import default_database
    from licaudit.terms.identify import CatalogIdentifier

    database = default_database()
    if not has_collection(database):
        return None
    return CollectionLayer(CollectionStore(database), knowledge.registry, CatalogIdentifier(knowledge.catalog))
