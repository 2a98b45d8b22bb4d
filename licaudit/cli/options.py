"""Options shared by several commands, defined once, and the settings they build."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from licaudit.cli.exit_codes import fail

if TYPE_CHECKING:
    from licaudit.knowledge import Knowledge
    from licaudit.pipeline import TraceSettings
    from licaudit.sources.hub.settings import HubSettings
    from licaudit.sources.resolution import LayeredSource


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class StanceChoice(StrEnum):
    STRICT = "strict"
    PERMISSIVE = "permissive"


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


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
UseOption = Annotated[str, typer.Option("--use", "-u", help="Intended use whose verdict sets the exit code.")]
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
ShowUnresolvedOption = Annotated[
    bool,
    typer.Option(
        "--show-unresolved", help="List each reference known only at run time (text report; counted otherwise)."
    ),
]


def load_knowledge_or_fail(rules: Path | None, registry: Path | None) -> "Knowledge":
    from licaudit.errors import LicauditError
    from licaudit.knowledge import load_knowledge

    try:
        return load_knowledge(rules, registry)
    except LicauditError as error:
        fail(str(error))


def trace_settings(
    knowledge: "Knowledge",
    use: str | None,
    stance: StanceChoice,
    depth: int | None,
    hub: "HubSettings",
    descendants: int = 0,
) -> "TraceSettings":
    """The settings of one trace: the asked use first, then every other use the rules know."""
    from licaudit.pipeline import TraceSettings
    from licaudit.terms.flow_rules import Reading, Stance

    uses = tuple(dict.fromkeys([*([use] if use else []), *knowledge.rules.uses]))
    return TraceSettings(
        uses=uses,
        stance=Stance(Reading(stance.value)),
        max_depth=depth,
        hub=hub,
        descendants=descendants,
    )


def command_source(knowledge: "Knowledge", hub: "HubSettings") -> "LayeredSource":
    """The one source of a command run (registry, imported dumps, folders, the Hub through the cache);
    commands hold it in a `with` block, so it is closed on every path. Nothing opens until used."""
    from licaudit.sources.resolution import open_source
    from licaudit.terms.identify import CatalogIdentifier

    return open_source(knowledge.registry, hub, CatalogIdentifier(knowledge.catalog, knowledge.normaliser))
