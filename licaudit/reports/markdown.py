"""The Markdown report: for a pull-request comment or `$GITHUB_STEP_SUMMARY`, failing lineage as Mermaid."""

from __future__ import annotations

import re

from licaudit.artifacts import ArtifactId
from licaudit.gate import ArtifactOutcome, ArtifactStatus, GateResult
from licaudit.policy.policy_evaluation import GateFinding
from licaudit.reports.escaping import clean_text

_STATUS = {"passed": "✅ passed", "failed": "❌ failed", "incomplete": "⚠️ incomplete"}
MAX_ROWS = 200
MAX_GRAPH_NODES = 40


def md(text: object, limit: int = 500) -> str:
    """Untrusted text for a Markdown table cell: no HTML, no pipes, no line breaks."""
    value = clean_text(text, limit)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([|`*_\[\]\\])", r"\\\1", value)


def _mermaid_label(text: str) -> str:
    value = clean_text(text, 120)
    return value.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_markdown(result: GateResult) -> str:
    policy = result.policy
    lines = [
        f"## licaudit {result.kind}: {_STATUS[result.status.value]}",
        "",
        f"Policy `{md(policy.source)}` · uses: {', '.join(policy.uses)} · stance: {md(policy.stance.label)} "
        f"· fails on: {policy.fail_on.value} · date: {result.today.isoformat()}",
        "",
    ]
    if not result.references and result.kind == "gate":
        lines += ["No models or datasets were found in this repository.", ""]
    else:
        lines += [f"{len(result.references)} references to {len(result.artifacts)} artifacts.", ""]
    if result.artifacts:
        lines += ["| artifact | license | verdicts | status |", "| --- | --- | --- | --- |"]
        for outcome in result.artifacts[:MAX_ROWS]:
            verdicts = ", ".join(f"{use}: {effect.value}" for use, effect in outcome.verdicts) or "–"
            lines.append(
                f"| `{md(outcome.id or outcome.requested)}` | {md(outcome.license or '–')} | {verdicts} "
                f"| {outcome.status.value} |"
            )
        lines.append("")
    if result.findings:
        lines += [
            "### Findings",
            "",
            "| | severity | rule | artifact | where | message |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for finding in result.findings[:MAX_ROWS]:
            mark = (
                "waived" if finding.waiver is not None else ("**blocking**" if finding.blocks(policy.fail_on) else "")
            )
            where = ", ".join(f"`{md(loc.file)}:{loc.line}`" for loc in finding.locations[:3])
            if len(finding.locations) > 3:
                where += f" (+{len(finding.locations) - 3})"
            lines.append(
                f"| {mark} | {finding.severity.value} | `{finding.kind.value}` | `{md(finding.artifact)}` "
                f"| {where} | {md(finding.message)} |"
            )
        if len(result.findings) > MAX_ROWS:
            lines.append(f"\n… and {len(result.findings) - MAX_ROWS} more (see the JSON or SARIF report).")
        lines.append("")
        waived = [f for f in result.findings if f.waiver is not None]
        if waived:
            lines += ["### Waivers applied", ""]
            for finding in waived:
                waiver = finding.waiver
                assert waiver is not None
                lines.append(
                    f"- `{finding.kind.value}` for `{md(finding.artifact)}`: {waiver.reason.value}, "
                    f"{md(waiver.justification)} (approved by {md(waiver.approved_by)}, expires {waiver.expires})"
                )
            lines.append("")
    for outcome in result.artifacts:
        if outcome.status is ArtifactStatus.FAILED and outcome.trace is not None:
            lines += [f"### Failing lineage of `{md(outcome.id)}`", "", *_mermaid(outcome, result.findings), ""]
    if result.card is not None and result.card.needs_fix:
        lines += [
            "### Corrected front matter",
            "",
            "Run `licaudit check --fix` to write it; the rest of README.md is left unchanged.",
            "",
            "```yaml",
            result.card.corrected_front_matter.rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _mermaid(outcome: ArtifactOutcome, findings: tuple[GateFinding, ...]) -> list[str]:
    trace = outcome.trace
    assert trace is not None and outcome.id is not None
    members = set(trace.graph.artifacts())
    on_paths: set[ArtifactId] = {outcome.id}
    origins: set[ArtifactId] = set()
    for finding in findings:
        if finding.waiver is None and finding.path and set(finding.path) <= members and outcome.id in finding.path:
            on_paths.update(finding.path)
            origins.add(finding.path[0])
    # The whole lineage when it is small enough to read; else only the paths of blocking findings.
    nodes = sorted(members) if len(members) <= MAX_GRAPH_NODES else sorted(on_paths)[:MAX_GRAPH_NODES]
    ids = {artifact: f"n{i}" for i, artifact in enumerate(nodes)}
    lines = ["```mermaid", "graph BT"]
    for artifact in nodes:
        facts = trace.graph.facts(artifact)
        label = _mermaid_label(artifact) + "<br/>" + _mermaid_label(facts.license_expression or "unknown license")
        style = ":::origin" if artifact in origins and artifact != outcome.id else ""
        if artifact == outcome.id:
            style = ":::target"
        lines.append(f'  {ids[artifact]}["{label}"]{style}')
    for edge in trace.graph.edges():
        if edge.parent in ids and edge.child in ids and edge.parent != edge.child:
            lines.append(f"  {ids[edge.parent]} -->|{edge.relation.value}| {ids[edge.child]}")
    lines += [
        "  classDef origin fill:#fde2e1,stroke:#c62828,color:#000",
        "  classDef target fill:#fff4ce,stroke:#8a6d00,color:#000",
        "```",
    ]
    return lines
