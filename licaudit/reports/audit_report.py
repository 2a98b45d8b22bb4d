"""The whole-Hub audit rendered: text, JSON (schema below, in README.md) and Markdown."""

from __future__ import annotations

import json
from typing import Any

from licaudit import __version__
from licaudit.policy.audit import AuditResult, LaunderingCase
from licaudit.reports.escaping import clean_text
from licaudit.sources.dumps.store import ImportSummary
from licaudit.terms.bulk_propagation import EFFECTS

AUDIT_SCHEMA_VERSION = "1.0"


def audit_document(result: AuditResult) -> dict[str, Any]:
    return {
        "schema_version": AUDIT_SCHEMA_VERSION,
        "tool": {"name": "licaudit", "version": __version__},
        "use": result.use,
        "stance": result.stance,
        "downstream_of": result.scope,
        "artifacts": result.artifacts,
        "edges": result.edges,
        "verdicts": {effect.value: count for effect, count in result.verdicts.items()},
        "families": {
            family: {effect.value: count for effect, count in counts.items()}
            for family, counts in result.families.items()
        },
        "laundering_total": result.laundering_total,
        "laundering": [_case(case) for case in result.laundering],
        "downstream_total": result.downstream_total,
        "downstream": [
            {
                "id": a.id,
                "kind": a.kind.value,
                "downloads": a.downloads,
                "license": a.license,
                "verdict": a.verdict.value,
            }
            for a in result.downstream
        ],
        "unknowns": {
            "missing_license": result.unknowns.missing_license,
            "unrecognised_license": result.unknowns.unrecognised_license,
            "placeholder_license": result.unknowns.placeholder_license,
            "unresolved_parents": result.unknowns.unresolved_parents,
            "effective_unknown": result.unknowns.effective_unknown,
            "card_errors": result.unknowns.card_errors,
            "top_unrecognised": [{"license": raw, "artifacts": n} for raw, n in result.unknowns.top_unrecognised],
            "top_unresolved": [{"id": parent, "children": n} for parent, n in result.unknowns.top_unresolved],
        },
    }


def _case(case: LaunderingCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "kind": case.kind.value,
        "downloads": case.downloads,
        "declared_license": case.declared_license,
        "declared_verdict": case.declared_effect.value,
        "effective_verdict": case.effective.value,
        "severity": case.severity,
        "license": case.license_id,
        "term": case.term_id,
        "summary": case.summary,
        "path": list(case.path),
        "relations": [r.value for r in case.relations],
        "contested": case.contested,
    }


def render_audit_json(result: AuditResult) -> str:
    return json.dumps(audit_document(result), indent=2, ensure_ascii=False) + "\n"


def _explain(case: LaunderingCase) -> str:
    hops = [clean_text(case.path[0], 200)]
    for relation, artifact in zip(case.relations, case.path[1:], strict=True):
        hops.append(f"-[{relation.value}]-> {clean_text(artifact, 200)}")
    via = " ".join(hops)
    term = f"{case.license_id}:{case.term_id}" if case.license_id else "?"
    contested = " (contested reading)" if case.contested else ""
    return f"{term}{contested} via {via}"


def render_audit_text(result: AuditResult) -> str:
    lines = [
        f"licaudit audit: {result.artifacts:,} artifacts, {result.edges:,} lineage edges; "
        f"use {result.use}, stance {result.stance}",
    ]
    if result.scope is not None:
        lines.append(
            f"scope: {clean_text(result.scope, 300)} and its {result.downstream_total:,} descendants "
            "(every count below is within it)"
        )
    lines += ["", "verdicts: " + ", ".join(f"{e.value} {result.verdicts[e]:,}" for e in EFFECTS), ""]
    lines.append(f"{'license family':<32}" + "".join(f"{e.value:>13}" for e in EFFECTS))
    for family, counts in result.families.items():
        lines.append(f"{clean_text(family, 32):<32}" + "".join(f"{counts[e]:>13,}" for e in EFFECTS))
    lines += [
        "",
        f"license laundering: {result.laundering_total:,} artifacts declare a license more permissive "
        f"than their lineage allows ({result.laundering_errors:,} forbidden); by downloads:",
    ]
    for case in result.laundering:
        lines.append(
            f"  {case.severity:<7} {clean_text(case.id, 200)}  {case.downloads:,} downloads  "
            f"declares {clean_text(case.declared_license, 120)} ({case.declared_effect.value}) "
            f"-> {case.effective.value}"
        )
        lines.append(f"          {_explain(case)}")
    if result.downstream:
        lines += ["", "downstream, by downloads:"]
        for artifact in result.downstream:
            lines.append(
                f"  {clean_text(artifact.id, 200)}  {artifact.downloads:,}  "
                f"{clean_text(artifact.license or 'no license', 120)}  {artifact.verdict.value}"
            )
    u = result.unknowns
    lines += [
        "",
        f"unknowns: {u.missing_license:,} without a license, {u.unrecognised_license:,} unrecognised, "
        f"{u.placeholder_license:,} placeholder (other/unknown), {u.unresolved_parents:,} parents no source "
        f"knows, {u.card_errors:,} cards with errors; {u.effective_unknown:,} artifacts end up unknown",
    ]
    if u.top_unrecognised:
        lines.append(
            "  most frequent unrecognised: " + ", ".join(f"{clean_text(r, 60)} ({n:,})" for r, n in u.top_unrecognised)
        )
    if u.top_unresolved:
        lines.append(
            "  most named unresolved: " + ", ".join(f"{clean_text(p, 100)} ({n:,})" for p, n in u.top_unresolved)
        )
    return "\n".join(lines) + "\n"


