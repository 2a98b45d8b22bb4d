"""A repo snapshot (card, configs, tags, as read from the Hub or a local folder) mapped to facts.

Everything here is untrusted input: every value is bounded, every id validated before it can
name a parent, and every fact keeps its evidence (origin, file and field, revision, quote).
Prose yields hints, never parents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.sources.cards.hints import find_hints
from licaudit.sources.cards.license_text import LicenseIdentifier
from licaudit.sources.cards.metadata import CardMetadata, decode_card, metadata_from_mapping, parse_card
from licaudit.sources.facts import ArtifactFacts, ParentLink

README = "README.md"
CONFIG = "config.json"
ADAPTER_CONFIG = "adapter_config.json"
MERGE_CONFIGS = ("mergekit_config.yml", "mergekit_config.yaml")
LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt")
MODEL_FILES = (README, CONFIG, ADAPTER_CONFIG, *MERGE_CONFIGS, *LICENSE_FILES)
DATASET_FILES = (README, *LICENSE_FILES)
MAX_CONFIG_BYTES = 1_000_000
MAX_QUOTE = 300

_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,95})"
_REPO_ID = re.compile(rf"^{_PART}(?:/{_PART})?$")
_HUB_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.I)
_RELATIONS = {
    "finetune": Relation.FINETUNE,
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZED,
}
_QUANTIZED_TAGS = {"gguf", "gptq", "awq", "exl2", "quantized", "4-bit", "8-bit", "bitsandbytes"}

LicenseTextFetcher = Callable[[str], tuple[bytes | None, str | None]]  # url -> (content, problem)


def hub_repo_id(text: str) -> str | None:
    """`owner/name` if the text can be a Hub repo id (a Hub URL is accepted), else None.

    Rejects path traversal (`../../etc`), absolute paths, `--` and `..` (reserved by the Hub),
    and anything with characters outside [A-Za-z0-9._-].
    """
    value = _HUB_URL.sub("", text.strip()).rstrip("/")
    for marker in ("/resolve/", "/blob/", "/tree/"):
        value = value.split(marker, 1)[0]
    if value.startswith("datasets/"):
        value = value[len("datasets/") :]
    if not _REPO_ID.match(value) or ".." in value or "--" in value or value.endswith((".", "-")):
        return None
    return value


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
    parents: dict[tuple[ArtifactId, Relation], list[Evidence]] = field(default_factory=dict)
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
            _bounded(quote) if quote is not None else None,
            self.snapshot.revision,
            fieldname,
        )

    def finding(self, kind: FindingKind, severity: Severity, message: str) -> None:
        self.findings.append(Finding(kind, severity, self.snapshot.artifact, message))

    def add_parent(self, raw: str, kind: ArtifactKind, relation: Relation, evidence: Evidence) -> None:
        repo = hub_repo_id(raw)
        if repo is None:
            self.finding(
                FindingKind.INVALID_ID,
                Severity.WARNING,
                f"{self.snapshot.artifact}: {evidence.field or 'a field'} names {_bounded(raw)!r}, "
                "which cannot be a Hub id; it was not followed",
            )
            return
        parent = ArtifactId(f"datasets/{repo}" if kind is ArtifactKind.DATASET else repo)
        if parent.lower() == self.snapshot.artifact.lower():
            return  # configs often name the repo itself
        for known, found in self.parents.items():
            if known[0].lower() == parent.lower():
                found.append(evidence)  # one parent named twice (card and tag): one edge, both sources
                return
        self.parents[(parent, relation)] = [evidence]


def facts_from_snapshot(
    snapshot: RepoSnapshot, identifier: LicenseIdentifier, fetch_text: LicenseTextFetcher | None = None
) -> tuple[ArtifactFacts, list[Finding]]:
    """The facts one repo declares, and the findings about them (never raises on bad input)."""
    builder = _Builder(snapshot, identifier)
    card = _card(builder)
    expression, declared, license_evidence = _license(builder, card, fetch_text)
    if snapshot.kind is ArtifactKind.DATASET:
        _dataset_parents(builder, card)
    else:
        _model_parents(builder, card)
    _hints(builder, card)
    for path, problem in sorted(snapshot.file_problems.items()):
        kind = FindingKind.GATED if problem.startswith("gated") else FindingKind.CARD_PROBLEM
        builder.finding(kind, Severity.WARNING, f"{snapshot.artifact}: {path}: {problem}")
    facts = ArtifactFacts(
        id=snapshot.artifact,
        kind=snapshot.kind,
        name=snapshot.artifact,
        license_expression=expression,
        declared_license=declared,
        license_evidence=tuple(license_evidence),
        parents=tuple(ParentLink(parent, relation, tuple(ev)) for (parent, relation), ev in builder.parents.items()),
        on_hub=snapshot.on_hub,
        hints=tuple(builder.hints),
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
            f"{builder.snapshot.artifact}: license_name {_bounded(card.license_name)!r} is not in the catalog",
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
            f"({identified.method}, confidence {identified.confidence:.2f}): {_bounded(identified.problem)}",
        )
    evidence.append(
        Evidence(Origin.DECLARED, url, _bounded(identified.quote), snapshot.revision, "license_link" if link else where)
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


def _model_parents(builder: _Builder, card: CardMetadata) -> None:
    snapshot = builder.snapshot
    adapter = _json_file(builder, ADAPTER_CONFIG)
    merge_sources = _merge_sources(builder)
    default = _default_relation(builder, card, adapter is not None, bool(merge_sources))
    declared_relation = _RELATIONS.get((card.base_model_relation or "").lower())
    if card.base_model_relation and declared_relation is None:
        builder.finding(
            FindingKind.CARD_PROBLEM,
            Severity.WARNING,
            f"{snapshot.artifact}: base_model_relation {_bounded(card.base_model_relation)!r} is not one of "
            f"{sorted(_RELATIONS)}; {default.value} assumed",
        )
    tagged = {
        parts[2].lower(): _RELATIONS[parts[1]]
        for parts in (t.split(":") for t in snapshot.tags)
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in _RELATIONS
    }
    for base in card.base_model:
        ev = builder.card_evidence("base_model", f"base_model: {base}")
        builder.add_parent(base, ArtifactKind.MODEL, declared_relation or tagged.get(base.lower(), default), ev)
    for tag in snapshot.tags:
        parts = tag.split(":")
        if parts[0] != "base_model" or len(parts) < 2:
            continue
        tag_relation = _RELATIONS.get(parts[1]) if len(parts) == 3 else None
        if len(parts) == 3 and tag_relation is None:
            continue
        ev = builder.evidence(Origin.TAG, "", "tags", tag)
        builder.add_parent(parts[-1], ArtifactKind.MODEL, tag_relation or declared_relation or default, ev)
    for api_base, api_relation in _api_base_models(snapshot.base_models):
        ev = builder.evidence(Origin.TAG, "", "baseModels", f"baseModels: {api_relation or ''} {api_base}".strip())
        builder.add_parent(api_base, ArtifactKind.MODEL, _RELATIONS.get(api_relation or "", default), ev)
    adapter_base = adapter.get("base_model_name_or_path") if adapter is not None else None
    if isinstance(adapter_base, str) and adapter_base.strip():
        ev = builder.evidence(
            Origin.DECLARED, ADAPTER_CONFIG, "base_model_name_or_path", f'"base_model_name_or_path": "{adapter_base}"'
        )
        builder.add_parent(adapter_base, ArtifactKind.MODEL, Relation.ADAPTER, ev)
    for path, source, fieldname in merge_sources:
        ev = builder.evidence(Origin.DECLARED, path, fieldname, f"{fieldname}: {source}")
        builder.add_parent(source, ArtifactKind.MODEL, Relation.MERGE, ev)
    config = _json_file(builder, CONFIG)
    name_or_path = config.get("_name_or_path") if config is not None else None
    if isinstance(name_or_path, str) and hub_repo_id(name_or_path) and "/" in name_or_path:
        model_parents = [p for (p, _r) in builder.parents if not p.startswith("datasets/")]
        if not model_parents:
            ev = builder.evidence(Origin.DECLARED, CONFIG, "_name_or_path", f'"_name_or_path": "{name_or_path}"')
            builder.add_parent(name_or_path, ArtifactKind.MODEL, default, ev)
    for dataset in card.datasets:
        ev = builder.card_evidence("datasets", f"datasets: {dataset}")
        builder.add_parent(dataset, ArtifactKind.DATASET, Relation.TRAINED_ON, ev)
    for tag in snapshot.tags:
        if tag.startswith("dataset:") and len(tag) > len("dataset:"):
            ev = builder.evidence(Origin.TAG, "", "tags", tag)
            builder.add_parent(tag[len("dataset:") :], ArtifactKind.DATASET, Relation.TRAINED_ON, ev)


def _default_relation(builder: _Builder, card: CardMetadata, adapter: bool, merge: bool) -> Relation:
    if adapter:
        return Relation.ADAPTER
    if merge or len(card.base_model) > 1:
        return Relation.MERGE
    tags = {t.lower() for t in (*builder.snapshot.tags, *card.tags)}
    if tags & _QUANTIZED_TAGS:
        return Relation.QUANTIZED
    return Relation.FINETUNE


def _api_base_models(raw: object) -> list[tuple[str, str | None]]:
    """The Hub's `baseModels`: {"relation": ..., "models": [{"id": ...}]} or a list of ids."""
    found: list[tuple[str, str | None]] = []
    if isinstance(raw, dict):
        relation = raw.get("relation") if isinstance(raw.get("relation"), str) else None
        for model in raw.get("models") or []:
            if isinstance(model, dict) and isinstance(model.get("id"), str):
                found.append((model["id"], relation))
    elif isinstance(raw, list):
        found += [(item, None) for item in raw if isinstance(item, str)]
    return found[:100]


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


def _dataset_parents(builder: _Builder, card: CardMetadata) -> None:
    for source in card.source_datasets:
        name = source.split("|", 1)[1] if source.startswith("extended|") else source
        if name.lower() in {"original", "extended", "other"} or "|" in name:
            continue
        ev = builder.card_evidence("source_datasets", f"source_datasets: {source}")
        builder.add_parent(name, ArtifactKind.DATASET, Relation.DERIVED_FROM, ev)
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


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
