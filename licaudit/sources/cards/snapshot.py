"""A repo snapshot (card, configs, tags, as read from the Hub or a local folder) mapped to facts.

The card reader (`reader.read_card`) decides what the card and configs declare; this module adds
where each fact was read (file URLs, revision), resolves `license: other` through `license_name`
and license texts, and reads prose for hints. Everything here is untrusted input: every value is
bounded and every fact keeps its evidence. Prose yields hints, never parents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.sources.cards.hints import find_hints
from licaudit.sources.cards.license_section import license_section
from licaudit.sources.cards.license_text import LicenseIdentifier
from licaudit.sources.cards.metadata import CardMetadata, decode_card, metadata_from_mapping, parse_card
from licaudit.sources.cards.reader import (
    ADAPTER_CONFIG,
    CONFIG,
    CONFIG_FILES,
    MERGE_CONFIGS,
    NO_CONFIGS,
    CardLink,
    RepoConfigs,
    bounded_quote,
    read_card,
)
from licaudit.sources.facts import ArtifactFacts, ParentLink

README = "README.md"
LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt")
MODEL_FILES = (README, CONFIG, ADAPTER_CONFIG, *MERGE_CONFIGS, *LICENSE_FILES)
DATASET_FILES = (README, *LICENSE_FILES)
MAX_CONFIG_BYTES = 1_000_000

LicenseTextFetcher = Callable[[str], tuple[bytes | None, str | None]]  # url -> (content, problem)


@dataclass(frozen=True)
class RepoSnapshot:
    """What was read from one repo at one revision. `files` holds raw bytes, never parsed code."""

    artifact: ArtifactId
    kind: ArtifactKind
    revision: str | None
    web_url: str  # for evidence: the Hub page or the local folder
    tags: tuple[str, ...] = ()
    card_data: Mapping[str, Any] | None = None
    gated: str | None = None
    base_models: object = None
    files: Mapping[str, bytes] = field(default_factory=dict)
    file_problems: Mapping[str, str] = field(default_factory=dict)  # path -> "gated", "too large", ...
    on_hub: bool = True

    def file_url(self, path: str) -> str:
        if not self.on_hub:
            return f"{self.web_url}/{path}"
        return f"{self.web_url}/blob/{self.revision or 'main'}/{path}"


@dataclass
class _Builder:
    snapshot: RepoSnapshot
    identifier: LicenseIdentifier
    findings: list[Finding] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    card_from_listing: bool = False  # README.md unreadable: the front matter came from the API's cardData

    def card_evidence(self, fieldname: str, quote: str) -> Evidence:
        if self.card_from_listing:
            return self.evidence(Origin.DECLARED, "", f"cardData.{fieldname}", quote)
        return self.evidence(Origin.DECLARED, README, fieldname, quote)

    def evidence(self, origin: Origin, path: str, fieldname: str | None, quote: str | None) -> Evidence:
        return Evidence(
            origin,
            self.snapshot.file_url(path) if path else self.snapshot.web_url,
            bounded_quote(quote) if quote is not None else None,
            self.snapshot.revision,
            fieldname,
        )

    def finding(self, kind: FindingKind, severity: Severity, message: str) -> None:
        self.findings.append(Finding(kind, severity, self.snapshot.artifact, message))


def facts_from_snapshot(
    snapshot: RepoSnapshot, identifier: LicenseIdentifier, fetch_text: LicenseTextFetcher | None = None
) -> tuple[ArtifactFacts, list[Finding]]:
    """The facts one repo declares, and the findings about them (never raises on bad input)."""
    builder = _Builder(snapshot, identifier)
    card = _card(builder)
    configs = _configs(builder) if snapshot.kind is not ArtifactKind.DATASET else NO_CONFIGS
    declared = read_card(
        snapshot.kind, card, snapshot.tags, configs, _api_base_models(snapshot.base_models), snapshot.artifact
    )
    for error in declared.errors[len(card.errors) :]:  # the card's own errors were reported by `_card`
        kind = FindingKind.INVALID_ID if "cannot be a Hub id" in error else FindingKind.CARD_PROBLEM
        builder.finding(kind, Severity.WARNING, f"{snapshot.artifact}: {error}")
    expression, declared_license, license_evidence = _license(builder, card, fetch_text)
    section = license_section(card.body) if card.body else None
    prose: str | None = None
    if section is not None:
        quote = f"{section.heading}: {section.text}"
        if expression is None:  # no metadata, tag or LICENSE file: the section is the declaration
            expression = declared_license = section.text
            license_evidence.append(builder.evidence(Origin.DECLARED, README, f"body line {section.line}", quote))
        else:
            prose = section.text
    if snapshot.kind is ArtifactKind.DATASET:
        _machine_generated(builder, card)
    _hints(builder, card)
    for path, problem in sorted(snapshot.file_problems.items()):
        kind = FindingKind.GATED if problem.startswith("gated") else FindingKind.CARD_PROBLEM
        builder.finding(kind, Severity.WARNING, f"{snapshot.artifact}: {path}: {problem}")
    facts = ArtifactFacts(
        id=snapshot.artifact,
        kind=snapshot.kind,
        name=snapshot.artifact,
        license_expression=expression,
        declared_license=declared_license,
        license_evidence=tuple(license_evidence),
        parents=tuple(
            ParentLink(
                ArtifactId(link.parent),
                link.relation,
                tuple(
                    _link_evidence(builder, named)
                    for named in (link, *declared.corroborating)
                    if named.parent.lower() == link.parent.lower()
                ),
            )
            for link in declared.links
        ),
        on_hub=snapshot.on_hub,
        hints=tuple(builder.hints),
        license_prose=prose,
    )
    return facts, builder.findings


def _card(builder: _Builder) -> CardMetadata:
    snapshot = builder.snapshot
    raw = snapshot.files.get(README)
    if raw is not None:
        card = parse_card(raw)
        for error in card.errors:
            builder.finding(FindingKind.CARD_PROBLEM, Severity.WARNING, f"{snapshot.artifact}: {README}: {error}")
        if not card.has_front_matter:
            builder.finding(
                FindingKind.CARD_PROBLEM,
                Severity.INFO,
                f"{snapshot.artifact}: {README} has no YAML front matter (no declared license or base model)",
            )
        return card
    if snapshot.card_data:
        builder.card_from_listing = True
        return metadata_from_mapping(dict(snapshot.card_data))
    if README not in snapshot.file_problems:
        builder.finding(FindingKind.CARD_PROBLEM, Severity.INFO, f"{snapshot.artifact} has no {README} (no card)")
    return CardMetadata()


def _license(
    builder: _Builder, card: CardMetadata, fetch_text: LicenseTextFetcher | None
) -> tuple[str | None, str | None, list[Evidence]]:
    snapshot = builder.snapshot
    evidence: list[Evidence] = []
    values = list(card.license)
    if values:
        evidence += [builder.card_evidence("license", f"license: {v}") for v in values]
    else:
        values = [t.split(":", 1)[1] for t in snapshot.tags if t.startswith("license:") and len(t) > 8]
        evidence += [builder.evidence(Origin.TAG, "", "tags", f"license:{v}") for v in values]
    declared = ", ".join(values) if values else None
    resolved: list[str] = []
    for value in values:
        if value.lower() != "other":
            resolved.append(value)
            continue
        found = _other_license(builder, card, fetch_text, evidence)
        resolved.append(found or "other")
    if card.license_name and declared is not None:
        declared += f" (license_name: {card.license_name})"
    if not values:
        identified = _license_file(builder, fetch_text, None, evidence)
        if identified is not None:
            resolved.append(identified)
    return (", ".join(resolved) if resolved else None), declared, evidence


def _other_license(
    builder: _Builder, card: CardMetadata, fetch_text: LicenseTextFetcher | None, evidence: list[Evidence]
) -> str | None:
    """`license: other`: the catalog by `license_name`, else the text behind `license_link`."""
    if card.license_name:
        found = builder.identifier.lookup_name(card.license_name)
        if found is not None:
            evidence.append(builder.card_evidence("license_name", f"license_name: {card.license_name}"))
            return found
        builder.finding(
            FindingKind.CARD_PROBLEM,
            Severity.INFO,
            f"{builder.snapshot.artifact}: license_name {bounded_quote(card.license_name)!r} is not in the catalog",
        )
    return _license_file(builder, fetch_text, card.license_link, evidence)


def _license_file(
    builder: _Builder, fetch_text: LicenseTextFetcher | None, link: str | None, evidence: list[Evidence]
) -> str | None:
    snapshot = builder.snapshot
    text: bytes | None = None
    where = ""
    local = repo_file_of_link(link, snapshot) if link else None
    if local is not None:
        text, where = snapshot.files.get(local), local
        if text is None:
            builder.finding(
                FindingKind.CARD_PROBLEM,
                Severity.WARNING,
                f"{snapshot.artifact}: license_link names {local}, which could not be read "
                f"({snapshot.file_problems.get(local, 'not in the repo')})",
            )
    elif link:
        where = link
        if fetch_text is None:
            builder.finding(
                FindingKind.CARD_PROBLEM, Severity.INFO, f"{snapshot.artifact}: license_link {link} not read"
            )
        else:
            text, problem = fetch_text(link)
            if problem:
                builder.finding(
                    FindingKind.CARD_PROBLEM, Severity.WARNING, f"{snapshot.artifact}: license_link {link}: {problem}"
                )
    else:
        for name in LICENSE_FILES:
            if name in snapshot.files:
                text, where = snapshot.files[name], name
                break
    if text is None:
        return None
    decoded, _ = decode_card(text)
    identified = builder.identifier.identify_license_text(decoded)
    if identified is None:
        if link:
            builder.finding(
                FindingKind.CARD_PROBLEM,
                Severity.WARNING,
                f"{snapshot.artifact}: the license text at {where} matches no catalogued license",
            )
        return None
    url = snapshot.file_url(where) if not where.lower().startswith(("http://", "https://")) else where
    if identified.problem:
        # A modified license text, or one that adds restrictive wording: never a silent match.
        builder.finding(
            FindingKind.CARD_PROBLEM,
            Severity.WARNING,
            f"{snapshot.artifact}: the license text at {where} reads as {identified.expression} "
            f"({identified.method}, confidence {identified.confidence:.2f}): {bounded_quote(identified.problem)}",
        )
    evidence.append(
        Evidence(
            Origin.DECLARED, url, bounded_quote(identified.quote), snapshot.revision, "license_link" if link else where
        )
    )
    return identified.expression


def repo_file_of_link(link: str | None, snapshot: RepoSnapshot) -> str | None:
    """The repo path a `license_link` names, when it points inside this repo."""
    if not link:
        return None
    value = link.strip()
    if not value.lower().startswith(("http://", "https://")):
        path = value.lstrip("./")
        return path if path and ".." not in path and re.fullmatch(r"[\w.\-/]{1,200}", path) else None
    if not snapshot.on_hub:
        return None
    for marker in ("/blob/", "/resolve/"):
        if value.startswith(snapshot.web_url + marker):
            rest = value[len(snapshot.web_url + marker) :].split("/", 1)
            if len(rest) == 2 and ".." not in rest[1]:
                return rest[1]
    return None


def _configs(builder: _Builder) -> RepoConfigs:
    """What the repo's config files say about its parents (adapter, mergekit, config.json)."""
    adapter = _json_file(builder, ADAPTER_CONFIG)
    adapter_base = adapter.get("base_model_name_or_path") if adapter is not None else None
    config = _json_file(builder, CONFIG)
    name_or_path = config.get("_name_or_path") if config is not None else None
    return RepoConfigs(
        adapter_base=adapter_base.strip() if isinstance(adapter_base, str) and adapter_base.strip() else None,
        merge_sources=tuple(_merge_sources(builder)),
        name_or_path=name_or_path if isinstance(name_or_path, str) else None,
        quantized=config is not None and "quantization_config" in config,
    )


