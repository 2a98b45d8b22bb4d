"""Writing an output's provenance: the machine-readable file and the card's front matter.

The file is written first with `status: running`, so an interruption leaves a record saying the
output is incomplete; only a finished run rewrites it as `complete`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from licaudit import __version__
from licaudit.artifacts import Evidence
from licaudit.plugins.run_gate import ResolvedInput, RunGateResult
from licaudit.sources.cards.metadata import parse_card
from licaudit.sources.local.run_provenance import CARD_FILE, PROVENANCE_FILE, PROVENANCE_SCHEMA_VERSION, RunStatus


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def provenance_document(
    decision: RunGateResult,
    subsystem: str,
    status: str,
    started_at: str,
    detail: str | None = None,
    run: dict[str, Any] | None = None,
) -> dict[str, Any]:
    facts = decision.result.graph.facts(decision.output_id)
    return {
        "schema_version": PROVENANCE_SCHEMA_VERSION,
        "tool": {"name": "licaudit", "version": __version__},
        "status": status,
        "status_detail": detail,
        "subsystem": subsystem,
        "artifact": {
            "id": decision.output_id,
            "kind": facts.kind.value,
            "name": facts.name,
            "license": decision.license.expression,
            "hub_license": decision.license.hub_license,
            "license_name": decision.license.license_name,
            # Never the license: API terms and output terms that reach it, each with its path.
            "restrictions": [r.as_record() for r in decision.license.restrictions],
        },
        "plan": {
            "use": decision.use,
            "stance": decision.settings.stance.label,
            "verdict": decision.verdict.verdict.value,
            "verdicts": {use: per[decision.output_id].verdict.value for use, per in decision.result.verdicts.items()},
            "policy_digest": decision.policy_digest,
            "policy": decision.settings.canonical(),
        },
        "inputs": [_input(item) for item in decision.inputs],
        "started_at": started_at,
        "finished_at": now() if status != RunStatus.RUNNING else None,
        "run": run or {},
    }


def _input(item: ResolvedInput) -> dict[str, Any]:
    spec, facts = item.planned.spec, item.facts
    return {
        "role": spec.role,
        "id": item.id,
        "kind": facts.kind.value if facts is not None else spec.kind.value,
        "relation": item.planned.relation.value,
        "revision": spec.revision,
        "path": str(spec.path) if spec.path is not None else None,
        "endpoint": spec.endpoint,
        "model": spec.model,
        "license": facts.license_expression if facts is not None else None,
        "evidence": [_evidence(e) for e in facts.license_evidence] if facts is not None else [],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "origin": evidence.origin.value,
        "url": evidence.url,
        "quote": evidence.quote,
        "revision": evidence.revision,
    }


def write_provenance(folder: Path, document: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PROVENANCE_FILE
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def card_front_matter(document: dict[str, Any]) -> dict[str, Any]:
    artifact = document["artifact"]
    front: dict[str, Any] = {"license": artifact["hub_license"]}
    if artifact.get("license_name"):
        front["license_name"] = artifact["license_name"]
    weights = [i for i in document["inputs"] if i["relation"] in ("finetune", "adapter")]
    if weights:
        front["base_model"] = weights[0]["id"] if len(weights) == 1 else [w["id"] for w in weights]
        front["base_model_relation"] = weights[0]["relation"]
    datasets = list(
        dict.fromkeys(i["id"].removeprefix("datasets/") for i in document["inputs"] if i["kind"] == "dataset")
    )
    if datasets:
        front["datasets"] = datasets
    front["licaudit"] = {
        "status": document["status"],
        "verdict": document["plan"]["verdict"],
        "use": document["plan"]["use"],
        "stance": document["plan"]["stance"],
        "license_expression": artifact["license"],
        "restrictions": [
            {"license": r["license"], "kind": r["kind"], "path": r["path"]} for r in artifact.get("restrictions", [])
        ],
        "policy_digest": document["plan"]["policy_digest"],
        "provenance_file": PROVENANCE_FILE,
        "inputs": [{"id": i["id"], "relation": i["relation"], "revision": i["revision"]} for i in document["inputs"]],
    }
    return front


def write_card(folder: Path, document: dict[str, Any]) -> Path:
    """Front matter replaced, any Markdown body the run (or the user) wrote kept."""
    path = folder / CARD_FILE
    body = f"\n# {document['artifact']['name']}\n\nProduced by `licaudit run {document['subsystem']}`.\n"
    if path.is_file():
        existing = parse_card(path.read_bytes())
        if existing.body.strip():
            body = existing.body if existing.body.startswith("\n") else "\n" + existing.body
    front = yaml.safe_dump(card_front_matter(document), sort_keys=False, allow_unicode=True)
    body = with_restrictions_section(body, document["artifact"].get("restrictions", []))
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


RESTRICTIONS_START = "<!-- licaudit:restrictions -->"
RESTRICTIONS_END = "<!-- /licaudit:restrictions -->"


def with_restrictions_section(body: str, restrictions: list[dict[str, Any]]) -> str:
    """The card body with licaudit's Restrictions section written (or replaced, or removed when none)."""
    start, end = body.find(RESTRICTIONS_START), body.find(RESTRICTIONS_END)
    if start >= 0 and end > start:
        body = body[:start].rstrip("\n") + "\n" + body[end + len(RESTRICTIONS_END) :].lstrip("\n")
    if not restrictions:
        return body
    lines = [
        RESTRICTIONS_START,
        "## Restrictions",
        "",
        "Terms that reach this artifact without being its license (terms of use of an API, output",
        "terms of a model that generated its data), each with the lineage path that brings it:",
        "",
    ]
    for item in restrictions:
        path = " -> ".join(str(p) for p in item["path"])
        lines.append(f"- **{item['name']}** (`{item['license']}`, {item['kind']}): {item['summary']} Path: {path}")
    lines.append(RESTRICTIONS_END)
    return body.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
