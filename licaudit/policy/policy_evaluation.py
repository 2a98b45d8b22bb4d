"""Evaluating a policy: verdicts and findings in, the findings a gate reports (severity, waiver) out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from licaudit.artifacts import ArtifactId
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.locations import Location
from licaudit.policy.policy_file import Policy
from licaudit.policy.verdicts import Reason, Verdict
from licaudit.policy.waivers import Waiver, find_waiver
from licaudit.terms.catalog import Catalog
from licaudit.terms.vocabulary import Effect, TermKind

# Findings that say "we do not know": under `unknown: warn` they are lowered to warnings.
UNKNOWN_KINDS = frozenset(
    {
        FindingKind.TERMS_UNKNOWN,
        FindingKind.UNRESOLVED_ARTIFACT,
        FindingKind.UNRESOLVED_PARENT,
        FindingKind.MISSING_LICENSE,
        FindingKind.UNRECOGNISED_LICENSE,
        FindingKind.UNKNOWN_LICENSE,
    }
)

# What each kind of finding means, for reports (SARIF rule help, Markdown, README).
FINDING_HELP: dict[FindingKind, str] = {
    FindingKind.UNRESOLVED_PARENT: "A parent named in the lineage is known to no source, so its terms are unknown.",
    FindingKind.CYCLE: "The lineage has a cycle; every artifact in it receives the terms of all the others.",
    FindingKind.SELF_LOOP: "An artifact names itself as its own parent; the edge is ignored.",
    FindingKind.MISSING_LICENSE: "An artifact in the lineage declares no license.",
    FindingKind.UNRECOGNISED_LICENSE: "A license text in the lineage matches no catalogued license.",
    FindingKind.UNKNOWN_LICENSE: "A license in the lineage is a placeholder (`other`, `unknown`).",
    FindingKind.MULTI_LICENSE: "An artifact lists several licenses; all of them apply.",
    FindingKind.DECLARED_LICENSE_CONFLICT: "A card's metadata and its License section name different licenses.",
    FindingKind.RECOGNISED_LICENSE: "A license was read from free text (restrictive wording, a port, a family).",
    FindingKind.DECLARED_MORE_PERMISSIVE: "A card declares a license more permissive than its lineage allows.",
    FindingKind.CONTESTED_RISK: "A term reaches the artifact only under the strict reading of an unsettled question.",
    FindingKind.REGISTRY_CARD_DISAGREEMENT: "The curated registry and the artifact's own card disagree; both are kept.",
    FindingKind.HINT: "Card text suggests a parent: a hint to review, never a fact.",
    FindingKind.GATED: "The artifact is gated or private; it was recorded and skipped.",
    FindingKind.NOT_FOUND: "The Hub has no such repository.",
    FindingKind.INVALID_ID: "A name that cannot be a Hub id; it was never fetched.",
    FindingKind.CARD_PROBLEM: "A card is malformed (YAML, front matter, size or encoding).",
    FindingKind.USE_FORBIDDEN: "The effective terms forbid an intended use of the policy.",
    FindingKind.TERMS_UNKNOWN: "Some effective terms cannot be known, so the use cannot be judged.",
    FindingKind.CONDITION_NOT_ACCEPTED: "A condition of the effective terms is one the policy does not accept.",
    FindingKind.LICENSE_DENIED: "A license the policy denies reaches the artifact.",
    FindingKind.LICENSE_NOT_ALLOWED: "A license outside the policy's allow-list reaches the artifact.",
    FindingKind.CATEGORY_DENIED: "A license of a category the policy denies reaches the artifact.",
    FindingKind.CATEGORY_NOT_ALLOWED: "A license of a category outside the policy's allow-list reaches the artifact.",
    FindingKind.UNRESOLVED_ARTIFACT: "The repository references an artifact no source knows; its terms are unknown.",
    FindingKind.UNRESOLVABLE_REFERENCE: "A model or dataset is loaded from a value only known at run time.",
    FindingKind.UNPARSABLE_FILE: "A file could not be parsed and was skipped; the rest was checked.",
    FindingKind.UNREACHABLE: "A source could not be reached; the result is incomplete and a re-run resumes.",
    FindingKind.TOO_MANY_PARENTS: "An artifact declares more parents than --max-parents; its terms are unknown.",
    FindingKind.INCOMPLETE_RUN: "A licaudit run that produced this artifact did not finish; its output is incomplete.",
    FindingKind.WAIVER_EXPIRED: "A waiver is past its expiry date: it no longer matches anything.",
    FindingKind.CARD_MISSING_BASE_MODEL: "The model card does not declare `base_model`.",
    FindingKind.CARD_MISSING_RELATION: "The model card does not declare `base_model_relation`.",
    FindingKind.CARD_MISSING_DATASETS: "The model card does not declare `datasets`.",
    FindingKind.CARD_MISSING_LICENSE: "The model card does not declare a license.",
    FindingKind.CARD_LICENSE_TOO_PERMISSIVE: "The card's license is more permissive than the effective terms.",
}


# How to resolve each kind of finding, shown beside it (as ORT's rule violations carry `howToFix`).
FINDING_FIX: dict[FindingKind, str] = {
    FindingKind.UNRESOLVED_PARENT: "add a registry record for the parent, or correct the id the card names",
    FindingKind.MISSING_LICENSE: "find the license and declare it (card `license:`) or record it in the registry",
    FindingKind.UNRECOGNISED_LICENSE: "map the license to a catalog entry (rules/licenses/) or waive with a reason",
    FindingKind.UNKNOWN_LICENSE: "read the license the placeholder stands for and record it in the registry",
    FindingKind.DECLARED_LICENSE_CONFLICT: "make the card's metadata and License section agree, or curate the license",
    FindingKind.RECOGNISED_LICENSE: "check the reading (licaudit explain); declare the license by its id to be exact",
    FindingKind.USE_FORBIDDEN: "replace the artifact with one whose lineage allows the use, or change the intended use",
    FindingKind.TERMS_UNKNOWN: "resolve what is unknown upstream (a license, a parent), then re-run",
    FindingKind.CONDITION_NOT_ACCEPTED: "accept the condition in the policy if the organisation can meet it",
    FindingKind.LICENSE_DENIED: "replace the artifact, or change the policy's denied licenses",
    FindingKind.LICENSE_NOT_ALLOWED: "replace the artifact, or add the license to the policy's allow-list",
    FindingKind.CATEGORY_DENIED: "replace the artifact, or change the policy's denied categories",
    FindingKind.CATEGORY_NOT_ALLOWED: "replace the artifact, or add the category to the policy's allow-list",
    FindingKind.UNRESOLVED_ARTIFACT: "check the id, or record the artifact in the registry with its license",
    FindingKind.UNRESOLVABLE_REFERENCE: "name what the code loads in the policy's `artifacts:` manifest",
    FindingKind.UNREACHABLE: "re-run when the source answers; what was reached is kept and the run resumes",
    FindingKind.WAIVER_EXPIRED: "renew the waiver with a new approval and expiry, or remove it",
    FindingKind.DECLARED_MORE_PERMISSIVE: "correct the card's license to what its lineage allows",
    FindingKind.CARD_MISSING_BASE_MODEL: "declare `base_model:` in the card (`licaudit check --fix` writes it)",
    FindingKind.CARD_MISSING_RELATION: "declare `base_model_relation:` in the card (`licaudit check --fix`)",
    FindingKind.CARD_MISSING_DATASETS: "declare the training data under `datasets:` in the card",
    FindingKind.CARD_MISSING_LICENSE: "declare the license the lineage computes (`licaudit check --fix`)",
    FindingKind.CARD_LICENSE_TOO_PERMISSIVE: "declare the license the lineage computes (`licaudit check --fix`)",
    FindingKind.INCOMPLETE_RUN: "finish or re-run the licaudit run that produced the artifact",
}


@dataclass(frozen=True)
class GateFinding:
    """A finding as a gate reports it: the rule, the policy's severity, the artifact, where it is
    referenced, what it says, how to fix it, and any waiver. The one decision record of every gate:
    repositories, model folders (`check`) and the runs licaudit drives."""

    kind: FindingKind
    severity: Severity
    artifact: ArtifactId
    message: str
    path: tuple[ArtifactId, ...]
    locations: tuple[Location, ...]
    waiver: Waiver | None = None
    fix: str | None = None

    @property
    def rule(self) -> str:
        return self.kind.value

    def blocks(self, fail_on: Severity) -> bool:
        return self.waiver is None and self.severity.rank >= fail_on.rank

    @property
    def sort_key(self) -> tuple[int, str, str, tuple[Location, ...], str]:
        return (-self.severity.rank, self.kind.value, self.artifact, self.locations, self.message)


def policy_findings(
    artifact: ArtifactId,
    verdicts: dict[str, Verdict],
    own_licenses: list[str],
    catalog: Catalog,
    policy: Policy,
) -> list[Finding]:
    """What the policy says about one artifact's verdicts: forbidden uses, unaccepted conditions, lists."""
    found: dict[tuple[str, ...], Finding] = {}

    def add(kind: FindingKind, key: tuple[str, ...], message: str, path: tuple[ArtifactId, ...]) -> None:
        found.setdefault((kind.value, *key), Finding(kind, Severity.ERROR, artifact, message, path or (artifact,)))

    licenses: dict[str, tuple[ArtifactId, ...]] = {lic: (artifact,) for lic in own_licenses}
    for use in policy.uses:
        verdict = verdicts[use]
        for reason in verdict.reasons:
            term, path = reason.carried.term, reason.carried.path
            if reason.effect is Effect.FORBIDDEN:
                add(
                    FindingKind.USE_FORBIDDEN,
                    (use, term.license_id, term.id),
                    f"{artifact} may not be used for {use}: {term.license_id} ({term.kind.value}) "
                    f"reaches it via {_route(reason)}. {term.summary}",
                    path,
                )
            elif reason.effect is Effect.UNKNOWN:
                add(
                    FindingKind.TERMS_UNKNOWN,
                    (use, reason.carried.origin),
                    f"{artifact}: the terms of {reason.carried.origin} are unknown ({term.summary}), "
                    f"so {use} cannot be judged; via {_route(reason)}",
                    path,
                )
        for reason in (*verdict.conditions, *verdict.duties):
            problem = _condition_problem(reason, policy, duty=reason.effect is Effect.ALLOWED)
            if problem is not None:
                term = reason.carried.term
                add(
                    FindingKind.CONDITION_NOT_ACCEPTED,
                    (term.license_id, term.id),
                    f"{artifact}: {term.license_id} imposes a {term.kind.value} condition ({term.summary}) "
                    f"via {_route(reason)}; {problem}",
                    reason.carried.path,
                )
        for reason in verdict.risks:
            term = reason.carried.term
            add(
                FindingKind.CONTESTED_RISK,
                (use, term.license_id, term.id),
                f"{artifact}: {term.license_id} ({term.kind.value}) would reach it via {_route(reason)} "
                f"under the strict reading of `{reason.carried.question}`",
                reason.carried.path,
            )
        for reason in (*verdict.reasons, *verdict.conditions, *verdict.duties):
            licenses.setdefault(reason.carried.term.license_id, reason.carried.path)
    for license_id, path in sorted(licenses.items()):
        license_ = catalog.licenses.get(license_id)
        if license_ is None:
            continue  # an unrecognised or unresolved license is already an unknown
        via = " -> ".join(path)
        if license_id in policy.deny_licenses:
            add(
                FindingKind.LICENSE_DENIED,
                (license_id,),
                f"{artifact}: {license_id} is denied by the policy (via {via})",
                path,
            )
        elif policy.allow_licenses is not None and license_id not in policy.allow_licenses:
            add(
                FindingKind.LICENSE_NOT_ALLOWED,
                (license_id,),
                f"{artifact}: {license_id} is not in the policy's allowed licenses (via {via})",
                path,
            )
        category = license_.category
        if category in policy.deny_categories:
            add(
                FindingKind.CATEGORY_DENIED,
                (license_id,),
                f"{artifact}: {license_id} is {category.value}, a category the policy denies (via {via})",
                path,
            )
        elif policy.allow_categories is not None and category not in policy.allow_categories:
            add(
                FindingKind.CATEGORY_NOT_ALLOWED,
                (license_id,),
                f"{artifact}: {license_id} is {category.value}, not an allowed category (via {via})",
                path,
            )
    severities = {FindingKind.CONTESTED_RISK: Severity.WARNING}
    return [Finding(f.kind, severities.get(f.kind, f.severity), f.artifact, f.message, f.path) for f in found.values()]


