"""The `licaudit` command: flags -> settings -> pipeline -> report -> exit code. Nothing else."""

# No `from __future__ import annotations` here: typer reads every command's signature twice when
# it builds the CLI, and string annotations are re-evaluated each time (~15 ms of every start-up).
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, assert_never

import typer

if TYPE_CHECKING:
    import datetime as dt

    from rich.console import Console

    from licaudit.gate import GateResult
    from licaudit.knowledge import Knowledge
    from licaudit.lineage.crawl import CrawlProgress
    from licaudit.pipeline import TraceResult
    from licaudit.policy.policy_file import Policy


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

RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Use this rules/ folder instead of the shipped one.", show_default=False)
]
RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", help="Use this registry/ folder instead of the shipped one.", show_default=False),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
StanceOption = Annotated[StanceChoice, typer.Option("--stance", help="Reading of legally unsettled questions.")]
DepthOption = Annotated[int | None, typer.Option("--depth", min=0, help="Stop after this many ancestor hops.")]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Registry and cache only, no network (also HF_HUB_OFFLINE=1).")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.", show_default=False)
]


def _stdout_console() -> "Console":
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _stderr_console() -> "Console":
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    from rich.text import Text

    from licaudit.reports.escaping import clean_text

    _stderr_console().print(Text("error: ", style="bold red").append(clean_text(message, limit=4000)))
    raise typer.Exit(code)


def _knowledge(rules: Path | None, registry: Path | None) -> "Knowledge":
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
    from licaudit.sources.hub_settings import HubSettings
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


def _stderr_may_be_terminal() -> bool:
    """False only where rich's `Console.is_terminal` is surely False: no TTY_COMPATIBLE or
    FORCE_COLOR override and stderr is not a TTY."""
    import os

    if os.environ.get("TTY_COMPATIBLE", "") in ("0", "1") or "FORCE_COLOR" in os.environ:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


@contextmanager
def _crawl_progress() -> Iterator[Callable[["CrawlProgress"], None] | None]:
    """A rich progress bar on stderr while the crawl runs, only on a terminal."""
    if not _stderr_may_be_terminal():
        yield None  # rich would say "not a terminal" too; not importing it saves ~40 ms of start-up
        return
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

        def update(step: "CrawlProgress") -> None:
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
        _stdout_console().print(table)
    if broken:
        _fail("; ".join(str(row["error"]) for row in rows if "error" in row))


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
    from licaudit.plugins.gate import PolicySettings
    from licaudit.plugins.report import decision_document, render_decision
    from licaudit.plugins.runner import run_subsystem
    from licaudit.terms.flow_rules import Reading, Stance

    knowledge = _knowledge(rules, registry)
    settings = PolicySettings(use, Stance(Reading(stance.value)), policy)
    errors = _stderr_console()
    try:
        plugin = load_plugin(subsystem)
        raw = load_config_file(config)
        report = run_subsystem(
            plugin, raw, config, settings, knowledge, overwrite, dry_run, lambda m: errors.print(m, markup=False),
            output_dir,
        )  # fmt: skip
    except RunFailedError as error:
        _fail(str(error), ExitCode.INCOMPLETE)
    except LicauditError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted; the output's provenance says it is incomplete", ExitCode.INCOMPLETE)
    decision = report.decision
    summary = report.outcome.summary if report.outcome is not None else None
    if output_format is OutputFormat.JSON:
        import json

        doc = decision_document(decision, subsystem, summary)
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        render_decision(decision, _stdout_console(), subsystem)
        if report.provenance is not None:
            sys.stdout.write(f"run complete; provenance: {report.provenance}\n")
    raise typer.Exit(ExitCode.OK if decision.allowed else ExitCode.POLICY_FAILED)


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
) -> "TraceResult":
    """The same trace as `licaudit trace` (registry, cache, Hub or folder), with default Hub settings."""
    from licaudit.errors import LicauditError, SourceUnreachableError
    from licaudit.pipeline import TraceSettings
    from licaudit.pipeline import trace as run_trace
    from licaudit.sources.hub_settings import HubSettings
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


def _exit_for_export(result: "TraceResult") -> None:
    """An export is a document, not a gate: 0, or 3 when a source did not answer (a re-run resumes)."""
    if result.incomplete:
        _stderr_console().print("warning: a source did not answer; the document covers what was reached")
        raise typer.Exit(ExitCode.INCOMPLETE)


def _creation_time() -> "dt.datetime":
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
    stance: StanceOption = StanceChoice.STRICT,
    depth: DepthOption = None,
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


def _render_export(result: "TraceResult", export_format: ExportFormat, use: str) -> str:
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
    stance: StanceOption = StanceChoice.STRICT,
    depth: DepthOption = None,
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


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


PolicyOption = Annotated[
    str | None,
    typer.Option(
        "--policy", "-p", help="Policy file, or a preset (commercial, research, internal).", show_default=False
    ),
]
FailOnOption = Annotated[
    FailOn | None, typer.Option("--fail-on", help="Lowest unwaived severity that fails.", show_default=False)
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Date for waiver expiry, YYYY-MM-DD (default: today, UTC).", show_default=False),
]
ReportFormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")]


def _gate_run(
    root: Path,
    policy_spec: str | None,
    fail_on: FailOn | None,
    today: str | None,
    rules: Path | None,
    registry: Path | None,
) -> tuple["Knowledge", "Policy", "dt.date"]:
    import datetime as dt

    from licaudit.errors import LicauditError
    from licaudit.findings import Severity
    from licaudit.gate import default_today, resolve_policy

    knowledge = _knowledge(rules, registry)
    try:
        day = dt.date.fromisoformat(today) if today else default_today()
    except ValueError:
        _fail(f"--today must be a date written YYYY-MM-DD, got {today!r}")
    try:
        policy, note = resolve_policy(policy_spec, root, knowledge, day, rules)
    except LicauditError as error:
        _fail(str(error))
    if note:
        _stderr_console().print(f"note: {note}", markup=False)
    return knowledge, policy.with_fail_on(Severity(fail_on.value) if fail_on else None), day


