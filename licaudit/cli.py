"""The `licaudit` command: flags -> settings -> pipeline -> report -> exit code. Nothing else."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, assert_never

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from licaudit.knowledge import Knowledge
    from licaudit.lineage.crawl import CrawlProgress
    from licaudit.pipeline import TraceResult


class ExitCode(IntEnum):
    OK = 0
    POLICY_FAILED = 1
    USAGE = 2
    INCOMPLETE = 3


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class StanceChoice(StrEnum):
    STRICT = "strict"
    PERMISSIVE = "permissive"


app = typer.Typer(
    name="licaudit",
    help="License and provenance auditor for machine-learning models and datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
registry_app = typer.Typer(help="Browse the curated registry of artifacts.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")
cache_app = typer.Typer(help="The Hub cache (SQLite under LICAUDIT_CACHE_DIR).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Use this rules/ folder instead of the shipped one.", show_default=False)
]
RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", help="Use this registry/ folder instead of the shipped one.", show_default=False),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.", show_default=False)
]


def _stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    from rich.text import Text

    from licaudit.reports.escaping import clean_text

    _stderr_console().print(Text("error: ", style="bold red").append(clean_text(message, limit=4000)))
    raise typer.Exit(code)


def _knowledge(rules: Path | None, registry: Path | None) -> Knowledge:
    from licaudit.errors import LicauditError
    from licaudit.knowledge import load_knowledge

    try:
        return load_knowledge(rules, registry)
    except LicauditError as error:
        _fail(str(error))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    temporary = output.with_name(output.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)  # only a complete report ever appears at --output


@app.command()
def trace(
    artifact: Annotated[str, typer.Argument(help="Artifact id, e.g. tatsu-lab/alpaca-7b-wdiff.")],
    use: Annotated[
        str, typer.Option("--use", "-u", help="Intended use whose verdict sets the exit code.")
    ] = "commercial",
    stance: Annotated[
        StanceChoice, typer.Option("--stance", help="Reading of legally unsettled questions.")
    ] = StanceChoice.STRICT,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
    depth: Annotated[int | None, typer.Option("--depth", min=0, help="Stop after this many ancestor hops.")] = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Registry and cache only, no network (also HF_HUB_OFFLINE=1).")
    ] = False,
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
        float, typer.Option("--rate", min=0.1, help="Politeness: at most this many Hub requests per second.")
    ] = 10.0,
    cache_ttl: Annotated[
        float, typer.Option("--cache-ttl", min=0.0, help="Hours a cached Hub answer stays fresh.")
    ] = 168.0,
) -> None:
    """Trace an artifact's lineage and decide what its effective terms allow."""
    from licaudit.errors import LicauditError, SourceUnreachableError
    from licaudit.pipeline import TraceSettings
    from licaudit.pipeline import trace as run_trace
    from licaudit.sources.hub import HubSettings
    from licaudit.terms.flow_rules import Reading, Stance
    from licaudit.terms.vocabulary import Effect

    knowledge = _knowledge(rules, registry)
    uses = tuple(dict.fromkeys([use, *knowledge.rules.uses]))
    hub = HubSettings(
        offline=offline, refresh=refresh, check_cards=check_cards, workers=workers, timeout=timeout, retries=retries,
        requests_per_second=rate,
        ttl_seconds=cache_ttl * 3600,
    )  # fmt: skip
    settings = TraceSettings(
        uses=uses, stance=Stance(Reading(stance.value)), max_depth=depth, hub=hub, descendants=descendants
    )
    try:
        with _crawl_progress() as progress:
            result = run_trace(artifact, settings, knowledge, progress=progress)
    except SourceUnreachableError as error:
        _fail(str(error), ExitCode.INCOMPLETE)
    except LicauditError as error:
        _fail(str(error))
    if output_format is OutputFormat.JSON:
        from licaudit.reports.json_report import render_json

        _emit(render_json(result), output)
    else:
        from licaudit.reports.terminal import render_terminal

        if output is None:
            render_terminal(result, _stdout_console(), use)
        else:
            from rich.console import Console

            with output.open("w", encoding="utf-8") as handle:
                render_terminal(result, Console(file=handle, width=120, no_color=True), use)
    verdict = result.verdict(use).verdict
    if verdict is not Effect.FORBIDDEN and result.incomplete:  # what is missing could only make it worse
        raise typer.Exit(ExitCode.INCOMPLETE)
    raise typer.Exit(ExitCode.POLICY_FAILED if verdict in (Effect.FORBIDDEN, Effect.UNKNOWN) else ExitCode.OK)


