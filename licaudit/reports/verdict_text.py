"""One artifact's verdicts as a plain sentence, for exports that carry a free-text statement."""

from __future__ import annotations

from licaudit.artifacts import ArtifactId
from licaudit.pipeline import TraceResult
from licaudit.policy.verdicts import Reason


def path_text(reason: Reason) -> str:
    carried = reason.carried
    text: str = carried.path[0]
    for relation, artifact in zip(carried.relations, carried.path[1:], strict=True):
        text += f" -{relation.value}-> {artifact}"
    if carried.question is not None:
        text += f" (contested: {carried.question})"
    return text


def reason_text(reason: Reason) -> str:
    term = reason.carried.term
    return f"{term.license_id} [{term.kind.value}] {term.summary} via {path_text(reason)}"


def verdict_statement(result: TraceResult, artifact: ArtifactId) -> str:
    """`licaudit verdict (stance strict): commercial=forbidden; ...` and, per use, the terms that set it."""
    head = "; ".join(f"{use}={per[artifact].verdict.value}" for use, per in result.verdicts.items())
    lines = [f"licaudit verdict (stance {result.settings.stance.label}): {head}"]
    for use, per in result.verdicts.items():
        for reason in per[artifact].reasons:
            lines.append(f"{use} {reason.effect.value}: {reason_text(reason)}")
    return "\n".join(lines)
