"""`licaudit registry list|show`: the curated records with their sources."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from licaudit.knowledge import Knowledge
from licaudit.reports.escaping import clean_text
from licaudit.reports.fact_layers import LAYER_TITLES
from licaudit.sources.facts import ArtifactFacts
from licaudit.terms.expressions import render


def registry_list_document(records: list[ArtifactFacts], knowledge: Knowledge) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "kind": r.kind.value,
            "name": r.name,
            "license": render(knowledge.normaliser.normalise(r.license_expression)),
            "parents": [{"id": p.parent, "relation": p.relation.value} for p in r.parents],
        }
        for r in records
    ]


def render_registry_list(records: list[ArtifactFacts], knowledge: Knowledge, console: Console) -> None:
    """One record a line, ids whole (never cut to a column): `id  kind  license  <- relation parent, ...`."""
    entries = registry_list_document(records, knowledge)
    width = min(max((len(clean_text(e["id"])) for e in entries), default=0), 64)
    console.print(Text(f"{len(records)} artifacts", style="bold"), soft_wrap=True)
    for entry in entries:
        parents = ", ".join(f"{p['relation']} {p['id']}" for p in entry["parents"])
        line = Text.assemble(
            (clean_text(entry["id"]).ljust(width), "bold"),
            f"  {entry['kind']:<8} ",
            (clean_text(entry["license"]), "blue"),
        )
        if parents:
            line.append(f"  <- {clean_text(parents)}", style="dim")
        console.print(line, soft_wrap=True, highlight=False)


def record_document(record: ArtifactFacts, knowledge: Knowledge, layer: str = "registry") -> dict[str, Any]:
    """One record of a curated layer: `registry`, or `dpi` for the imported Data Provenance Collection."""

    def sources(evidence: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [
            {"url": e.url, "quote": e.quote, "origin": e.origin.value, "revision": e.revision, "field": e.field}
            for e in evidence
        ]

    return {
        "id": record.id,
        "layer": layer,
        "kind": record.kind.value,
        "name": record.name,
        "on_hub": record.on_hub,
        "aliases": list(record.aliases),
        "license": {
            "expression": record.license_expression,
            "normalised": render(knowledge.normaliser.normalise(record.license_expression)),
            "declared": record.declared_license,
            "sources": sources(record.license_evidence),
            "history": [
                {"date": c.date, "license": c.expression, "note": c.note, "source": c.source}
                for c in record.license_history
            ],
        },
        "parents": [
            {"id": p.parent, "relation": p.relation.value, "sources": sources(p.evidence)} for p in record.parents
        ],
        "notes": record.notes,
        "file": record.record_path,
    }


def render_record(record: ArtifactFacts, knowledge: Knowledge, console: Console, layer: str = "registry") -> None:
    doc = record_document(record, knowledge, layer)
    console.print(Text.assemble((clean_text(doc["id"]), "bold"), f" [{doc['kind']}] ", clean_text(doc["name"])))
    console.print(Text.assemble(("layer: ", "dim"), LAYER_TITLES.get(layer, layer)))
    lic = doc["license"]
    console.print(
        Text.assemble(
            ("license: ", "dim"),
            clean_text(lic["normalised"]),
            ("   declared: ", "dim"),
            clean_text(lic["declared"] or "—"),
        )
    )
    for source in lic["sources"]:
        _source(console, source)
    for change in lic["history"]:
        console.print(
            Text.assemble(
                ("  history ", "dim"),
                clean_text(change["date"]),
                ": ",
                clean_text(change["license"] or ""),
                " ",
                clean_text(change["note"]),
            )
        )
    for parent in doc["parents"]:
        console.print(
            Text.assemble(("parent: ", "dim"), (clean_text(parent["relation"]), "cyan"), " ", clean_text(parent["id"]))
        )
        for source in parent["sources"]:
            _source(console, source)
    if doc["notes"]:
        console.print(Text.assemble(("notes: ", "dim"), clean_text(doc["notes"], limit=4000)))


def _source(console: Console, source: dict[str, Any]) -> None:
    line = Text("  ").append(clean_text(source["url"]), style="dim")
    if source.get("revision"):
        line.append(f" @{clean_text(source['revision'])}", style="dim")
    if source["quote"]:
        line.append(" “").append(clean_text(source["quote"]), style="italic").append("”")
    console.print(line)
