"""`licaudit registry list|show`: the curated records with their sources."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from licaudit.cli.app import registry_app
from licaudit.cli.exit_codes import fail
from licaudit.cli.options import FormatOption, OutputFormat, RegistryOption, RulesOption, load_knowledge_or_fail
from licaudit.cli.output import stdout_console

if TYPE_CHECKING:
    from licaudit.knowledge import Knowledge
    from licaudit.sources.facts import ArtifactFacts


@registry_app.command("list")
def registry_list(
    kind: Annotated[str | None, typer.Option("--kind", help="model, dataset or service.")] = None,
    output_format: FormatOption = OutputFormat.TEXT,
    registry: RegistryOption = None,
    rules: RulesOption = None,
) -> None:
    """List the artifacts the registry knows."""
    from licaudit.reports.registry_listing import registry_list_document, render_registry_list

    knowledge = load_knowledge_or_fail(rules, registry)
    records = [r for r in knowledge.registry.records.values() if kind is None or r.kind.value == kind]
    records.sort(key=lambda r: r.id.lower())
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(registry_list_document(records, knowledge), indent=2, ensure_ascii=False) + "\n")
    else:
        render_registry_list(records, knowledge, stdout_console())


@registry_app.command("show")
def registry_show(
    artifact: Annotated[str, typer.Argument(help="Artifact id or alias.")],
    output_format: FormatOption = OutputFormat.TEXT,
    registry: RegistryOption = None,
    rules: RulesOption = None,
) -> None:
    """Show one registry record with its sources and quotes (else the imported Data Provenance
    Collection's annotation of it)."""
    from licaudit.errors import UnknownArtifactError
    from licaudit.reports.registry_listing import record_document, render_record

    knowledge = load_knowledge_or_fail(rules, registry)
    layer = "registry"
    record = knowledge.registry.get(artifact)
    if record is None:  # the layer below the registry: an imported Data Provenance Collection
        record = _annotated(artifact, knowledge)
        layer = "dpi"
    if record is None:
        fail(str(UnknownArtifactError(artifact, knowledge.registry.suggest(artifact))))
    if output_format is OutputFormat.JSON:
        import json

        document = record_document(record, knowledge, layer)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        render_record(record, knowledge, stdout_console(), layer)


def _annotated(artifact: str, knowledge: "Knowledge") -> "ArtifactFacts | None":
    """The artifact as the imported Data Provenance Collection annotates it, if it was imported."""
    from licaudit.sources.dpi.layer import CollectionLayer
    from licaudit.sources.dpi.store import CollectionStore, has_collection
    from licaudit.sources.dumps.store import default_database
    from licaudit.terms.identify import CatalogIdentifier

    if not has_collection(default_database()):
        return None
    with CollectionStore(default_database()) as store:
        return CollectionLayer(store, knowledge.registry, CatalogIdentifier(knowledge.catalog)).facts(artifact)