def _link_evidence(builder: _Builder, link: CardLink) -> Evidence:
    """Where a card link was read: the card field, a Hub tag or listing field, or a config file."""
    if link.source in CONFIG_FILES:
        return builder.evidence(link.origin, link.source, _config_field(link), link.quote)
    if link.origin is Origin.TAG:
        return builder.evidence(link.origin, "", link.source, link.quote)
    evidence = builder.card_evidence(link.source, link.quote)
    return Evidence(link.origin, evidence.url, evidence.quote, evidence.revision, evidence.field)


def _config_field(link: CardLink) -> str:
    return link.quote.split(":", 1)[0].strip('"')


def _api_base_models(raw: object) -> tuple[tuple[str, str | None], ...]:
    """The Hub's `baseModels`: {"relation": ..., "models": [{"id": ...}]} or a list of ids."""
    found: list[tuple[str, str | None]] = []
    if isinstance(raw, dict):
        relation = raw.get("relation") if isinstance(raw.get("relation"), str) else None
        for model in raw.get("models") or []:
            if isinstance(model, dict) and isinstance(model.get("id"), str):
                found.append((model["id"], relation))
    elif isinstance(raw, list):
        found += [(item, None) for item in raw if isinstance(item, str)]
    return tuple(found[:100])


def _json_file(builder: _Builder, path: str) -> dict[str, Any] | None:
    raw = builder.snapshot.files.get(path)
    if raw is None:
        return None
    if len(raw) > MAX_CONFIG_BYTES:
        builder.finding(FindingKind.CARD_PROBLEM, Severity.WARNING, f"{builder.snapshot.artifact}: {path} too large")
        return None
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        builder.finding(
            FindingKind.CARD_PROBLEM, Severity.WARNING, f"{builder.snapshot.artifact}: {path} is not valid JSON"
        )
        return None
    return data if isinstance(data, dict) else None