def _gate_report(result: "GateResult", output_format: ReportFormat, output: Path | None) -> None:
    from licaudit.gate import GateStatus

    if output_format is ReportFormat.TEXT:
        from licaudit.reports.gate_text import render_gate_text

        if output is None:
            render_gate_text(result, _stdout_console())
        else:
            from rich.console import Console

            temporary = output.with_name(output.name + ".partial")
            with temporary.open("w", encoding="utf-8") as handle:
                render_gate_text(result, Console(file=handle, width=120, no_color=True))
            temporary.replace(output)
    elif output_format is ReportFormat.JSON:
        from licaudit.reports.gate_json import render_gate_json

        _emit(render_gate_json(result), output)
    elif output_format is ReportFormat.SARIF:
        from licaudit.reports.sarif import render_sarif

        _emit(render_sarif(result), output)
    else:
        from licaudit.reports.markdown import render_markdown

        _emit(render_markdown(result), output)
    codes = {GateStatus.PASSED: ExitCode.OK, GateStatus.FAILED: ExitCode.POLICY_FAILED}
    raise typer.Exit(codes.get(result.status, ExitCode.INCOMPLETE))


@app.command()
def gate(
    path: Annotated[Path, typer.Argument(help="Repository to scan.")] = Path(),
    policy: PolicyOption = None,
    fail_on: FailOnOption = None,
    output_format: ReportFormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    today: TodayOption = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: OfflineOption = False,
) -> None:
    """Find the models and datasets a repository uses and check them against the policy."""
    from licaudit.errors import LicauditError
    from licaudit.gate import gate_repository
    from licaudit.sources.hub_settings import HubSettings

    if not path.is_dir():
        _fail(f"{path} is not a directory")
    knowledge, run_policy, day = _gate_run(path, policy, fail_on, today, rules, registry)
    try:
        result = gate_repository(path, run_policy, knowledge, day, hub=HubSettings(offline=offline))
    except LicauditError as error:
        _fail(str(error))
    _gate_report(result, output_format, output)


@app.command()
def check(
    folder: Annotated[Path, typer.Argument(help="Model folder about to be published (README.md, config.json).")],
    fix: Annotated[bool, typer.Option("--fix", help="Write the corrected front matter into README.md.")] = False,
    policy: PolicyOption = None,
    fail_on: FailOnOption = None,
    output_format: ReportFormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    today: TodayOption = None,
    rules: RulesOption = None,
    registry: RegistryOption = None,
    offline: OfflineOption = False,
) -> None:
    """Pre-release check: resolve a model folder's lineage and check what its card declares."""
    from licaudit.errors import LicauditError
    from licaudit.gate import check_model_folder, write_card_fix
    from licaudit.sources.hub_settings import HubSettings

    if not folder.is_dir():
        _fail(f"{folder} is not a directory")
    knowledge, run_policy, day = _gate_run(Path.cwd(), policy, fail_on, today, rules, registry)
    try:
        result = check_model_folder(folder, run_policy, knowledge, day, hub=HubSettings(offline=offline))
        if fix and result.card is not None and write_card_fix(folder, result.card):
            _stderr_console().print(f"wrote the corrected front matter to {folder / 'README.md'}", markup=False)
            result = check_model_folder(folder, run_policy, knowledge, day, hub=HubSettings(offline=offline))
    except (LicauditError, OSError) as error:
        _fail(str(error))
    _gate_report(result, output_format, output)


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
    from licaudit.sources.dump_store import DumpStore

    def show(rows: int) -> None:
        sys.stderr.write(f"\r{rows:,} rows")

    incomplete = False
    tty = sys.stderr.isatty()
    with DumpStore() as store:
        for dump in dumps:
            if not dump.is_file():
                _fail(f"no such dump file: {dump}")
            summary = store.import_dump(dump, progress=show if tty else None)
            sys.stderr.write(("\r" if tty else "") + render_import_summary(summary))
            incomplete = incomplete or any(p.number == 0 and p.skipped for p in summary.problems)
    raise typer.Exit(ExitCode.INCOMPLETE if incomplete else ExitCode.OK)


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
    from licaudit.sources.dump_store import DumpStore, default_database
    from licaudit.terms.flow_rules import Reading, Stance

    if not default_database().exists():
        _fail("nothing imported yet: run `licaudit import <dump>` first")
    knowledge = _knowledge(rules, registry)
    settings = AuditSettings(use, Stance(Reading(stance.value)), downstream_of, limit)
    try:
        with DumpStore() as store:
            result = run_audit(load_audit_graph(store, knowledge), knowledge, settings, store.card_error_count())
    except LicauditError as error:
        _fail(str(error))
    render = {
        AuditFormat.TEXT: audit_report.render_audit_text,
        AuditFormat.JSON: audit_report.render_audit_json,
        AuditFormat.MARKDOWN: audit_report.render_audit_markdown,
    }[output_format]
    _emit(render(result), output)
    raise typer.Exit(ExitCode.POLICY_FAILED if result.laundering_total else ExitCode.OK)


@app.command()
def version() -> None:
    """Print licaudit's version."""
    from licaudit import __version__

    sys.stdout.write(f"licaudit {__version__}\n")


def main() -> None:
    app()