def _condition_problem(reason: Reason, policy: Policy, duty: bool) -> str | None:
    """Why the policy does not accept a condition; a term the use allows fails only if rejected outright."""
    term = reason.carried.term
    if duty:
        return "the policy rejects this kind of term" if term.kind in policy.rejected else None
    if term.kind not in policy.accepted:
        return "the policy does not accept this condition"
    users = policy.monthly_active_users
    if term.kind is TermKind.MAU_CAP and users is not None and term.value is not None and term.value <= users:
        return (
            f"its cap of {term.value:,} monthly active users is not above the policy's {policy.monthly_active_users:,}"
        )
    return None


def _route(reason: Reason) -> str:
    carried = reason.carried
    if len(carried.path) == 1:
        return "its own license"
    parts: list[str] = [carried.path[0]]
    for relation, artifact in zip(carried.relations, carried.path[1:], strict=True):
        parts.append(f"-{relation.value}-> {artifact}")
    text = " ".join(parts)
    if carried.question is not None:
        text += f" (contested: {carried.question})"
    return text


def judge(findings: list[tuple[Finding, tuple[Location, ...]]], policy: Policy, today: dt.date) -> list[GateFinding]:
    """Apply the policy's severities, then waivers; add every expired waiver as a finding of its own."""
    judged: dict[tuple[str, str, str, tuple[Location, ...]], GateFinding] = {}
    for finding, locations in findings:
        severity = policy.severity_for(finding.kind)
        if severity is None:
            severity = finding.severity
            if finding.kind in UNKNOWN_KINDS and not policy.unknown_fails and severity is Severity.ERROR:
                severity = Severity.WARNING
        gate_finding = GateFinding(
            finding.kind,
            severity,
            finding.artifact,
            finding.message,
            finding.path,
            tuple(sorted(set(locations))),
            find_waiver(finding, policy.waivers, today),
            FINDING_FIX.get(finding.kind),
        )
        judged.setdefault((finding.kind.value, finding.artifact, finding.message, gate_finding.locations), gate_finding)
    for waiver in policy.waivers:
        if waiver.is_expired(today):
            gate_finding = GateFinding(
                FindingKind.WAIVER_EXPIRED,
                policy.severity_for(FindingKind.WAIVER_EXPIRED) or Severity.WARNING,
                ArtifactId(waiver.artifact),
                f"the waiver of {waiver.finding.value} for {waiver.artifact} (approved by {waiver.approved_by}) "
                f"expired on {waiver.expires}; it no longer matches anything",
                (),
                (Location(waiver.file, waiver.line),),
                fix=FINDING_FIX[FindingKind.WAIVER_EXPIRED],
            )
            judged.setdefault(("expired", waiver.artifact, gate_finding.message, gate_finding.locations), gate_finding)
    return sorted(judged.values(), key=lambda f: f.sort_key)
