"""What `licaudit import` says on stderr after loading a Data Provenance Collection checkout."""

from __future__ import annotations

from licaudit.reports.escaping import clean_text
from licaudit.sources.dpi.store import CollectionImportSummary


def render_collection_import(summary: CollectionImportSummary, records: int, artifacts: int, limit: int = 50) -> str:
    """The counts of this import, what the layer now holds, and every file that was skipped."""
    revision = f" at {summary.revision}" if summary.revision else " (revision unknown: not a git checkout)"
    head = (
        f"{summary.source}{revision}: Data Provenance Collection, {summary.files:,} files,"
        f" {summary.records:,} records in {summary.seconds:.1f} s: {summary.added:,} added,"
        f" {summary.updated:,} updated, {summary.unchanged:,} unchanged, {summary.removed:,} removed;"
        f" the layer holds {records:,} records of {artifacts:,} artifacts"
    )
    lines = [clean_text(head, 1000)]
    for problem in summary.problems[:limit]:
        lines.append(clean_text(f"  {problem.file}: {problem.reason} (skipped)", 1000))
    if summary.kept:
        lines.append(f"  {summary.kept:,} records of the skipped files are kept from an earlier import")
    if len(summary.problems) > limit:
        lines.append(f"  ... and {len(summary.problems) - limit:,} more problems")
    return "\n".join(lines) + "\n"
