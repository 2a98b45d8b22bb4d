"""The run gate: trace a planned run's output node and decide whether the intended use may go ahead.

This is the one place a run is allowed or refused. It returns the gate result every gate returns
(`licaudit.gate.GateResult`), under the run's policy file or, without one, the shipped preset named
like the use (as `gate_artifacts` does): every reason to refuse is a finding with its fix.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from licaudit.artifacts import ArtifactId, ArtifactKind, Evidence, Origin, Relation
from licaudit.errors import UsageError
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.gate import GateResult, default_today
from licaudit.gate.repository import default_policy, outcome_findings, settle_outcome
from licaudit.gate.scanner import Reference, ReferenceKind
from licaudit.knowledge import Knowledge
from licaudit.locations import Location
from licaudit.pipeline import TraceResult, TraceSettings, registry_resolver, trace
from licaudit.plugins.api import ConfigError, InputSpec, OutputSpec, PlannedInput, RunPlan
from licaudit.policy.policy_evaluation import judge
from licaudit.policy.policy_file import Policy, load_policy, presets_folder
from licaudit.policy.verdicts import Verdict
from licaudit.shipped import shipped_folder
from licaudit.sources.facts import ArtifactFacts, ParentLink
from licaudit.sources.local.run_provenance import holds_local_record, read_local_folder
from licaudit.terms.expressions import UNKNOWN_LICENSE_ID, leaves
from licaudit.terms.flow_rules import STRICT, Stance
from licaudit.terms.propagation import UNRESOLVED_TERM, CarriedTerm, propagate_terms
from licaudit.terms.restrictions import CarriedRestriction, binds_as_license, restrictions_reaching

_NOT_LICENSES = frozenset({UNKNOWN_LICENSE_ID, UNRESOLVED_TERM.license_id})


@dataclass(frozen=True)
class PolicySettings:
    """The policy a run is gated under: the output's intended use, the stance, a policy file."""

    use: str = "commercial"
    stance: Stance = field(default_factory=lambda: STRICT)
    policy_file: Path | None = None

    def canonical(self) -> dict[str, str]:
        settings = {"use": self.use, "stance": self.stance.label}
        if self.policy_file is not None:
            settings["policy_file_sha256"] = hashlib.sha256(_policy_bytes(self.policy_file)).hexdigest()
        return settings

    def digest(self) -> str:
        canonical = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResolvedInput:
    planned: PlannedInput
    facts: ArtifactFacts | None  # None: nobody knows it

    @property
    def id(self) -> ArtifactId:
        return self.facts.id if self.facts is not None else ArtifactId(self.planned.spec.label)


@dataclass(frozen=True)
class ComputedLicense:
    """The output's license, from the terms that flow into it: catalog ids and the card fields."""

    ids: tuple[str, ...]
    expression: str
    hub_license: str  # a Hub id, or `other`
    license_name: str | None  # with `other`: a slug naming the combination
    # API terms and output terms that reach the output through generated data: written as
    # restrictions (card section, `licaudit:` block), never as its license.
    restrictions: tuple[CarriedRestriction, ...] = ()


@dataclass(frozen=True)
class RunGateResult(GateResult):
    """A planned run's gate result: the gate result of its output node, with what the run needs to go on."""

    use: str
    output_id: ArtifactId
    verdict: Verdict  # for the planned output node, under `use`
    result: TraceResult  # the trace of the planned lineage, the output carrying its computed license
    license: ComputedLicense
    inputs: tuple[ResolvedInput, ...]
    policy_digest: str
    settings: PolicySettings

    @property
    def allowed(self) -> bool:
        return self.passed


GateDecision = RunGateResult  # the name before every gate returned one type; kept for users' code


def resolve_input(
    spec: InputSpec, knowledge: Knowledge, config_source: str, recorded: dict[ArtifactId, ArtifactFacts] | None = None
) -> ArtifactFacts | None:
    """Registry record for the id, else the local folder (provenance file or card), else the config.

    A local folder's provenance file also records its own inputs; they go into `recorded`, so an
    output of an earlier run (a Self-Instruct dataset, say) can feed the next one.
    """
    if spec.id is not None:
        found = knowledge.registry.get(spec.id)
        if found is not None:
            return found
    if spec.path is not None and holds_local_record(spec.path):
        local = read_local_folder(spec.path)
        if recorded is not None:
            recorded.update(local.inputs)
        return replace(local.facts, id=ArtifactId(spec.id)) if spec.id is not None else local.facts
    if spec.license is not None:
        artifact_id = spec.id or f"local/{spec.path.name if spec.path is not None else spec.role}"
        quote = f"{spec.role}: license: {spec.license}"
        return ArtifactFacts(
            id=ArtifactId(artifact_id),
            kind=spec.kind,
            name=artifact_id,
            license_expression=spec.license,
            declared_license=spec.license,
            license_evidence=(Evidence(Origin.DECLARED, config_source, quote, spec.revision),),
            parents=(),
            on_hub=False,
        )
    return None


