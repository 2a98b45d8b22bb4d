"""The gate's and `check`'s text report, written for CI logs (80 columns, no TTY) and terminals alike.

Compiler style: one line per finding (`path:line:col: error use-forbidden org/model: message`, its fix
on the next line), then each artifact with its verdict on one line, what the repository produces, one
line counting the references known only at run time (`--show-unresolved` lists them), the lineage of
each failing artifact, and a one-line summary. Lines are never wrapped or cut: a log viewer wraps them.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from licaudit.findings import FindingKind
from licaudit.gate import ArtifactOutcome, ArtifactStatus, GateResult, GateStatus
from licaudit.locations import Location
from licaudit.policy.policy_evaluation import GateFinding
from licaudit.reports.escaping import clean_text
from licaudit.reports.terminal import EFFECT_STYLE, SEVERITY_STYLE, lineage_lines, safe

_STATUS_STYLE = {GateStatus.PASSED: "bold green", GateStatus.FAILED: "bold red", GateStatus.INCOMPLETE: "bold magenta"}
_ARTIFACT_STYLE = {
    ArtifactStatus.PASSED: "green",
    ArtifactStatus.FAILED: "red",
    ArtifactStatus.UNRESOLVED: "magenta",
    ArtifactStatus.INCOMPLETE: "magenta",
}
_RUN_TIME = FindingKind.UNRESOLVABLE_REFERENCE


def render_gate_text(result: GateResult, console: Console, show_unresolved: bool = False) -> None:
    def line(text: Text | str = "") -> None:
        console.print(text, soft_wrap=True, highlight=False)

    run_time = [f for f in result.findings if f.kind is _RUN_TIME]
    shown = [f for f in result.findings if f.kind is not _RUN_TIME or show_unresolved]
    templates = {r.location: r.template for r in result.references if r.template is not None}
    for finding in sorted(shown, key=_place):
        text = _finding_line(finding, result.root)
        template = next((templates[loc] for loc in finding.locations if loc in templates), None)
        if template is not None:
            text.append_text(Text.assemble(" (template ", safe(template, "bold"), ")"))
        line(text)
        if finding.fix:
            line(Text.assemble(("    fix: ", "dim"), safe(finding.fix)))
    if shown:
        line()
    if not result.references and result.kind == "gate":
        line("No models or datasets were found: nothing to check.")
    if result.artifacts:
        line(Text("artifacts:", style="bold"))
        width = max(len(clean_text(a.id or a.requested)) for a in result.artifacts)
        for outcome in result.artifacts:
            line(_artifact_line(outcome, min(width, 48)))
    if result.produced:
        line(Text("produces (written or published here; not gated):", style="bold"))
        for reference in result.produced:
            line(Text.assemble("  ", safe(reference.artifact), ("  " + _where(reference.location), "dim")))
    if run_time and not show_unresolved:
        count = sum(len(f.locations) or 1 for f in run_time)
        blocking = sum(1 for f in run_time if f.blocks(result.policy.fail_on))
        line(
            Text(
                f"{count} reference(s) known only at run time ({run_time[0].severity.value} "
                f"{_RUN_TIME.value}{', blocking' if blocking else ''}): name them in the `artifacts:` manifest; "
                "--show-unresolved lists them",
                style="yellow",
            )
        )
    for outcome in result.artifacts:
        if outcome.status is ArtifactStatus.FAILED and outcome.trace is not None:
            line(Text.assemble(("Lineage of ", "bold"), safe(outcome.id, "bold red")))
            for text in lineage_lines(outcome.trace):
                line(Text("  ").append_text(text))
    if result.card is not None and result.card.needs_fix:
        line(Text("corrected front matter (write it with --fix):", style="bold"))
        for front in result.card.corrected_front_matter.splitlines():
            line(Text("  " + clean_text(front)))
    line(_summary(result))


def _place(finding: GateFinding) -> tuple[int, str, int, int, int, str]:
    """Findings in file order (a compiler's), those without a place last, errors first within a line."""
    if not finding.locations:
        return (1, "", 0, 0, -finding.severity.rank, finding.rule)
    first = finding.locations[0]
    return (0, first.file, first.line, first.column, -finding.severity.rank, finding.rule)


def _finding_line(finding: GateFinding, root: str) -> Text:
    where = _where(finding.locations[0]) if finding.locations else root
    severity = "waived" if finding.waiver is not None else finding.severity.value
    text = Text.assemble(
        safe(where),
        ": ",
        (severity, "dim" if finding.waiver is not None else SEVERITY_STYLE[finding.severity.value]),
        " ",
        safe(finding.rule, "bold"),
        " ",
        safe(finding.artifact, "bold"),
        ": ",
        safe(_without_subject(finding.message, finding.artifact)),
    )
    if len(finding.locations) > 1:
        text.append(f" (and {len(finding.locations) - 1} more place(s))", style="dim")
    if finding.waiver is not None:
        waiver = finding.waiver
        text.append(
            f" [waiver: {waiver.reason.value}, {clean_text(waiver.approved_by)}, until {waiver.expires}]", "dim"
        )
    return text


def _without_subject(message: str, artifact: str) -> str:
    """`org/x may not be used ...` -> `may not be used ...`: the line already names the artifact."""
    for prefix in (f"{artifact}: ", f"{artifact} "):
        if message.startswith(prefix) and len(message) > len(prefix):
            return message[len(prefix) :]
    return message


def _artifact_line(outcome: ArtifactOutcome, width: int) -> Text:
    name = clean_text(outcome.id or outcome.requested)
    text = Text("  ")
    text.append(f"{outcome.status.value:<11}", style=_ARTIFACT_STYLE[outcome.status])
    text.append(name.ljust(width), style="bold")
    text.append("  ").append_text(safe(outcome.license or "license unknown", "blue"))
    for use, effect in outcome.verdicts:
        text.append(f"  {use}: ").append(effect.value, style=EFFECT_STYLE[effect])
    if outcome.references:
        where = _where(outcome.references[0].location)
        more = len(outcome.references) - 1
        text.append(f"  {where}" + (f" (+{more})" if more else ""), style="dim")
    return text


def _where(location: Location) -> str:
    return f"{location.file}:{location.line}:{location.column}"


def _summary(result: GateResult) -> Text:
    policy = result.policy
    counts: dict[str, int] = {}
    for outcome in result.artifacts:
        counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1
    tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    blocking = len(result.blocking)
    waived = sum(1 for f in result.findings if f.waiver is not None)
    return Text.assemble(
        (f"licaudit {result.kind}: ", "bold"),
        (result.status.value.upper(), _STATUS_STYLE[result.status]),
        f" · {len(result.artifacts)} artifact(s)" + (f" ({tally})" if tally else ""),
        (f" · {blocking} blocking finding(s), {waived} waived", "red" if blocking else "green"),
        (
            f" · policy {clean_text(policy.source)}, uses {', '.join(policy.uses)}, stance {policy.stance.label},"
            f" fails on {policy.fail_on.value} · {result.today.isoformat()}",
            "dim",
        ),
    )