def _cell(text: object) -> str:
    return clean_text(text, 300).replace("|", "\\|")


def render_audit_markdown(result: AuditResult) -> str:
    lines = [
        "# licaudit audit",
        "",
        f"{result.artifacts:,} artifacts, {result.edges:,} lineage edges; use `{result.use}`, "
        f"stance `{result.stance}`" + (f"; downstream of `{_cell(result.scope)}`" if result.scope else ""),
        "",
        "| license family | " + " | ".join(e.value for e in EFFECTS) + " |",
        "| --- |" + " ---: |" * len(EFFECTS),
    ]
    for family, counts in result.families.items():
        lines.append(f"| {_cell(family)} | " + " | ".join(f"{counts[e]:,}" for e in EFFECTS) + " |")
    lines.append("| **all** | " + " | ".join(f"**{result.verdicts[e]:,}**" for e in EFFECTS) + " |")
    lines += [
        "",
        f"## License laundering ({result.laundering_total:,})",
        "",
        "| artifact | downloads | declared | effective | explained by |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for case in result.laundering:
        lines.append(
            f"| {_cell(case.id)} | {case.downloads:,} | {_cell(case.declared_license)} "
            f"({case.declared_effect.value}) | {case.effective.value} | {_cell(_explain(case))} |"
        )
    if result.downstream:
        lines += ["", "## Downstream", "", "| artifact | downloads | license | verdict |", "| --- | ---: | --- | --- |"]
        for a in result.downstream:
            lines.append(f"| {_cell(a.id)} | {a.downloads:,} | {_cell(a.license or '')} | {a.verdict.value} |")
    u = result.unknowns
    lines += [
        "",
        "## Unknowns",
        "",
        f"- without a license: {u.missing_license:,}",
        f"- unrecognised license: {u.unrecognised_license:,}",
        f"- placeholder license (`other`, `unknown`): {u.placeholder_license:,}",
        f"- parents no source knows: {u.unresolved_parents:,}",
        f"- cards with errors: {u.card_errors:,}",
        f"- artifacts whose verdict is unknown: {u.effective_unknown:,}",
    ]
    return "\n".join(lines) + "\n"


def render_import_summary(summary: ImportSummary, limit: int = 50) -> str:
    """For stderr: what the import did and which rows were bad (row number and reason)."""
    if summary.already_imported:
        head = f"{summary.source}: already imported (import {summary.import_id}); nothing changed"
    else:
        resumed = f", resumed after row {summary.resumed_from:,}" if summary.resumed_from else ""
        # The rate and the card errors are this run's; the counts cover the whole file.
        rate = (summary.rows - summary.resumed_from) / summary.seconds if summary.seconds else 0.0
        errors = "cards with errors" + (" in the rows read now" if summary.resumed_from else "")
        head = (
            f"{summary.source}: {summary.rows:,} rows in {summary.seconds:.1f} s ({rate:,.0f} rows/s){resumed}: "
            f"{summary.added:,} added, {summary.updated:,} updated, {summary.unchanged:,} unchanged, "
            f"{summary.skipped:,} skipped, {summary.card_errors:,} {errors}"
        )
    lines = [clean_text(head, 1000)]
    for problem in summary.problems[:limit]:
        where = f"row {problem.number}" if problem.number else "file"
        artifact = f" {problem.artifact}" if problem.artifact else ""
        action = "skipped" if problem.skipped else "kept"
        lines.append(clean_text(f"  {where}{artifact}: {problem.reason} ({action})", 1000))
    if len(summary.problems) > limit:
        lines.append(f"  ... and {len(summary.problems) - limit:,} more problems")
    return "\n".join(lines) + "\n"