@contextmanager
def _crawl_progress() -> Iterator[Callable[[CrawlProgress], None] | None]:
    """A rich progress bar on stderr while the crawl runs, only on a terminal."""
    console = _stderr_console()
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("crawling"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("", total=1)

        def update(step: CrawlProgress) -> None:
            from rich.markup import escape

            from licaudit.reports.escaping import clean_text

            label = escape(f"depth {step.depth} {clean_text(step.current or '', limit=60)}")
            bar.update(task, completed=step.done, total=step.total, description=label)

        yield update


@cache_app.command("info")
def cache_info(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """Where the Hub cache is, its size, and how many answers it holds."""
    from licaudit.data_cache import default_cache_dir
    from licaudit.reports.cache import cache_document, render_cache_info
    from licaudit.sources.hub_cache import HubCache

    cache = HubCache(default_cache_dir())
    stats = cache.stats()
    cache.close()
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(cache_document(stats), indent=2) + "\n")
    else:
        render_cache_info(stats, _stdout_console())


@cache_app.command("clear")
def cache_clear() -> None:
    """Forget every cached Hub answer (other licaudit tables in the file are kept)."""
    from licaudit.data_cache import default_cache_dir
    from licaudit.sources.hub_cache import HubCache

    cache = HubCache(default_cache_dir())
    removed = cache.clear()
    cache.close()
    sys.stdout.write(f"removed {removed} cached Hub answers from {cache.path}\n")


@app.command()
def explain(
    license_name: Annotated[str, typer.Argument(metavar="LICENSE", help="A license id, Hub id or alias.")],
    output_format: FormatOption = OutputFormat.TEXT,
    rules: RulesOption = None,
) -> None:
    """Show a license's category, terms and the clauses that impose them."""
    from licaudit.errors import DataFileError, UnknownLicenseError
    from licaudit.reports.licenses import license_document, render_license
    from licaudit.shipped import shipped_folder
    from licaudit.terms.catalog import load_catalog

    try:
        catalog = load_catalog((rules or shipped_folder("rules")) / "licenses")
    except DataFileError as error:
        _fail(str(error))
    found = catalog.lookup(license_name)
    if found is None:
        _fail(str(UnknownLicenseError(license_name, catalog.suggest(license_name))))
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(license_document(found), indent=2, ensure_ascii=False) + "\n")
    else:
        render_license(found, _stdout_console())


@registry_app.command("list")
def registry_list(
    kind: Annotated[str | None, typer.Option("--kind", help="model, dataset or service.")] = None,
    output_format: FormatOption = OutputFormat.TEXT,
    registry: RegistryOption = None,
    rules: RulesOption = None,
) -> None:
    """List the artifacts the registry knows."""
    from licaudit.reports.registry import registry_list_document, render_registry_list

    knowledge = _knowledge(rules, registry)
    records = [r for r in knowledge.registry.records.values() if kind is None or r.kind.value == kind]
    records.sort(key=lambda r: r.id.lower())
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(registry_list_document(records, knowledge), indent=2, ensure_ascii=False) + "\n")
    else:
        render_registry_list(records, knowledge, _stdout_console())


@registry_app.command("show")
def registry_show(
    artifact: Annotated[str, typer.Argument(help="Artifact id or alias.")],
    output_format: FormatOption = OutputFormat.TEXT,
    registry: RegistryOption = None,
    rules: RulesOption = None,
) -> None:
    """Show one registry record with its sources and quotes."""
    from licaudit.errors import UnknownArtifactError
    from licaudit.reports.registry import record_document, render_record

    knowledge = _knowledge(rules, registry)
    record = knowledge.registry.get(artifact)
    if record is None:
        _fail(str(UnknownArtifactError(artifact, knowledge.registry.suggest(artifact))))
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(record_document(record, knowledge), indent=2, ensure_ascii=False) + "\n")
    else:
        render_record(record, knowledge, _stdout_console())


class ExportFormat(StrEnum):
    SPDX2 = "spdx2"
    SPDX3 = "spdx3"
    CYCLONEDX = "cyclonedx"
    GRAPHML = "graphml"
    DOT = "dot"
    MERMAID = "mermaid"
    HTML = "html"


class NoticeFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"


