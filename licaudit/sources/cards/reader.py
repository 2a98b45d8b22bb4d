"""The card reader: a card's front matter, its Hub tags and the repo's configs -> declared facts.

This is the one place a card becomes lineage, whatever the path that read it: a Hub snapshot, a
local folder, an imported dump row, a run input or `licaudit check`. Each path adds only where
the facts came from (URLs, revisions); what the card means is decided here, so the same card
always gives the same license declaration and the same parents with the same relations.

It runs a million times in a bulk import: named tuples built in C, memoised id parsing, one pass
over the tags.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from licaudit.artifact_ref import RefKind, parse_ref
from licaudit.artifacts import ArtifactKind, Origin, Relation
from licaudit.sources.cards.license_section import license_section
from licaudit.sources.cards.metadata import CardMetadata

HUB_RELATIONS = {
    "finetune": Relation.FINETUNE,
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZED,
}
QUANTIZED_TAGS = frozenset({"gguf", "gptq", "awq", "exl2", "quantized", "4-bit", "8-bit", "bitsandbytes"})
MAX_QUOTE = 300
_NOT_A_SOURCE = frozenset({"original", "extended", "other"})
ADAPTER_CONFIG = "adapter_config.json"
CONFIG = "config.json"
MERGE_CONFIGS = ("mergekit_config.yml", "mergekit_config.yaml")
CONFIG_FILES = frozenset({ADAPTER_CONFIG, CONFIG, *MERGE_CONFIGS})


class CardLink(NamedTuple):
    """ "This artifact <relation> parent", the card field or file that says so, and its words."""

    parent: str  # an artifact id: `org/name`, `datasets/org/name`
    relation: Relation
    origin: Origin  # DECLARED (a card field or config file) or TAG
    quote: str
    source: str  # the card field (`base_model`, `datasets`, `tags`, `baseModels`) or the config file


class RepoConfigs(NamedTuple):
    """What the repo's config files say about its parents, when the reader has the files."""

    adapter_base: str | None = None  # adapter_config.json `base_model_name_or_path`
    merge_sources: tuple[tuple[str, str, str], ...] = ()  # (file, model, field) from a mergekit config
    name_or_path: str | None = None  # config.json `_name_or_path`
    quantized: bool = False  # config.json has a `quantization_config`


NO_CONFIGS = RepoConfigs()


class CardFacts(NamedTuple):
    """What a card declares: its license as written, its parents, and what could not be read."""

    license: str | None  # the declared value(s) as written, `license_name` for `license: other`
    license_origin: Origin | None
    license_quote: str | None
    links: tuple[CardLink, ...]  # one per parent, in the order of precedence of their sources
    errors: tuple[str, ...]  # card problems: YAML errors, ids that cannot be Hub ids, unknown relations
    corroborating: tuple[CardLink, ...] = ()  # a parent named again (card and tag): more evidence, same edge


