"""The gate: what a repository (or a run, or a model folder) uses -> traces -> policy -> one result.

The plain Python API for CI, pre-release checks and training-run plugins:

    from licaudit.gate import gate_artifacts
    result = gate_artifacts(["meta-llama/Llama-2-7b-hf"], use="commercial")
    if not result.passed: ...

`resolve` is the extension point for sources: any `Resolver` (id -> facts, or None when no
source knows the id) may be passed, and one that raises `SourceUnreachableError` makes the
result incomplete instead of failing the whole gate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from licaudit.artifact_ref import RefKind, parse_ref, ref_key
from licaudit.artifacts import ArtifactId, ArtifactKind
from licaudit.errors import SourceUnreachableError, UnknownArtifactError
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.gate.scanner import Reference, ReferenceKind, SkippedFile, reference_order, scan_repository
from licaudit.knowledge import Knowledge, load_knowledge
from licaudit.lineage.build import Resolver
from licaudit.locations import Location
from licaudit.pipeline import TraceResult, TraceSettings, registry_resolver, trace
from licaudit.policy.card_check import CardCheck, check_card
from licaudit.policy.policy_evaluation import GateFinding, judge, policy_findings
from licaudit.policy.policy_file import Policy, discover_policy, load_policy, preset_names, presets_folder
from licaudit.shipped import shipped_folder
from licaudit.sources.facts import ArtifactFacts
from licaudit.sources.hub.settings import HubSettings
from licaudit.sources.local.model_folder import read_model_folder
from licaudit.sources.resolution import LayeredSource
from licaudit.terms.expressions import leaves
from licaudit.terms.vocabulary import Effect


class GateStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"


class ArtifactStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNRESOLVED = "unresolved"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class ArtifactOutcome:
    """One distinct artifact the repository uses, as referenced and as resolved."""

    requested: str
    id: ArtifactId | None
    kind: str
    status: ArtifactStatus
    license: str | None
    verdicts: tuple[tuple[str, Effect], ...]
    references: tuple[Reference, ...]
    trace: TraceResult | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class GateResult:
    """The one result of every gate: a repository (`gate`), a model folder (`check`) or a planned run
    (`run`, `gate_inputs`, the trainer callback). Every reason to refuse is a finding."""

    kind: str  # "gate", "check" or "run"
    root: str
    policy: Policy
    today: dt.date
    references: tuple[Reference, ...]
    skipped: tuple[SkippedFile, ...]
    artifacts: tuple[ArtifactOutcome, ...]
    findings: tuple[GateFinding, ...]
    card: CardCheck | None = field(default=None, kw_only=True)
    produced: tuple[Reference, ...] = field(default=(), kw_only=True)  # outputs the repository writes: never gated

    @property
    def refusals(self) -> tuple[str, ...]:
        """The blocking findings, one line each (`rule: message`), for logs and exceptions."""
        return tuple(f"{f.rule}: {f.message}" for f in self.blocking)

    @property
    def blocking(self) -> tuple[GateFinding, ...]:
        return tuple(f for f in self.findings if f.blocks(self.policy.fail_on))

    @property
    def incomplete(self) -> bool:
        return any(a.status is ArtifactStatus.INCOMPLETE for a in self.artifacts)

    @property
    def status(self) -> GateStatus:
        """A definite violation fails; otherwise an unreachable source makes the result incomplete."""
        if any(f.kind is not FindingKind.UNREACHABLE for f in self.blocking):
            return GateStatus.FAILED
        return GateStatus.INCOMPLETE if self.incomplete else GateStatus.PASSED

    @property
    def passed(self) -> bool:
        return self.status is GateStatus.PASSED


def default_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def gate_artifacts(
    artifact_ids: Iterable[str],
    *,
    use: str = "commercial",
    policy: Policy | None = None,
    knowledge: Knowledge | None = None,
    today: dt.date | None = None,
    resolve: Resolver | None = None,
) -> GateResult:
    """Gate a list of artifact ids (e.g. what a training run loads) for one use under a policy.

    Without a policy, the shipped preset named like the use (`research`), else `commercial`, is used
    with `uses` set to `use`. Reference
    locations are `<arguments>:N`, N the 1-based position of the id in `artifact_ids`.
    """
    knowledge = knowledge or load_knowledge()
    today = today or default_today()
    policy = policy or default_policy(use, knowledge, today)
    references = [
        Reference(Location("<arguments>", index), ReferenceKind.MODEL, artifact, "argument")
        for index, artifact in enumerate(artifact_ids, start=1)
    ]
    return evaluate_references("gate", "<arguments>", references, (), policy, knowledge, today, resolve)


def default_policy(use: str, knowledge: Knowledge, today: dt.date) -> Policy:
    """The policy of a gate that names none: the shipped preset named like the use, else `commercial`,
    for that use alone. Every gate API (artifacts, inputs, runs) defaults to it."""
    rules_folder = shipped_folder("rules")
    preset = use if use in preset_names(presets_folder(rules_folder)) else "commercial"
    return replace(load_policy(preset, knowledge, today, rules_folder), uses=(use,))


def outcome_findings(
    result: TraceResult, requested: str, refs: tuple[Reference, ...], knowledge: Knowledge, policy: Policy
) -> tuple[ArtifactOutcome, list[Finding]]:
    """One traced artifact as a gate sees it: its outcome and the findings the policy makes of it."""
    return _outcome(result, requested, refs, knowledge, policy)


def gate_repository(
    root: Path,
    policy: Policy,
    knowledge: Knowledge,
    today: dt.date | None = None,
    resolve: Resolver | None = None,
    hub: HubSettings | None = None,
    source: LayeredSource | None = None,
) -> GateResult:
    """Everything a repository references (code, training configs, the policy's manifest), gated."""
    scan = scan_repository(root)
    manifest = [
        Reference(
            entry.location,
            ReferenceKind.DATASET if entry.kind == "dataset" else ReferenceKind.MODEL,
            entry.id,
            "manifest",
        )
        for entry in policy.artifacts
    ]
    references = sorted([*scan.references, *manifest], key=reference_order)
    result = evaluate_references(
        "gate",
        root.as_posix(),
        references,
        scan.skipped,
        policy,
        knowledge,
        today or default_today(),
        resolve,
        hub,
        source=source,
    )
    return replace(result, produced=scan.produced)


def evaluate_references(
    kind: str,
    root: str,
    references: list[Reference],
    skipped: tuple[SkippedFile, ...],
    policy: Policy,
    knowledge: Knowledge,
    today: dt.date,
    resolve: Resolver | None = None,
    hub: HubSettings | None = None,
    *,
    source: LayeredSource | None = None,
) -> GateResult:
    """Gate each referenced artifact. With `hub`, ids the registry does not know are read from the
    Hub through the cache (offline: the cache only), through `source` when the caller opened one,
    else through one source opened for the whole gate; without it, the registry alone answers."""
    if resolve is None and hub is None:
        resolve = registry_resolver(knowledge)
    if resolve is None and source is None and hub is not None:
        with _open(knowledge, hub) as opened:
            return evaluate_references(
                kind, root, references, skipped, policy, knowledge, today, None, hub, source=opened
            )
    settings = TraceSettings(uses=policy.uses, stance=policy.stance, hub=hub)
    located: dict[tuple[str, str, str], tuple[Finding, set[Location]]] = {}

    def add(finding: Finding, locations: Iterable[Location]) -> None:
        entry = located.setdefault((finding.kind.value, finding.artifact, finding.message), (finding, set()))
        entry[1].update(locations)

    by_artifact: dict[str, list[Reference]] = {}
    for reference in references:
        if reference.artifact is None:
            add(
                Finding(
                    FindingKind.UNRESOLVABLE_REFERENCE,
                    Severity.WARNING,
                    ArtifactId(reference.expression or "?"),
                    f"{reference.via}({reference.expression}) at {reference.location.file}:{reference.location.line} "
                    "loads a value known only at run time; name what it loads in the `artifacts:` manifest",
                ),
                [reference.location],
            )
            continue
        # A bare dataset name (`squad`) may be a canonical model id too: it is tried both ways below.
        named_as = RefKind.DATASET if reference.kind is ReferenceKind.DATASET and "/" in reference.artifact else None
        ref = parse_ref(reference.artifact, named_as or RefKind.MODEL)
        key = ref.key if ref is not None else ref_key(reference.artifact)
        by_artifact.setdefault(key, []).append(reference)
    for skipped_file in skipped:
        add(
            Finding(
                FindingKind.UNPARSABLE_FILE,
                Severity.WARNING,
                ArtifactId(skipped_file.location.file),
                skipped_file.message,
            ),
            [skipped_file.location],
        )
    outcomes = []
    for key in sorted(by_artifact):
        refs = tuple(by_artifact[key])
        outcome, findings = _gate_one(refs, key, settings, knowledge, resolve, policy, source)
        outcomes.append(outcome)
        for finding in findings:
            add(finding, [r.location for r in refs])
    judged = judge([(f, tuple(locs)) for f, locs in located.values()], policy, today)
    blocked = {f.artifact for f in judged if f.blocks(policy.fail_on)}
    outcomes = [settle_outcome(o, blocked) for o in outcomes]
    return GateResult(kind, root, policy, today, tuple(references), skipped, tuple(outcomes), tuple(judged))


def settle_outcome(outcome: ArtifactOutcome, blocked: set[ArtifactId]) -> ArtifactOutcome:
    """A passed outcome fails when a blocking finding names it or anything in its lineage."""
    if outcome.status is not ArtifactStatus.PASSED or outcome.trace is None:
        return outcome
    if any(a in blocked for a in outcome.trace.graph.artifacts()) or outcome.requested in blocked:
        return replace(outcome, status=ArtifactStatus.FAILED)
    return outcome


def _gate_one(
    refs: tuple[Reference, ...],
    key: str,
    settings: TraceSettings,
    knowledge: Knowledge,
    resolve: Resolver | None,
    policy: Policy,
    source: LayeredSource | None,
) -> tuple[ArtifactOutcome, list[Finding]]:
    requested = refs[0].artifact or key
    kind = refs[0].kind.value
    candidates = [requested] if refs[0].kind is ReferenceKind.MODEL else [f"datasets/{requested}", requested]
    try:
        result = None
        for candidate in candidates:
            try:
                result = trace(candidate, settings, knowledge, resolve, source=source)
                break
            except UnknownArtifactError:
                continue
    except SourceUnreachableError as error:
        finding = Finding(FindingKind.UNREACHABLE, Severity.ERROR, ArtifactId(requested), str(error))
        return ArtifactOutcome(requested, None, kind, ArtifactStatus.INCOMPLETE, None, (), refs), [finding]
    if result is None:
        hint = knowledge.registry.suggest(requested)
        finding = Finding(
            FindingKind.UNRESOLVED_ARTIFACT,
            Severity.ERROR,
            ArtifactId(requested),
            f"{requested} is referenced but no source knows it: its terms are unknown"
            + (f" (did you mean: {', '.join(hint)}?)" if hint else ""),
        )
        return ArtifactOutcome(requested, None, kind, ArtifactStatus.UNRESOLVED, None, (), refs), [finding]
    return _outcome(result, requested, refs, knowledge, policy)


def _outcome(
    result: TraceResult, requested: str, refs: tuple[Reference, ...], knowledge: Knowledge, policy: Policy
) -> tuple[ArtifactOutcome, list[Finding]]:
    facts = result.graph.facts(result.target)
    expr = knowledge.normaliser.normalise(facts.license_expression)
    own = [leaf.license.id for leaf in leaves(expr) if leaf.license is not None]
    verdicts = {use: result.verdict(use) for use in policy.uses}
    findings = [*result.findings, *policy_findings(result.target, verdicts, own, knowledge.catalog, policy)]
    kind = "dataset" if facts.kind is ArtifactKind.DATASET else facts.kind.value
    outcome = ArtifactOutcome(
        requested,
        result.target,
        kind,
        ArtifactStatus.INCOMPLETE if result.incomplete else ArtifactStatus.PASSED,
        facts.license_expression,
        tuple((use, v.verdict) for use, v in verdicts.items()),
        refs,
        result,
    )
    return outcome, findings


def judge_trace(result: TraceResult, policy: Policy, knowledge: Knowledge, today: dt.date) -> list[GateFinding]:
    """The policy's findings on one traced artifact (a planned run output, say), severities and waivers applied."""
    _, findings = _outcome(result, result.target, (), knowledge, policy)
    return judge([(finding, ()) for finding in findings], policy, today)


def check_model_folder(
    folder: Path,
    policy: Policy,
    knowledge: Knowledge,
    today: dt.date | None = None,
    resolve: Resolver | None = None,
    hub: HubSettings | None = None,
    source: LayeredSource | None = None,
) -> GateResult:
    """The pre-release check of a model folder: its lineage under the policy, and its card's truth.

    The folder is read as the crawler reads any local folder (card, tags, adapter and merge configs,
    LICENSE); its ancestors come from `resolve`, else the registry and, with `hub`, the Hub through
    `source` (the caller's, or one opened and closed here).
    """
    if resolve is None and hub is not None and source is None:
        with _open(knowledge, hub) as opened:
            return check_model_folder(folder, policy, knowledge, today, None, hub, opened)
    today = today or default_today()
    model = read_model_folder(folder)
    target = ArtifactId(f"./{folder.name}")
    own, folder_findings = _folder_facts(folder, target, knowledge)
    base = resolve if resolve is not None else _ancestor_resolver(knowledge, source)

    def local_resolver(artifact: ArtifactId) -> ArtifactFacts | None:
        return own if artifact == target else base(artifact)

    card_location = Location("README.md", 1)
    settings = TraceSettings(uses=policy.uses, stance=policy.stance)
    reference = Reference(card_location, ReferenceKind.MODEL, target, "model folder")
    try:
        result = trace(target, settings, knowledge, local_resolver)
    except SourceUnreachableError as error:
        finding = Finding(FindingKind.UNREACHABLE, Severity.ERROR, target, str(error))
        judged = judge([(finding, (card_location,))], policy, today)
        outcome = ArtifactOutcome(target, None, "model", ArtifactStatus.INCOMPLETE, None, (), (reference,))
        return GateResult("check", folder.as_posix(), policy, today, (reference,), (), (outcome,), tuple(judged))
    outcome, findings = _outcome(result, target, (reference,), knowledge, policy)
    findings += folder_findings
    too_permissive = any(
        f.kind is FindingKind.DECLARED_MORE_PERMISSIVE and f.artifact == target for f in result.findings
    )
    card = check_card(
        model, target, {u: result.verdict(u) for u in policy.uses}, too_permissive, knowledge.catalog, knowledge.rules
    )
    located: list[tuple[Finding, tuple[Location, ...]]] = [
        (f, (card_location,))
        for f in findings
        if not (f.kind is FindingKind.DECLARED_MORE_PERMISSIVE and f.artifact == target)  # the card finding says it
    ]
    located += [(f, (Location("README.md", line),)) for f, line in card.findings]
    located += [
        (Finding(FindingKind.UNPARSABLE_FILE, Severity.WARNING, target, error), (card_location,))
        for error in model.errors
    ]
    judged = judge(located, policy, today)
    blocked = {f.artifact for f in judged if f.blocks(policy.fail_on)}
    return GateResult(
        "check",
        folder.as_posix(),
        policy,
        today,
        (reference,),
        (),
        (settle_outcome(outcome, blocked),),
        tuple(judged),
        card=card,
    )


def resolve_policy(
    spec: str | None, root: Path, knowledge: Knowledge, today: dt.date, rules_folder: Path | None = None
) -> tuple[Policy, str | None]:
    """The policy named by `--policy` (a file or a preset), else the one in `root`, else `commercial`.

    Returns the policy and a note for the user when a default was taken.
    """
    rules_folder = rules_folder or shipped_folder("rules")
    if spec is not None:
        return load_policy(spec, knowledge, today, rules_folder, root), None
    found = discover_policy(root)
    if found is not None:
        return load_policy(found, knowledge, today, rules_folder, root), None
    note = f"no licaudit.yaml or [tool.licaudit] in {root}; using the `commercial` preset"
    return load_policy("commercial", knowledge, today, rules_folder, root), note


def _folder_facts(folder: Path, target: ArtifactId, knowledge: Knowledge) -> tuple[ArtifactFacts, list[Finding]]:
    """The folder's own facts, as `licaudit trace ./folder` reads them, under the check's id."""
    from licaudit.sources.cards.snapshot import facts_from_snapshot
    from licaudit.sources.local.folder import read_folder
    from licaudit.terms.identify import CatalogIdentifier

    snapshot = replace(read_folder(str(folder)), artifact=target)
    facts, findings = facts_from_snapshot(snapshot, CatalogIdentifier(knowledge.catalog, knowledge.normaliser))
    return replace(facts, name=folder.name), findings


def _ancestor_resolver(knowledge: Knowledge, source: LayeredSource | None) -> Resolver:
    """The registry, then (with a source) the Hub through the cache; an unreachable Hub raises."""
    if source is None:
        return registry_resolver(knowledge)

    def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
        found = source.lookup(artifact)
        if found.facts is None and found.unreachable:
            raise SourceUnreachableError(artifact, found.unreachable)
        return found.facts

    return resolve


def _open(knowledge: Knowledge, hub: HubSettings) -> LayeredSource:
    """One source for a whole gate run, for callers that did not open their own."""
    from licaudit.sources.resolution import open_source
    from licaudit.terms.identify import CatalogIdentifier

    return open_source(knowledge.registry, hub, CatalogIdentifier(knowledge.catalog, knowledge.normaliser))


def write_card_fix(folder: Path, card: CardCheck) -> bool:
    """Write the corrected README.md atomically; False when nothing needed fixing."""
    if not card.needs_fix:
        return False
    target = folder / "README.md"
    temporary = target.with_name("README.md.licaudit-partial")
    temporary.write_bytes(card.fixed_readme)
    temporary.replace(target)
    return True
