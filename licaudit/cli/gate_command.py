"""`licaudit gate` and `licaudit check`: a repository or a model folder against the policy, for CI."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from licaudit.cli.app import app
from licaudit.cli.exit_codes import exit_for_gate, fail
from licaudit.cli.options import (
    FailOn,
    FailOnOption,
    OfflineOption,
    OutputOption,
    PolicyOption,
    RegistryOption,
    ReportFormat,
    ReportFormatOption,
    RulesOption,
    ShowUnresolvedOption,
    TodayOption,
    command_source,
    load_knowledge_or_fail,
)
from licaudit.cli.output import emit, emit_rendered, stderr_console

if TYPE_CHECKING:
    import datetime as dt

    from licaudit.gate import GateResult
    from licaudit.knowledge import Knowledge
    from licaudit.policy.policy_file import Policy


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

    knowledge = load_knowledge_or_fail(rules, registry)
    try:
        day = dt.date.fromisoformat(today) if today else default_today()
    except ValueError:
        fail(f"--today must be a date written YYYY-MM-DD, got {today!r}")
    try:
        policy, note = resolve_policy(policy_spec, root, knowledge, day, rules)
    except LicauditError as error:
        fail(str(error))
    if note:
        stderr_console().print(f"note: {note}", markup=False)
    return knowledge, policy.with_fail_on(Severity(fail_on.value) if fail_on else None), day


def _gate_report(
    result: "GateResult", output_format: ReportFormat, output: Path | None, show_unresolved: bool = False
) -> None:
    if output_format is ReportFormat.TEXT:
        from licaudit.reports.gate_text import render_gate_text

        emit_rendered(lambda console: render_gate_text(result, console, show_unresolved), output)
    elif output_format is ReportFormat.JSON:
        from licaudit.reports.gate_json import render_gate_json

        emit(render_gate_json(result), output)
    elif output_format is ReportFormat.SARIF:
        from licaudit.reports.sarif import render_sarif

        emit(render_sarif(result), output)
    else:
        from licaudit.reports.markdown import render_markdown

        emit(render_markdown(result), output)
    exit_for_gate(result.status.value)


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
    show_unresolved: ShowUnresolvedOption = False,
    hf_cache: Annotated[
        bool,
        typer.Option(
            "--hf-cache",
            help="Gate every model and dataset in the local Hugging Face cache (HF_HUB_CACHE) instead of the "
            "repository's code; PATH is where the policy is looked for.",
        ),
    ] = False,
) -> None:
    """Find the models and datasets a repository uses and check them against the policy."""
    from licaudit.errors import LicauditError
    from licaudit.gate import gate_hf_cache, gate_repository
    from licaudit.sources.hub.settings import HubSettings
    from licaudit.sources.local.hf_cache import default_cache_folder

    if not path.is_dir():
        fail(f"{path} is not a directory")
    cache = default_cache_folder()
    if hf_cache and not cache.is_dir():
        fail(f"no Hugging Face cache at {cache} (set HF_HUB_CACHE or HF_HOME)")
    knowledge, run_policy, day = _gate_run(path, policy, fail_on, today, rules, registry)
    hub = HubSettings(offline=offline)
    try:
        with command_source(knowledge, hub) as source:
            if hf_cache:
                result = gate_hf_cache(cache, run_policy, knowledge, day, hub=hub, source=source)
            else:
                result = gate_repository(path, run_policy, knowledge, day, hub=hub, source=source)
    except LicauditError as error:
        fail(str(error))
    _gate_report(result, output_format, output, show_unresolved)


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
    show_unresolved: ShowUnresolvedOption = False,
) -> None:
    """Pre-release check: resolve a model folder's lineage and check what its card declares."""
    from licaudit.errors import LicauditError
    from licaudit.gate import check_model_folder, write_card_fix
    from licaudit.sources.hub.settings import HubSettings

    if not folder.is_dir():
        fail(f"{folder} is not a directory")
    knowledge, run_policy, day = _gate_run(Path.cwd(), policy, fail_on, today, rules, registry)
    hub = HubSettings(offline=offline)
    try:
        with command_source(knowledge, hub) as source:
            result = check_model_folder(folder, run_policy, knowledge, day, hub=hub, source=source)
            if fix and result.card is not None and write_card_fix(folder, result.card):
                stderr_console().print(f"wrote the corrected front matter to {folder / 'README.md'}", markup=False)
                result = check_model_folder(folder, run_policy, knowledge, day, hub=hub, source=source)
    except (LicauditError, OSError) as error:
        fail(str(error))
    _gate_report(result, output_format, output, show_unresolved)