def _policy_bytes(spec: Path) -> bytes:
    """A policy file's bytes, or a preset's (`--policy commercial`)."""
    if spec.is_file():
        return spec.read_bytes()
    preset = presets_folder(shipped_folder("rules")) / f"{spec}.yaml"
    return preset.read_bytes() if preset.is_file() else str(spec).encode()


def load_run_policy(settings: PolicySettings, knowledge: Knowledge) -> Policy | None:
    """The policy file or preset a run is gated under, for the output's intended use alone."""
    if settings.policy_file is None:
        return None
    policy = load_policy(str(settings.policy_file), knowledge, default_today(), shipped_folder("rules"), Path.cwd())
    return replace(policy, uses=(settings.use,))


def gate_plan(plan: RunPlan, settings: PolicySettings, knowledge: Knowledge) -> RunGateResult:
    """Trace the planned output node and decide; starts nothing."""
    if settings.use not in knowledge.rules.uses:
        raise UsageError(f"unknown use {settings.use!r}; known: {sorted(knowledge.rules.uses)}")
    today = default_today()
    policy = load_run_policy(settings, knowledge)
    if policy is not None:
        settings = replace(settings, stance=policy.stance)  # the policy's reading of unsettled questions
    else:
        policy = replace(default_policy(settings.use, knowledge, today), stance=settings.stance)
    recorded: dict[ArtifactId, ArtifactFacts] = {}
    resolved = tuple(
        ResolvedInput(p, resolve_input(p.spec, knowledge, plan.config_source, recorded)) for p in plan.inputs
    )
    output_id = ArtifactId(plan.output_id)
    fallback = registry_resolver(knowledge)
    known = {r.facts.id: r.facts for r in resolved if r.facts is not None}
    parents = tuple(
        ParentLink(r.id, r.planned.relation, (Evidence(Origin.DECLARED, plan.config_source, r.planned.spec.role),))
        for r in resolved
    )

    def planned_node(expression: str | None) -> ArtifactFacts:
        return ArtifactFacts(
            id=output_id,
            kind=plan.kind,
            name=plan.output.name or output_id,
            license_expression=expression,
            declared_license=None,
            license_evidence=(Evidence(Origin.INFERRED, plan.config_source, "planned by licaudit run"),),
            parents=parents,
            on_hub=False,
        )

    def run_trace(node: ArtifactFacts) -> TraceResult:
        def resolve(artifact: ArtifactId) -> ArtifactFacts | None:
            if artifact == output_id:
                return node
            return known.get(artifact) or fallback(artifact) or recorded.get(artifact)

        uses = tuple(dict.fromkeys([settings.use, *knowledge.rules.uses]))
        return trace(output_id, TraceSettings(uses=uses, stance=settings.stance), knowledge, resolve)

    # Pass 1: the output with no license of its own shows which licenses' terms flow into it.
    first = run_trace(planned_node(None))
    license_ = compute_license(first, settings, knowledge, plan.output)
    # Pass 2: the output carrying that license: exactly what `licaudit trace ./output` will see.
    result = run_trace(planned_node(license_.expression or None))
    references = tuple(
        Reference(Location(plan.config_source, index), _reference_kind(r), r.id, r.planned.spec.role)
        for index, r in enumerate(resolved, start=1)
    )
    outcome, findings = outcome_findings(result, output_id, references, knowledge, policy)
    located: list[tuple[Finding, tuple[Location, ...]]] = [
        (finding, ()) for finding in (*_input_findings(resolved, references), *findings)
    ]
    if not license_.ids:
        missing = Finding(
            FindingKind.MISSING_LICENSE,
            Severity.ERROR,
            output_id,
            "no catalogued license reaches the output; name one as `output.license` in the config",
        )
        located.insert(0, (missing, ()))
    judged = judge(located, policy, today)
    blocked = {f.artifact for f in judged if f.blocks(policy.fail_on)}
    return RunGateResult(
        "run",
        plan.config_source,
        policy,
        today,
        references,
        (),
        (settle_outcome(outcome, blocked),),
        tuple(judged),
        use=settings.use,
        output_id=output_id,
        verdict=result.verdict(settings.use),
        result=result,
        license=license_,
        inputs=resolved,
        policy_digest=settings.digest(),
        settings=settings,
    )


