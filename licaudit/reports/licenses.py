"""`licaudit explain`: one license's category, terms and quoted clauses."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from licaudit.reports.escaping import clean_text
from licaudit.terms.catalog import License


def license_document(license_: License) -> dict[str, Any]:
    return {
        "id": license_.id,
        "name": license_.name,
        "category": license_.category.value,
        "commercial_use": license_.commercial_use.value,
        "url": license_.url,
        "hub_ids": list(license_.hub_ids),
        "aliases": list(license_.aliases),
        "terms": [
            {
                "id": t.id,
                "kind": t.kind.value,
                "applies_to": t.scope.value,
                "summary": t.summary,
                "value": t.value,
                "clause": t.clause,
                "source": t.source,
                "effect_overrides": dict(t.effect_overrides),
            }
            for t in license_.terms
        ],
        "history": [{"date": h.date, "note": h.note, "source": h.source} for h in license_.history],
        "notes": license_.notes,
        "file": license_.path,
    }


def render_license(license_: License, console: Console) -> None:
    head = Text.assemble((clean_text(license_.name), "bold"), " (", clean_text(license_.id), ")")
    console.print(head)
    console.print(
        Text.assemble(
            ("category: ", "dim"),
            license_.category.value,
            ("   commercial use: ", "dim"),
            license_.commercial_use.value,
        )
    )
    if license_.url:
        console.print(Text.assemble(("text: ", "dim"), clean_text(license_.url)))
    if license_.hub_ids:
        console.print(Text.assemble(("Hub ids: ", "dim"), ", ".join(license_.hub_ids)))
    table = Table(show_lines=True)
    table.add_column("term", max_width=28, overflow="fold")
    table.add_column("what it says", overflow="fold", ratio=1)
    for term in license_.terms:
        said = Text(clean_text(term.summary))
        if term.value is not None:
            said.append(f" ({term.value:,})")
        if term.clause:
            said.append("\n“").append(clean_text(term.clause), style="italic").append("”")
        if term.source:
            said.append("\n").append(clean_text(term.source), style="dim")
        kind = term.kind.value + (" on outputs" if term.scope.value == "outputs" else "")
        table.add_row(Text(clean_text(term.id)).append(f"\n{kind}", style="dim"), said)
    console.print(table)
    for entry in license_.history:
        console.print(Text.assemble(("history ", "dim"), entry.date, ": ", clean_text(entry.note)))
    if license_.notes:
        console.print(Text.assemble(("notes: ", "dim"), clean_text(license_.notes, limit=4000)))
