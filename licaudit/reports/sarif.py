"""SARIF 2.1.0 for GitHub code scanning: one rule per finding kind, one result per referencing line."""

from __future__ import annotations

from typing import Any

from licaudit import __version__
from licaudit.findings import FindingKind, Severity
from licaudit.gate import GateResult
from licaudit.locations import Location
from licaudit.policy.policy_evaluation import FINDING_HELP, GateFinding
from licaudit.reports.gate_json import fingerprint, render_document

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/licaudit-lineage/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub ranks alerts by `security-severity`; license violations are not vulnerabilities, so none is set.


def render_sarif(result: GateResult) -> str:
    return render_document(sarif_document(result), frozenset({"results"}))


def rule_id(kind: FindingKind) -> str:
    return f"licaudit/{kind.value}"


def _rules() -> list[dict[str, Any]]:
    rules = []
    for kind in sorted(FindingKind, key=lambda k: k.value):
        text = FINDING_HELP.get(kind, kind.value)
        rules.append(
            {
                "id": rule_id(kind),
                "name": "".join(part.capitalize() for part in kind.value.split("-")),
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "help": {
                    "text": f"{text} Run `licaudit gate` locally for the lineage that explains it; "
                    "waive it in licaudit.yaml (`waivers:`) only with a reason, an approver and an expiry date.",
                    "markdown": f"**{kind.value}**: {text}\n\nRun `licaudit gate --format text` locally to see the "
                    "lineage that explains it. To accept it, add a waiver to `licaudit.yaml` with a reason from the "
                    "closed list, a justification, an approver and an expiry date.",
                },
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["license", "compliance", "provenance"], "precision": "high"},
            }
        )
    return rules


MAX_RESULTS = 5000  # GitHub code scanning shows at most 5,000 results of a run; the JSON report has all
MAX_RELATED = 20


def sarif_document(result: GateResult) -> dict[str, Any]:
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    omitted = 0
    for finding in result.findings:
        # One result per file that references the artifact, at its first line there: a pull request
        # that touches that file sees the alert; the file's other lines are related locations.
        by_file: dict[str, list[Location]] = {}
        for location in finding.locations:
            if not location.file.startswith("<"):  # `<arguments>`: an API call, not a file
                by_file.setdefault(location.file, []).append(location)
        for locations in by_file.values():
            if len(results) >= MAX_RESULTS:
                omitted += 1
                continue
            results.append(_result(finding, locations[0], locations[1 : 1 + MAX_RELATED], index))
    properties: dict[str, Any] = {"status": result.status.value, "uses": list(result.policy.uses)}
    if omitted:
        properties["omitted_results"] = omitted
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "licaudit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"licaudit/{result.kind}/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": properties,
            }
        ],
    }


def _physical(location: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": location.file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(location.line, 1), "startColumn": max(location.column, 1)},
        }
    }


def _result(finding: GateFinding, location: Location, related: list[Location], index: dict[str, int]) -> dict[str, Any]:
    rid = rule_id(finding.kind)
    entry: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_physical(location)],
        "partialFingerprints": {"licaudit/v1": fingerprint(finding, location)},
        "properties": {"artifact": finding.artifact, "lineage": list(finding.path)},
    }
    if related:
        entry["relatedLocations"] = [
            {"id": i, **_physical(loc), "message": {"text": "also referenced here"}}
            for i, loc in enumerate(related, start=1)
        ]
    if finding.waiver is not None:
        waiver = finding.waiver
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.reason.value}: {waiver.justification} "
                f"(approved by {waiver.approved_by}, expires {waiver.expires.isoformat()})",
                "location": {
                    "physicalLocation": {
                        "artifactLocation": {"uri": waiver.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(waiver.line, 1)},
                    }
                },
            }
        ]
    return entry
