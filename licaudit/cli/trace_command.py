"""`licaudit trace` and `licaudit explain`: one artifact's lineage and verdicts, one license's terms."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from licaudit.cli.app import app
from licaudit.cli.exit_codes import ExitCode, exit_for_verdict, fail, fail_unknown_artifact, promise_json_document
from licaudit.cli.options import (
    DepthOption,
    FormatOption,
    OfflineOption,
    OutputFormat,
    OutputOption,
    RegistryOption,
    RulesOption,
    StanceChoice,
    StanceOption,
    UseOption,
    command_source,
    load_knowledge_or_fail,
    trace_settings,
)
from licaudit.cli.output import emit, emit_rendered, stderr_console, stderr_may_be_terminal, stdout_console

DEFAULT_MAX_PARENTS = 256  # licaudit.lineage.fan_out's default, literal here: the CLI starts without it

if TYPE_CHECKING:
    from pathlib import Path

    from licaudit.knowledge import Knowledge
    from licaudit.lineage.crawl import CrawlProgress
    from licaudit.pipeline import TraceResult, TraceSettings
    from licaudit.terms.catalog import Catalog


@app.command()
def trace(
    artifact: Annotated[str, typer.Argument(help="Artifact id, e.g. tatsu-lab/alpaca-7b-wdiff.")],
    use: UseOption = "commercial",
    stance: StanceOption = StanceChoice.STRICT,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
    depth: DepthOption = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: OfflineOption = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Refetch from the Hub even what is cached.")] = False,
    check_cards: Annotated[
        bool,
        typer.Option("--check-cards", help="Also read the Hub cards of registry artifacts; report disagreements."),
    ] = False,
    descendants: Annotated[
        int, typer.Option("--descendants", min=0, help="List up to N models the Hub says build on the target.")
    ] = 0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Concurrent Hub lookups.")] = 8,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds per Hub request.")] = 10.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=10, help="Retries per Hub request (backoff, Retry-After).")
    ] = 4,
    rate: Annotated[
        float, typer.Option("--rate", min=0.1, help="Politeness: Hub requests per second once a burst of 500 is spent.")
    ] = 10.0,
    cache_ttl: Annotated[
        float, typer.Option("--cache-ttl", min=0.0, help="Hours a cached Hub answer stays fresh.")
    ] = 168.0,
    max_parents: Annotated[
        int,
        typer.Option("--max-parents", min=1, help="Parents followed per artifact; past it, terms are unknown."),
    ] = DEFAULT_MAX_PARENTS,
    max_artifacts: Annotated[
        int | None,
        typer.Option(
            "--max-artifacts", min=1, help="Stop looking up after this many artifacts (exit 3).", show_default=False
        ),
    ] = None,
    time_budget: Annotated[
        float | None,
        typer.Option("--time-budget", min=0.0, help="Seconds the crawl may take (exit 3 past it).", show_default=False),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Text report: add each term's quoted clause and its source.")
    ] = False,
) -> None:
    """Trace an artifact's lineage and decide what its effective terms allow."""
    from dataclasses import replace

    from licaudit.lineage.fan_out import TraceBudget
    from licaudit.sources.hub.settings import HubSettings

    if output_format is OutputFormat.JSON:
        from licaudit.reports.json_report import JSON_SCHEMA_VERSION

        promise_json_document(artifact, JSON_SCHEMA_VERSION)

    knowledge = load_knowledge_or_fail(rules, registry)
    hub = HubSettings(
        offline=offline, refresh=refresh, check_cards=check_cards, workers=workers, timeout=timeout, retries=retries,
        requests_per_second=rate,
        ttl_seconds=cache_ttl * 3600,
    )  # fmt: skip
    settings = trace_settings(knowledge, use, stance, depth, hub, descendants)
    settings = replace(settings, budget=TraceBudget(max_parents, max_artifacts, time_budget))
    result = traced(artifact, settings, knowledge)
    if output_format is OutputFormat.JSON:
        from licaudit.reports.json_report import render_json

        emit(render_json(result), output)
    else:
        from licaudit.reports.terminal import render_terminal

        emit_rendered(lambda console: render_terminal(result, console, use, explain), output)
    exit_for_verdict(result.verdict(use).verdict, result.incomplete)


def traced(artifact: str, settings: "TraceSettings", knowledge: "Knowledge") -> "TraceResult":
    """The trace every command shares (registry, cache, Hub or folder) through the command's one
    source; errors end the command, the source closed first."""
    from licaudit.errors import LicauditError, SourceUnreachableError, UnknownArtifactError
    from licaudit.pipeline import trace as run_trace

    assert settings.hub is not None
    try:
        with command_source(knowledge, settings.hub) as source, crawl_progress() as progress:
            return run_trace(artifact, settings, knowledge, progress=progress, source=source)
    except SourceUnreachableError as error:
        fail(str(error), ExitCode.INCOMPLETE)
    except UnknownArtifactError as error:
        fail_unknown_artifact(str(error))
    except LicauditError as error:
        fail(str(error))


@contextmanager
def crawl_progress() -> Iterator[Callable[["CrawlProgress"], None] | None]:
    """A rich progress bar on stderr while the crawl runs, only on a terminal."""
    if not stderr_may_be_terminal():
        yield None  # rich would say "not a terminal" too; not importing it saves ~40 ms of start-up
        return
    console = stderr_console()
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("crawling"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("", total=1)

        def update(step: "CrawlProgress") -> None:
            from rich.markup import escape

            from licaudit.reports.escaping import clean_text

            label = escape(f"depth {step.depth} {clean_text(step.current or '', limit=60)}")
            bar.update(task, completed=step.done, total=step.total, description=label)

        yield update


@app.command()
def explain(
    license_name: Annotated[
        str,
        typer.Argument(metavar="LICENSE", help="A license id, Hub id or alias, or any string a card holds."),
    ],
    output_format: FormatOption = OutputFormat.TEXT,
    rules: RulesOption = None,
) -> None:
    """Show a license's category, terms and the clauses that impose them; for any other string
    (a name spelled otherwise, a URL, a sentence, a license text) how licaudit reads it."""
    from licaudit.errors import DataFileError
    from licaudit.reports.licenses import license_document, render_license
    from licaudit.shipped import shipped_folder
    from licaudit.terms.catalog import load_catalog

    try:
        catalog = load_catalog((rules or shipped_folder("rules")) / "licenses")
    except DataFileError as error:
        fail(str(error))
    found = catalog.lookup(license_name)
    if found is None:
        _explain_reading(license_name, output_format, rules, catalog)
        return
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(license_document(found), indent=2, ensure_ascii=False) + "\n")
    else:
        render_license(found, stdout_console())


def _explain_reading(text: str, output_format: OutputFormat, rules: "Path | None", catalog: "Catalog") -> None:
    """A string the catalog does not know by name: how the recogniser reads it (exit 2 when it
    finds nothing at all, as for an unknown license name)."""
    from licaudit.errors import UnknownLicenseError
    from licaudit.reports.license_reading import reading_document, render_reading

    knowledge = load_knowledge_or_fail(rules, None)
    document = reading_document(text, knowledge)
    if not document["licenses"] and not document["restrictions"]:
        fail(str(UnknownLicenseError(text, catalog.suggest(text))))
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        render_reading(text, knowledge, stdout_console())
