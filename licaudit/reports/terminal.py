"""The terminal report: the lineage as a rich tree, then a verdict panel with explaining paths."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from licaudit.artifacts import ArtifactId
from licaudit.pipeline import TraceResult
from licaudit.policy.verdicts import Reason, Verdict
from licaudit.reports.escaping import clean_text
from licaudit.terms.expressions import leaves, render
from licaudit.terms.vocabulary import Effect

EFFECT_STYLE = {
    Effect.ALLOWED: "bold green",
    Effect.CONDITIONAL: "bold yellow",
    Effect.UNKNOWN: "bold magenta",
    Effect.FORBIDDEN: "bold red",
}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def safe(text: object, style: str = "") -> Text:
    """Untrusted text as a rich Text: never parsed as markup, control characters stripped."""
    return Text(clean_text(text), style=style)


def render_terminal(result: TraceResult, console: Console, use: str) -> None:
    console.print(lineage_tree(result))
    console.print(verdict_panel(result, use))
    if result.findings:
        console.print(findings_table(result))


def lineage_tree(result: TraceResult) -> Tree:
    tree = Tree(_node_label(result, result.target, None), guide_style="dim")
    shown: set[ArtifactId] = {result.target}
    _add_parents(result, tree, result.target, shown, (result.target,))
    return tree


def _add_parents(
    result: TraceResult, branch: Tree, artifact: ArtifactId, shown: set[ArtifactId], stack: tuple[ArtifactId, ...]
) -> None:
    for edge in result.graph.parent_edges(artifact):
        if edge.parent in stack:
            label = Text.assemble(safe(edge.relation.value, "italic cyan"), " ", safe(edge.parent, "bold"), (" (cycle)", "red"))
            branch.add(label)
            continue
        label = _node_label(result, edge.parent, edge.relation.value)
        if edge.parent in shown:
            branch.add(label.append(" (see above)", style="dim"))
            continue
        shown.add(edge.parent)
        _add_parents(result, branch.add(label), edge.parent, shown, (*stack, edge.parent))


def _node_label(result: TraceResult, artifact: ArtifactId, relation: str | None) -> Text:
    facts = result.graph.facts(artifact)
    expr = result.knowledge.normaliser.normalise(facts.license_expression)
    categories = sorted({leaf.license.category.value for leaf in leaves(expr) if leaf.license is not None})
    label = Text()
    if relation is not None:
        label.append_text(safe(relation, "italic cyan")).append(" ")
    label.append_text(safe(artifact, "bold")).append(f" [{facts.kind.value}] ", style="dim")
    label.append_text(safe(render(expr), "blue"))
    if categories:
        label.append(f" ({', '.join(categories)})", style="dim")
    for use, per_artifact in result.verdicts.items():
        effect = per_artifact[artifact].verdict
        label.append(f"  {use}: ").append(effect.value, style=EFFECT_STYLE[effect])
    return label


def verdict_panel(result: TraceResult, use: str) -> Panel:
    parts: list[RenderableType] = []
    for each_use, per_artifact in result.verdicts.items():
        verdict = per_artifact[result.target]
        title = Text.assemble((f"{each_use}: ", "bold"), (verdict.verdict.value.upper(), EFFECT_STYLE[verdict.verdict]))
        parts.append(title)
        parts.extend(_verdict_lines(result, verdict, detailed=each_use == use))
    stance = result.settings.stance.label
    return Panel(
        Group(*parts),
        title=Text.assemble("Verdict for ", safe(result.target, "bold")),
        subtitle=Text(f"stance: {stance}", style="dim"),
        expand=False,
    )


def _verdict_lines(result: TraceResult, verdict: Verdict, detailed: bool) -> list[Text]:
    lines: list[Text] = []
    if verdict.verdict is Effect.ALLOWED:
        lines.append(Text("  only attribution and notice duties", style="green"))
    else:
        for reason in verdict.reasons:
            lines.extend(_reason_lines(result, reason, detailed))
    if detailed and verdict.verdict is not Effect.CONDITIONAL:
        conditions = [r for r in verdict.conditions if r not in verdict.reasons]
        if conditions:
            lines.append(Text("  also conditional on:", style="yellow"))
            for reason in conditions:
                lines.extend(_reason_lines(result, reason, detailed=False))
    if detailed and verdict.risks:
        lines.append(Text("  risks (contested terms that did not flow under this stance):", style="magenta"))
        for reason in verdict.risks:
            lines.extend(_reason_lines(result, reason, detailed=False))
    return lines


def _reason_lines(result: TraceResult, reason: Reason, detailed: bool) -> list[Text]:
    carried, term = reason.carried, reason.carried.term
    license_ = result.knowledge.catalog.licenses.get(term.license_id)
    name = license_.name if license_ is not None else term.license_id
    head = Text("  • ")
    head.append_text(safe(name, "bold")).append(f" [{term.kind.value}] ", style="dim")
    head.append_text(safe(term.summary))
    if term.value is not None:
        head.append(f" ({term.value:,})")
    lines = [head]
    path = Text("      via ", style="dim")
    for index, artifact in enumerate(carried.path):
        if index:
            path.append(f" -{carried.relations[index - 1].value}-> ", style="cyan")
        path.append_text(safe(artifact))
    if carried.question is not None:
        path.append(f"  (contested: {carried.question})", style="magenta")
    lines.append(path)
    if detailed and term.clause:
        clause = Text('      "', style="dim").append_text(safe(term.clause, "italic")).append('"')
        if term.source:
            clause.append(" — ").append_text(safe(term.source, "dim"))
        lines.append(clause)
    return lines


def findings_table(result: TraceResult) -> Table:
    table = Table(title="Findings", show_lines=False, expand=False)
    table.add_column("severity")
    table.add_column("kind")
    table.add_column("artifact")
    table.add_column("message", overflow="fold")
    for finding in result.findings:
        table.add_row(
            Text(finding.severity.value, style=SEVERITY_STYLE[finding.severity.value]),
            safe(finding.kind.value),
            safe(finding.artifact),
            safe(finding.message),
        )
    return table