def read_card(
    kind: ArtifactKind,
    card: CardMetadata,
    tags: tuple[str, ...] = (),
    configs: RepoConfigs = NO_CONFIGS,
    api_base_models: tuple[tuple[str, str | None], ...] = (),
    self_id: str | None = None,
) -> CardFacts:
    """The facts a card declares about one artifact (never raises on bad input).

    With `self_id`, a config file naming the repo itself is not a parent (`_name_or_path` often
    does after `save_pretrained`); a card field or tag naming it is kept, for the lineage to report
    as a self-loop.
    """
    tag_relations: dict[str, Relation] = {}
    tag_bases: list[tuple[str, Relation | None, str]] = []
    tag_datasets: list[str] = []
    tag_licenses: list[str] = []
    quantized_tag = False
    for tag in tags:  # one pass: most tags (`transformers`, `en`) have no prefix licaudit reads
        if ":" not in tag:
            quantized_tag = quantized_tag or tag.lower() in QUANTIZED_TAGS
            continue
        prefix, _, rest = tag.partition(":")
        if prefix == "base_model":
            relation_name, colon, parent = rest.partition(":")
            if not colon:
                tag_bases.append((rest, None, tag))
            elif relation_name in HUB_RELATIONS:
                tag_bases.append((parent, HUB_RELATIONS[relation_name], tag))
                found = _parent_id(parent, RefKind.MODEL)
                if found is not None:
                    tag_relations[found.lower()] = HUB_RELATIONS[relation_name]
        elif prefix == "dataset":
            tag_datasets.append(tag)
        elif prefix == "license" and rest:
            tag_licenses.append(rest)
    errors = list(card.errors)
    license_, origin, quote = _declared_license(card, tag_licenses)
    links: dict[str, CardLink] = {}
    corroborating: list[CardLink] = []

    def link(raw: str, default: RefKind, relation: Relation, link_origin: Origin, words: str, field: str) -> None:
        parent = _parent_id(raw, default)
        if parent is None:
            errors.append(f"{field} names {bounded_quote(raw)!r}, which cannot be a Hub id; it was not followed")
            return
        if field in CONFIG_FILES and self_id is not None and parent.lower() == self_id.lower():
            return
        found = _link((parent, relation, link_origin, bounded_quote(words), field))
        if links.setdefault(parent.lower(), found) is not found:
            corroborating.append(found)

    if kind is ArtifactKind.DATASET:
        for source in card.source_datasets:
            name = source.split("|", 1)[1] if source.startswith("extended|") else source
            if name.strip().lower() in _NOT_A_SOURCE or "|" in name:
                continue
            words = f"source_datasets: {source}"
            link(name, RefKind.DATASET, Relation.DERIVED_FROM, Origin.DECLARED, words, "source_datasets")
    else:
        declared = None
        if card.base_model_relation:
            declared = HUB_RELATIONS.get(card.base_model_relation.strip().lower())
        default = default_relation(card, configs, quantized_tag)
        if card.base_model_relation and declared is None:
            errors.append(
                f"base_model_relation {bounded_quote(card.base_model_relation)!r} is not one of "
                f"{sorted(HUB_RELATIONS)}; {default.value} assumed"
            )
        for base in card.base_model:
            base_id = _parent_id(base, RefKind.MODEL)
            relation = declared or (tag_relations.get(base_id.lower()) if base_id else None)
            # The parent is declared either way; a relation the card does not state is inferred as
            # the Hub infers it, and the quote says so (INFERRED is for prose, never a card field).
            words = f"base_model: {base}" if relation else f"base_model: {base} (relation inferred)"
            link(base, RefKind.MODEL, relation or default, Origin.DECLARED, words, "base_model")
        for parent_text, tag_relation, tag in tag_bases:
            link(parent_text, RefKind.MODEL, tag_relation or declared or default, Origin.TAG, tag, "tags")
        for api_base, api_relation in api_base_models[:100]:
            words = f"baseModels: {api_relation or ''} {api_base}".replace("  ", " ")
            relation = HUB_RELATIONS.get(api_relation or "", default)
            link(api_base, RefKind.MODEL, relation, Origin.TAG, words, "baseModels")
        if configs.adapter_base:
            words = f'"base_model_name_or_path": "{configs.adapter_base}"'
            link(configs.adapter_base, RefKind.MODEL, Relation.ADAPTER, Origin.DECLARED, words, ADAPTER_CONFIG)
        for path, source, field in configs.merge_sources:
            link(source, RefKind.MODEL, Relation.MERGE, Origin.DECLARED, f"{field}: {source}", path)
        name_or_path = configs.name_or_path
        if name_or_path and "/" in name_or_path and not links and _parent_id(name_or_path, RefKind.MODEL):
            words = f'"_name_or_path": "{name_or_path}"'
            link(name_or_path, RefKind.MODEL, default, Origin.DECLARED, words, CONFIG)
        for dataset in card.datasets:
            link(dataset, RefKind.DATASET, Relation.TRAINED_ON, Origin.DECLARED, f"datasets: {dataset}", "datasets")
        for tag in tag_datasets:
            link(tag[len("dataset:") :], RefKind.DATASET, Relation.TRAINED_ON, Origin.TAG, tag, "tags")
    return _facts((license_, origin, quote, tuple(links.values()), tuple(errors), tuple(corroborating)))


def default_relation(card: CardMetadata, configs: RepoConfigs, quantized_tag: bool = False) -> Relation:
    """The relation to a base the card names without saying how, as the Hub infers it."""
    if configs.adapter_base:
        return Relation.ADAPTER
    if configs.merge_sources or len(card.base_model) > 1:
        return Relation.MERGE
    if quantized_tag or configs.quantized or any(t.lower() in QUANTIZED_TAGS for t in card.tags):
        return Relation.QUANTIZED
    return Relation.FINETUNE


def _declared_license(card: CardMetadata, tag_licenses: list[str]) -> tuple[str | None, Origin | None, str | None]:
    if len(card.license) == 1 and card.license[0].lower() != "other":  # the common case, in short
        return card.license[0], Origin.DECLARED, bounded_quote(f"license: {card.license[0]}")
    if card.license:
        values = list(card.license)
        quote = f"license: {', '.join(values)}"
        # `license: other` with a `license_name` (the Hub's way to name e.g. llama3) means that name,
        # also beside other values (`license: [mit, other]`).
        if card.license_name and any(v.lower() == "other" for v in values):
            values = [card.license_name if v.lower() == "other" else v for v in values]
            quote += f"; license_name: {card.license_name}"
        return ", ".join(values), Origin.DECLARED, bounded_quote(quote)
    if tag_licenses:
        return ", ".join(tag_licenses), Origin.TAG, bounded_quote(", ".join(f"license:{t}" for t in tag_licenses))
    # No license in the metadata: the card's License section, as written (the recogniser reads it).
    section = license_section(card.body) if card.body else None
    if section is not None:
        words = f"README.md body line {section.line}, {section.heading}: {section.text}"
        return section.text, Origin.DECLARED, bounded_quote(words)
    return None, None, None


@functools.lru_cache(maxsize=100_000)  # popular bases and datasets are named by thousands of cards
def _parent_id(text: str, default: RefKind) -> str | None:
    found = parse_ref(text, default)
    if found is None or found.kind is RefKind.LOCAL:
        return None
    return found.id


def bounded_quote(text: str) -> str:
    """Card text quoted as evidence, cut to MAX_QUOTE characters."""
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


# tuple.__new__ builds a named tuple in C; calling the class (or `_make`) runs Python code.
_link = functools.partial(tuple.__new__, CardLink)
_facts = functools.partial(tuple.__new__, CardFacts)
