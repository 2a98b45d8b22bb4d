"""The terminal report of a trace: a compact verdict (the use, the verdict, each reason on one line), the
lineage tree, findings; the clauses and their sources only when asked (`--explain`). Lines are never cut
or wrapped by the report, so it reads the same in an 80-column CI log and a wide terminal. The rich
tree and panel below stay for the run plugins' reports."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from licaudit.artifacts import ArtifactId
from licaudit.pipeline import TraceResult
from licaudit.policy.verdicts import Reason, Verdict
from licaudit.reports.escaping import clean_text
from licaudit.reports.fact_layers import fact_layer
from licaudit.terms.expressions import leaves, render
from licaudit.terms.propagation import CarriedTerm
from licaudit.terms.recognition.evidence import bounded_quote
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


def render_terminal(result: TraceResult, console: Console, use: str, explain: bool = False) -> None:
    def line(text: Text | str = "") -> None:
        console.print(text, soft_wrap=True, highlight=False)

    asked = result.verdict(use)
    facts = result.graph.facts(result.target)
    own = render(result.knowledge.normaliser.normalise(facts.license_expression))
    layer = " [dpi]" if fact_layer(facts) == "dpi" else ""  # where the facts came from, when unusual
    line(
        Text.assemble(
            safe(result.target, "bold"),
            (f" [{facts.kind.value}]{layer} ", "dim"),
            safe(own, "blue"),
            f": {use} ",
            (asked.verdict.value.upper(), EFFECT_STYLE[asked.verdict]),
            (f"  (stance {result.settings.stance.label})", "dim"),
        )
    )
    for text in reason_lines(asked):
        line(Text("  ").append_text(text))
    for other in result.verdicts:
        if other != use:
            verdict = result.verdict(other)
            text = Text.assemble(f"{other}: ", (verdict.verdict.value.upper(), EFFECT_STYLE[verdict.verdict]))
            grouped = _by_license([*verdict.reasons, *verdict.conditions])
            if grouped:
                summary = "; ".join(f"{lic}: {', '.join(terms)}" for lic, terms in grouped)
                text.append("  " + clean_text(summary), style="dim")
            line(text)
    line(Text("lineage:", style="bold"))
    for text in lineage_lines(result):
        line(Text("  ").append_text(text))
    if result.findings:
        line(Text("findings:", style="bold"))
        for finding in result.findings:
            line(
                Text.assemble(
                    "  ",
                    (finding.severity.value, SEVERITY_STYLE[finding.severity.value]),
                    " ",
                    safe(finding.kind.value, "bold"),
                    " ",
                    safe(finding.message),
                )
            )
    if result.descendants:
        line(Text.assemble(("built on ", "bold"), safe(result.target, "bold"), (" (Hub):", "dim")))
        for child in result.descendants:
            line(Text.assemble("  ", safe(child.relation, "italic cyan"), " ", safe(child.id)))
    if explain:
        line(Text("clauses and evidence:", style="bold"))
        for text in explanation_lines(result, asked):
            line(Text("  ").append_text(text))
    elif asked.reasons or asked.conditions:
        line(Text("--explain shows each term's clause and source", style="dim"))
    if result.incomplete:
        line(Text("Incomplete: a source did not answer; re-run to resume from the cache.", style="bold red"))


def reason_lines(verdict: Verdict) -> list[Text]:
    """One line per license and path that shapes the verdict: effect, license: terms, origin -> path."""
    if verdict.verdict is Effect.ALLOWED and not verdict.conditions:
        duties = _by_license(list(verdict.duties))
        return [
            Text("only attribution and notice duties" + (": " if duties else ""), style="green").append(
                clean_text("; ".join(f"{lic}: {', '.join(terms)}" for lic, terms in duties)), style="dim"
            )
        ]
    seen = set(verdict.reasons)
    rows: dict[tuple[str, str, tuple[ArtifactId, ...]], list[str]] = {}
    routes: dict[tuple[str, str, tuple[ArtifactId, ...]], CarriedTerm] = {}
    ordered = [(r, r.effect.value) for r in verdict.reasons]
    ordered += [(r, "conditional") for r in verdict.conditions if r not in seen]
    ordered += [(r, "risk") for r in verdict.risks]
    for reason, label in ordered:
        carried = reason.carried
        key = (label, carried.term.license_id, carried.path)
        rows.setdefault(key, [])
        if carried.term.id not in rows[key]:
            rows[key].append(carried.term.id)
        routes.setdefault(key, carried)
    lines = []
    for key, terms in rows.items():
        label, license_id, _ = key
        carried = routes[key]
        style = EFFECT_STYLE[Effect(label)] if label in _EFFECTS else "magenta"
        text = Text.assemble((f"{label:<12}", style), safe(license_id, "bold"), ": ", safe(", ".join(terms)), "  ")
        text.append_text(_path_text("from ", carried))
        for other in carried.also_via:
            text.append_text(_path_text("; also ", other))
        lines.append(text)
    return lines


_EFFECTS = frozenset(e.value for e in Effect)


def _by_license(reasons: list[Reason]) -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for reason in reasons:
        terms = grouped.setdefault(reason.carried.term.license_id, [])
        if reason.carried.term.id not in terms:
            terms.append(reason.carried.term.id)
    return list(grouped.items())


def explanation_lines(result: TraceResult, verdict: Verdict) -> list[Text]:
    """Each term behind the verdict once: license name, term, summary, the quoted clause and its source."""
    lines: list[Text] = []
    shown: set[tuple[str, str]] = set()
    for reason in [*verdict.reasons, *verdict.conditions, *verdict.risks]:
        term = reason.carried.term
        if term.key in shown:
            continue
        shown.add(term.key)
        license_ = result.knowledge.catalog.licenses.get(term.license_id)
        name = license_.name if license_ is not None else term.license_id
        head = Text.assemble(safe(name, "bold"), (f" [{term.id}, {term.kind.value}] ", "dim"), safe(term.summary))
        if term.value is not None:
            head.append(f" ({term.value:,})")
        lines.append(head)
        if term.clause:
            lines.append(Text.assemble(("  “", "dim"), safe(term.clause, "italic"), ("”", "dim")))
        if term.source:
            lines.append(Text.assemble(("  source: ", "dim"), safe(term.source, "dim")))
    return lines


def lineage_tree(result: TraceResult) -> Tree:
    tree = Tree(_node_label(result, result.target, None), guide_style="dim")
    shown: set[ArtifactId] = {result.target}
    _add_parents(result, tree, result.target, shown, (result.target,))
    return tree


def lineage_lines(result: TraceResult) -> list[Text]:
    """The lineage tree as plain lines (guides drawn here), for reports whose lines must never be cut."""
    lines = [_node_label(result, result.target, None)]
    _parent_lines(result, result.target, "", {result.target}, (result.target,), lines)
    return lines


def _parent_lines(
    result: TraceResult,
    artifact: ArtifactId,
    indent: str,
    shown: set[ArtifactId],
    stack: tuple[ArtifactId, ...],
    lines: list[Text],
) -> None:
    edges = list(result.graph.parent_edges(artifact))
    for index, edge in enumerate(edges):
        last = index == len(edges) - 1
        guide = Text(indent + ("└── " if last else "├── "), style="dim")
        if edge.parent in stack:
            label = Text.assemble(
                safe(edge.relation.value, "italic cyan"), " ", safe(edge.parent, "bold"), (" (cycle)", "red")
            )
            lines.append(guide.append_text(label))
            continue
        label = _node_label(result, edge.parent, edge.relation.value)
        if edge.parent in shown:
            lines.append(guide.append_text(label.append(" (see above)", style="dim")))
            continue
        shown.add(edge.parent)
        lines.append(guide.append_text(label))
        deeper = indent + ("    " if last else "│   ")
        _parent_lines(result, edge.parent, deeper, shown, (*stack, edge.parent), lines)


def _add_parents(
    result: TraceResult, branch: Tree, artifact: ArtifactId, shown: set[ArtifactId], stack: tuple[ArtifactId, ...]
) -> None:
    for edge in result.graph.parent_edges(artifact):
        if edge.parent in stack:
            label = Text.assemble(
                safe(edge.relation.value, "italic cyan"), " ", safe(edge.parent, "bold"), (" (cycle)", "red")
            )
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
    if facts.license_expression and any(leaf.recognition is not None for leaf in leaves(expr)):
        # Read from free text (a name in any spelling, prose, a URL): show what the card said.
        label.append(" read from ", style="dim").append_text(safe(repr(bounded_quote(facts.license_expression)), "dim"))
    if categories:
        label.append(f" ({', '.join(categories)})", style="dim")
    if fact_layer(facts) == "dpi":  # the registry's and the cards' facts are the usual case
        label.append(" [dpi]", style="dim")
    for use, per_artifact in result.verdicts.items():
        effect = per_artifact[artifact].verdict
        label.append(f"  {use}: ").append(effect.value, style=EFFECT_STYLE[effect])
    return label


def verdict_panel(result: TraceResult, use: str) -> Panel:
    parts: list[RenderableType] = []
    for each_use, per_artifact in result.verdicts.items():
        parts.append(verdict_tree(result, per_artifact[result.target], detailed=each_use == use))
    return Panel(
        Group(*parts),
        title=Text.assemble("Verdict for ", safe(result.target, "bold")),
        subtitle=Text(f"stance: {result.settings.stance.label}", style="dim"),
        expand=False,
    )


def verdict_tree(result: TraceResult, verdict: Verdict, detailed: bool) -> Tree:
    root = Tree(
        Text.assemble((f"{verdict.use}: ", "bold"), (verdict.verdict.value.upper(), EFFECT_STYLE[verdict.verdict])),
        guide_style="dim",
    )
    if verdict.verdict is Effect.ALLOWED:
        root.add(Text("only attribution and notice duties", style="green"))
    for reason in verdict.reasons:
        _add_reason(result, root, reason, detailed)
    if detailed and verdict.verdict is not Effect.CONDITIONAL:
        conditions = [r for r in verdict.conditions if r not in verdict.reasons]
        if conditions:
            branch = root.add(Text("also conditional on", style="yellow"))
            for reason in conditions:
                _add_reason(result, branch, reason, detailed=False)
    if detailed and verdict.risks:
        branch = root.add(Text("risks: contested terms that do not flow under this stance", style="magenta"))
        for reason in verdict.risks:
            _add_reason(result, branch, reason, detailed=False)
    return root


def _add_reason(result: TraceResult, parent: Tree, reason: Reason, detailed: bool) -> None:
    carried, term = reason.carried, reason.carried.term
    license_ = result.knowledge.catalog.licenses.get(term.license_id)
    name = license_.name if license_ is not None else term.license_id
    head = Text.assemble(safe(name, "bold"), (f" [{term.kind.value}] ", "dim"), safe(term.summary))
    if term.value is not None:
        head.append(f" ({term.value:,})")
    branch = parent.add(head)
    for index, route in enumerate((carried, *carried.also_via)):
        branch.add(_path_text("via " if index == 0 else "also via ", route))
    if detailed and term.clause:
        clause = Text.assemble(("“", "dim"), safe(term.clause, "italic"), ("”", "dim"))
        if term.source:
            clause.append("  ").append_text(safe(term.source, "dim"))
        branch.add(clause)


def _path_text(prefix: str, carried: CarriedTerm) -> Text:
    path = Text(prefix, style="dim")
    for index, artifact in enumerate(carried.path):
        if index:
            path.append(f" ─{carried.relations[index - 1].value}→ ", style="cyan")
        path.append_text(safe(artifact))
    if len(carried.path) == 1:
        path.append(" (its own license)", style="dim")
    if carried.question is not None:
        path.append(f"  contested: {carried.question}", style="magenta")
    return path


def findings_list(result: TraceResult) -> Group:
    lines: list[RenderableType] = [Text("Findings", style="bold")]
    for finding in result.findings:
        lines.append(
            Text.assemble(
                ("  ", ""),
                (f"{finding.severity.value:<8}", SEVERITY_STYLE[finding.severity.value]),
                safe(finding.kind.value, "bold"),
                ("  ", ""),
                safe(finding.message),
            )
        )
    return Group(*lines)


def descendants_list(result: TraceResult) -> Group:
    lines: list[RenderableType] = [Text.assemble(("Built on ", "bold"), safe(result.target, "bold"), (" (Hub)", "dim"))]
    for child in result.descendants:
        lines.append(Text.assemble(("  ", ""), safe(child.relation, "italic cyan"), " ", safe(child.id)))
    return Group(*lines)
