"""Rendering a gate decision: the planned lineage, the verdict that decides, and why it refuses."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from licaudit.plugins.run_gate import RunGateResult
from licaudit.reports.json_report import trace_document
from licaudit.reports.terminal import EFFECT_STYLE, lineage_tree, safe, verdict_panel


def render_decision(decision: RunGateResult, console: Console, subsystem: str) -> None:
    console.print(Text.assemble(("Plan: ", "bold"), safe(subsystem), " -> ", safe(decision.output_id, "bold")))
    console.print(lineage_tree(decision.result))
    console.print(verdict_panel(decision.result, decision.use))
    console.print(
        Text.assemble(
            ("computed license: ", "bold"),
            safe(decision.license.expression or "none"),
            (f"  (card: license: {decision.license.hub_license}", "dim"),
            (f", license_name: {decision.license.license_name})" if decision.license.license_name else ")", "dim"),
        )
    )
    if decision.allowed:
        effect = decision.verdict.verdict
        console.print(
            Text.assemble(
                ("ALLOWED", "bold green"),
                f" for {decision.use} use (verdict ",
                (effect.value, EFFECT_STYLE[effect]),
                ")",
            )
        )
        return
    console.print(Text(f"REFUSED for {decision.use} use; nothing was started:", style="bold red"))
    for refusal in decision.refusals:
        console.print(Text("  - ").append_text(safe(refusal)), soft_wrap=True)


def decision_document(decision: RunGateResult, subsystem: str, run: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "subsystem": subsystem,
        "output": decision.output_id,
        "use": decision.use,
        "allowed": decision.allowed,
        "verdict": decision.verdict.verdict.value,
        "refusals": list(decision.refusals),
        "license": {
            "expression": decision.license.expression,
            "hub_license": decision.license.hub_license,
            "license_name": decision.license.license_name,
        },
        "policy_digest": decision.policy_digest,
        "trace": trace_document(decision.result),
        "run": run,
    }
