"""`licaudit export` and `licaudit notice`: the traced lineage as documents (SPDX, CycloneDX, graphs, HTML)."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, assert_never

import typer

from licaudit.cli.app import app
from licaudit.cli.exit_codes import exit_for_document, fail
from licaudit.cli.options import (
    DepthOption,
    OfflineOption,
    OutputOption,
    RegistryOption,
    RulesOption,
    StanceChoice,
    StanceOption,
    load_knowledge_or_fail,
    trace_settings,
)
from licaudit.cli.output import emit
from licaudit.cli.trace_command import traced

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from licaudit.pipeline import TraceResult


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
    rules: "Path | None",
    registry: "Path | None",
    offline: bool,
) -> "TraceResult":
    """The same trace as `licaudit trace` (registry, cache, Hub or folder), with default Hub settings."""
    from licaudit.sources.hub.settings import HubSettings

    knowledge = load_knowledge_or_fail(rules, registry)
    return traced(artifact, trace_settings(knowledge, use, stance, depth, HubSettings(offline=offline)), knowledge)


def _creation_time() -> "dt.datetime":
    """SOURCE_DATE_EPOCH when set (reproducible documents), else now; whole seconds, UTC."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            fail(f"SOURCE_DATE_EPOCH must be a Unix time in seconds, not {epoch!r}")
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
        fail(str(error))
    emit(text, output)
    exit_for_document(result.incomplete)


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
    emit(render(result), output)
    exit_for_document(result.incomplete)