def _merge_sources(builder: _Builder) -> list[tuple[str, str, str]]:
    """Every model a mergekit config merges: `models`, `slices[].sources`, and `base_model`."""
    found: list[tuple[str, str, str]] = []
    for path in MERGE_CONFIGS:
        raw = builder.snapshot.files.get(path)
        if raw is None:
            continue
        try:
            data = yaml.load(raw[:MAX_CONFIG_BYTES], Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, RecursionError, ValueError):
            builder.finding(
                FindingKind.CARD_PROBLEM, Severity.WARNING, f"{builder.snapshot.artifact}: {path} is malformed YAML"
            )
            continue
        if not isinstance(data, dict):
            continue
        entries: list[object] = list(data.get("models") or [])
        for piece in data.get("slices") or []:
            if isinstance(piece, dict):
                entries += list(piece.get("sources") or [])
        for entry in entries[:200]:
            model = entry.get("model") if isinstance(entry, dict) else entry
            if isinstance(model, str):
                found.append((path, model, "models"))
        base = data.get("base_model")
        if isinstance(base, str):
            found.append((path, base, "base_model"))
    return found


def _machine_generated(builder: _Builder, card: CardMetadata) -> None:
    if any(c.lower() == "machine-generated" for c in card.annotations_creators):
        builder.hints.append("annotations_creators: machine-generated (the generator is not named in a field)")
        builder.finding(
            FindingKind.HINT,
            Severity.WARNING,
            f"{builder.snapshot.artifact}: annotations are machine-generated (annotations_creators); the terms of "
            "the generating model or API may bind this data, but no field names it",
        )


def _hints(builder: _Builder, card: CardMetadata) -> None:
    for hint in find_hints(card.body):
        builder.hints.append(hint.describe())
        builder.finding(
            FindingKind.HINT,
            Severity.INFO,
            f"{builder.snapshot.artifact}: card text says {hint.phrase} {hint.subject!r} "
            f"(a hint, not a parent): “{hint.sentence}”",
        )
