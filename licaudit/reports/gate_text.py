"""The gate's terminal report: a table of findings, then the lineage of each failing artifact."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from licaudit.gate import ArtifactStatus, GateResult, GateStatus
from licaudit.reports.escaping import clean_text
from licaudit.reports.terminal import EFFECT_STYLE, SEVERITY_STYLE, lineage_tree, safe

_STATUS_STYLE = {GateStatus.PASSED: "bold green", GateStatus.FAILED: "bold red", GateStatus.INCOMPLETE: "bold magenta"}


def render_gate_text(result: GateResult, console: Console) -> None:
    policy = result.policy
    console.print(
        Text.assemble(
            (f"licaudit {result.kind}: ", "bold"),
            (result.status.value.upper(), _STATUS_STYLE[result.status]),
            (f"   policy {policy.source} · uses {', '.join(policy.uses)} · stance {policy.stance.label}", "dim"),
            (f" · fails on {policy.fail_on.value} · {result.today.isoformat()}", "dim"),
        )
    )
    if not result.references and result.kind == "gate":
        console.print("No models or datasets were found: nothing to check.")
    if result.artifacts:
        table = Table(title="Artifacts", title_justify="left", show_lines=False)
        for column in ("artifact", "license", "verdicts", "status", "referenced at"):
            table.add_column(column)
        for outcome in result.artifacts:
            verdicts = Text()
            for use, effect in outcome.verdicts:
                verdicts.append(f"{use}: ").append(effect.value, style=EFFECT_STYLE[effect]).append(" ")
            where = ", ".join(f"{r.location.file}:{r.location.line}" for r in outcome.references[:2])
            if len(outcome.references) > 2:
                where += f" (+{len(outcome.references) - 2})"
            table.add_row(
                safe(outcome.id or outcome.requested, "bold"),
                safe(outcome.license or "–"),
                verdicts,
                Text(outcome.status.value, style="red" if outcome.status is not ArtifactStatus.PASSED else "green"),
                safe(where),
            )
        console.print(table)
    if result.findings:
        table = Table(title="Findings", title_justify="left")
        for column in ("severity", "rule", "artifact", "where", "message"):
            table.add_column(column, overflow="fold")
        for finding in result.findings:
            severity = Text(finding.severity.value, style=SEVERITY_STYLE[finding.severity.value])
            if finding.waiver is not None:
                severity = Text("waived", style="dim")
            where = ", ".join(f"{loc.file}:{loc.line}" for loc in finding.locations[:2])
            if len(finding.locations) > 2:
                where += f" (+{len(finding.locations) - 2})"
            message = safe(finding.message)
            if finding.waiver is not None:
                waiver = finding.waiver
                message.append(
                    f"  [waiver: {waiver.reason.value}, {waiver.approved_by}, until {waiver.expires}]", "dim"
                )
            table.add_row(severity, safe(finding.kind.value), safe(finding.artifact), safe(where), message)
        console.print(table)
    for outcome in result.artifacts:
        if outcome.status is ArtifactStatus.FAILED and outcome.trace is not None:
            console.print(Text.assemble(("Lineage of ", "bold"), safe(outcome.id, "bold red")))
            console.print(lineage_tree(outcome.trace))
    if result.card is not None and result.card.needs_fix:
        console.print(
            Panel(
                Text("\n".join(clean_text(line) for line in result.card.corrected_front_matter.splitlines())),
                title="Corrected front matter (write it with --fix)",
                expand=False,
            )
        )
    blocking = len(result.blocking)
    console.print(
        Text(
            f"{blocking} blocking finding(s), {sum(1 for f in result.findings if f.waiver)} waived",
            style="red" if blocking else "green",
        )
    )
