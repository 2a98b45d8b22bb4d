"""The gate's JSON report: a stable, versioned document (schema `licaudit-gate` 1.0, in README.md)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from licaudit import __version__
from licaudit.findings import Severity
from licaudit.gate import GateResult
from licaudit.gate.scanner import Reference
from licaudit.locations import Location
from licaudit.policy.policy_evaluation import GateFinding

GATE_SCHEMA = "licaudit-gate"
GATE_SCHEMA_VERSION = "1.0"
_LINE_NUMBERS = re.compile(r":\d+")


def render_gate_json(result: GateResult) -> str:
    return render_document(gate_document(result), frozenset({"references", "findings"}))


def render_document(document: object, one_line_lists: frozenset[str]) -> str:
    """Indented JSON, except that each item of the named (long) lists is written on one line.

    Python's JSON encoder is in C only without `indent`; a 5,000-result SARIF report renders about
    ten times faster this way and still diffs line by line.
    """

    def emit(value: object, depth: int, key: str | None) -> str:
        pad, inner = "  " * depth, "  " * (depth + 1)
        if isinstance(value, dict) and value:
            items = [f"{inner}{json.dumps(k)}: {emit(v, depth + 1, str(k))}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(value, list) and value:
            if key in one_line_lists:
                items = [inner + json.dumps(item, ensure_ascii=False) for item in value]
            else:
                items = [inner + emit(item, depth + 1, None) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return json.dumps(value, ensure_ascii=False)

    return emit(document, 0, None) + "\n"


def fingerprint(finding: GateFinding, location: Location | None) -> str:
    """Stable across runs and line shifts: rule, artifact, file and the message without line numbers."""
    key = "\0".join(
        [
            finding.kind.value,
            finding.artifact,
            location.file if location else "",
            _LINE_NUMBERS.sub("", finding.message),
        ]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def gate_document(result: GateResult) -> dict[str, Any]:
    policy = result.policy
    counts = {s.value: sum(1 for f in result.findings if f.severity is s and f.waiver is None) for s in Severity}
    document = {
        "schema": GATE_SCHEMA,
        "schema_version": GATE_SCHEMA_VERSION,
        "tool": {"name": "licaudit", "version": __version__},
        "report": result.kind,
        "root": result.root,
        "date": result.today.isoformat(),
        "status": result.status.value,
        "policy": {
            "source": policy.source,
            "preset": policy.preset,
            "uses": list(policy.uses),
            "stance": policy.stance.label,
            "fail_on": policy.fail_on.value,
            "unknown": "fail" if policy.unknown_fails else "warn",
            "waivers": len(policy.waivers),
        },
        "summary": {
            "references": len(result.references),
            "artifacts": len(result.artifacts),
            "findings": counts,
            "blocking": len(result.blocking),
            "waived": sum(1 for f in result.findings if f.waiver is not None),
            "skipped_files": len(result.skipped),
        },
        "artifacts": [
            {
                "requested": a.requested,
                "id": a.id,
                "kind": a.kind,
                "status": a.status.value,
                "license": a.license,
                "verdicts": {use: effect.value for use, effect in a.verdicts},
                "references": [_location(r.location) for r in a.references],
            }
            for a in result.artifacts
        ],
        "references": [_reference(r) for r in result.references],
        "findings": [_finding(f) for f in result.findings],
        "skipped_files": [{**_location(s.location), "message": s.message} for s in result.skipped],
        "card": None
        if result.card is None
        else {
            "needs_fix": result.card.needs_fix,
            "updates": {key: value for key, value in result.card.updates},
            "corrected_front_matter": result.card.corrected_front_matter,
        },
    }
    if result.produced:  # an extension: absent when empty, so reports without outputs keep their bytes
        document["produces"] = [_reference(r) for r in result.produced]
    return document


def _location(location: Location) -> dict[str, Any]:
    return {"file": location.file, "line": location.line, "column": location.column}


def _reference(reference: Reference) -> dict[str, Any]:
    return {
        **_location(reference.location),
        "artifact": reference.artifact,
        "kind": reference.kind.value,
        "via": reference.via,
        "expression": reference.expression,
    }


def _finding(finding: GateFinding) -> dict[str, Any]:
    waiver = finding.waiver
    return {
        "rule_id": finding.kind.value,
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "artifact": finding.artifact,
        "message": finding.message,
        "path": list(finding.path),
        "locations": [_location(loc) for loc in finding.locations],
        "fingerprint": fingerprint(finding, finding.locations[0] if finding.locations else None),
        "waived": None
        if waiver is None
        else {
            "artifact": waiver.artifact,
            "reason": waiver.reason.value,
            "justification": waiver.justification,
            "approved_by": waiver.approved_by,
            "approved": waiver.approved.isoformat() if waiver.approved else None,
            "expires": waiver.expires.isoformat(),
            "file": waiver.file,
            "line": waiver.line,
        },
    }