def _reference_kind(item: ResolvedInput) -> ReferenceKind:
    return ReferenceKind.DATASET if item.planned.spec.kind is ArtifactKind.DATASET else ReferenceKind.MODEL


def _input_findings(resolved: Sequence[ResolvedInput], references: Sequence[Reference]) -> list[Finding]:
    """Inputs no source knows: refused before anything runs (unknown is never allowed)."""
    found: list[Finding] = []
    for item, reference in zip(resolved, references, strict=True):
        spec = item.planned.spec
        if item.facts is None or item.facts.kind is ArtifactKind.UNRESOLVED:
            what = "is unresolved" if item.facts is not None else "is unknown"
            found.append(
                Finding(
                    FindingKind.UNRESOLVED_ARTIFACT,
                    Severity.ERROR,
                    item.id,
                    f"{spec.role} {spec.label!r} {what}: no registry record, local card or declared license "
                    f"(planned at {reference.location.file}, input {reference.location.line})",
                )
            )
    return found


def _placeholder(carried: CarriedTerm, knowledge: Knowledge) -> bool:
    """`other` / `unknown` upstream: they are unknowns (reported as such), never the output's license."""
    found = knowledge.catalog.licenses.get(carried.term.license_id)
    return found is not None and found.is_unknown


def compute_license(
    result: TraceResult, settings: PolicySettings, knowledge: Knowledge, output: OutputSpec
) -> ComputedLicense:
    """Every catalogued license whose terms reach the output, plus terms-free weights licenses and
    any license the author adds; one license maps to its Hub id, several to `other`."""
    target = result.target
    propagation = propagate_terms(result.graph, knowledge.normaliser, knowledge.rules, settings.use, settings.stance)
    reaching = [
        carried
        for carried in propagation.effective[target].values()
        if len(carried.path) > 1
        and carried.term.license_id not in _NOT_LICENSES
        and not _placeholder(carried, knowledge)
    ]
    ids = [c.term.license_id for c in reaching if binds_as_license(c, knowledge.catalog, knowledge.rules)]
    restrictions = tuple(restrictions_reaching(reaching, knowledge.catalog, knowledge.rules))
    for edge in result.graph.parent_edges(target):
        if edge.relation in (Relation.FINETUNE, Relation.ADAPTER):  # e.g. CC0 weights: no terms, still the license
            expr = knowledge.normaliser.normalise(result.graph.facts(edge.parent).license_expression)
            ids += [leaf.license.id for leaf in leaves(expr) if leaf.license is not None and not leaf.license.terms]
    if output.license is not None:
        found = [leaf.license.id for leaf in leaves(knowledge.normaliser.normalise(output.license)) if leaf.license]
        if not found:
            raise ConfigError(output.path, "output.license", f"{output.license!r} is not a catalogued license")
        ids += found
    unique = tuple(sorted(dict.fromkeys(ids)))
    expression = " AND ".join(unique)
    if len(unique) == 1:
        hub_ids = knowledge.catalog.licenses[unique[0]].hub_ids
        if hub_ids:
            return ComputedLicense(unique, expression, hub_ids[0], None, restrictions)
    slug = "-and-".join(i.lower().removeprefix("licenseref-") for i in unique) or None
    return ComputedLicense(unique, expression, "other", slug, restrictions)


def explain_decision(decision: GateDecision) -> str:
    """Plain text for errors raised inside users' scripts (the CLI renders a richer panel)."""
    from io import StringIO

    from rich.console import Console

    from licaudit.reports.terminal import lineage_tree, verdict_tree

    buffer = StringIO()
    console = Console(file=buffer, width=110, no_color=True, highlight=False)
    console.print(lineage_tree(decision.result))
    console.print(verdict_tree(decision.result, decision.verdict, detailed=True))
    return buffer.getvalue()