def _traced_for_export(
    artifact: str,
    use: str | None,
    stance: StanceChoice,
    depth: int | None,
    rules: Path | None,
    registry: Path | None,
    offline: bool,
) -> TraceResult:
    """The same trace as `licaudit trace` (registry, cache, Hub or folder), with default Hub settings."""
    from licaudit.errors import LicauditError, SourceUnreachableError
    from licaudit.pipeline import TraceSettings
    from licaudit.pipeline import trace as run_trace
    from licaudit.sources.hub import HubSettings
    from licaudit.terms.flow_rules import Reading, Stance

    knowledge = _knowledge(rules, registry)
    uses = tuple(dict.fromkeys([*([use] if use else []), *knowledge.rules.uses]))
    settings = TraceSettings(
        uses=uses, stance=Stance(Reading(stance.value)), max_depth=depth, hub=HubSettings(offline=offline)
    )
    try:
        with _crawl_progress() as progress:
            return run_trace(artifact, settings, knowledge, progress=progress)
    except SourceUnreachableError as error:
        _fail(str(error), ExitCode.INCOMPLETE)
    except LicauditError as error:
        _fail(str(error))


def _exit_for_export(result: TraceResult) -> None:
    """An export is a document, not a gate: 0, or 3 when a source did not answer (a re-run resumes)."""
    if result.incomplete:
        _stderr_console().print("warning: a source did not answer; the document covers what was reached")
        raise typer.Exit(ExitCode.INCOMPLETE)


OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Registry and cache only, no network (also HF_HUB_OFFLINE=1).")
]


def _creation_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible documents), else now; whole seconds, UTC."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            _fail(f"SOURCE_DATE_EPOCH must be a Unix time in seconds, not {epoch!r}")
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


@app.command()
def export(
    artifact: Annotated[str, typer.Argument(help="Artifact id, e.g. tatsu-lab/alpaca-7b-wdiff.")],
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Document format.")],
    output: OutputOption = None,
    use: Annotated[
        str, typer.Option("--use", "-u", help="Use whose verdict colours graphs and the HTML report.")
    ] = "commercial",
    stance: Annotated[
        StanceChoice, typer.Option("--stance", help="Reading of legally unsettled questions.")
    ] = StanceChoice.STRICT,
    depth: Annotated[int | None, typer.Option("--depth", min=0, help="Stop after this many ancestor hops.")] = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: OfflineOption = False,
) -> None:
    """Export the traced lineage as SPDX, CycloneDX, a graph or a self-contained HTML report."""
    from licaudit.errors import LicauditError

    result = _traced_for_export(artifact, use, stance, depth, rules, registry, offline)
    try:
        text = _render_export(result, export_format, use)
    except LicauditError as error:
        _fail(str(error))
    _emit(text, output)
    _exit_for_export(result)


def _render_export(result: TraceResult, export_format: ExportFormat, use: str) -> str:
    match export_format:
        case ExportFormat.SPDX2:
            from licaudit.reports.spdx2 import render_spdx2

            text = render_spdx2(result, _creation_time())
        case ExportFormat.SPDX3:
            from licaudit.reports.spdx3 import render_spdx3

            text = render_spdx3(result, _creation_time())
        case ExportFormat.CYCLONEDX:
            from licaudit.reports.cyclonedx import render_cyclonedx

            text = render_cyclonedx(result, _creation_time())
        case ExportFormat.GRAPHML:
            from licaudit.reports.graphml import render_graphml

            text = render_graphml(result)
        case ExportFormat.DOT:
            from licaudit.reports.dot import render_dot

            text = render_dot(result, use)
        case ExportFormat.MERMAID:
            from licaudit.reports.mermaid import render_mermaid

            text = render_mermaid(result, use)
        case ExportFormat.HTML:
            from licaudit.reports.html import render_html

            text = render_html(result, use)
        case _:
            assert_never(export_format)
    return text


@app.command()
def notice(
    artifact: Annotated[str, typer.Argument(help="Artifact id, e.g. meta-llama/Llama-2-7b-hf.")],
    notice_format: Annotated[NoticeFormat, typer.Option("--format", "-f", help="Notice format.")] = NoticeFormat.TEXT,
    output: OutputOption = None,
    stance: Annotated[
        StanceChoice, typer.Option("--stance", help="Reading of legally unsettled questions.")
    ] = StanceChoice.STRICT,
    depth: Annotated[int | None, typer.Option("--depth", min=0, help="Stop after this many ancestor hops.")] = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: OfflineOption = False,
) -> None:
    """Write the attribution notices someone redistributing the artifact must ship."""
    from licaudit.reports.notice import render_notice_markdown, render_notice_text

    result = _traced_for_export(artifact, None, stance, depth, rules, registry, offline)
    render = render_notice_markdown if notice_format is NoticeFormat.MARKDOWN else render_notice_text
    _emit(render(result), output)
    _exit_for_export(result)


@app.command()
def version() -> None:
    """Print licaudit's version."""
    from licaudit import __version__

    sys.stdout.write(f"licaudit {__version__}\n")


def main() -> None:
    app()
