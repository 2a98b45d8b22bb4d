"""The gate: what a repository, a run or a model folder uses -> traces -> policy -> one result.

The plain Python API for CI, pre-release checks and training-run plugins:

    from licaudit.gate import gate_artifacts
    result = gate_artifacts(["meta-llama/Llama-2-7b-hf"], use="commercial")
    if not result.passed: ...
"""

from licaudit.gate.cache_gate import gate_hf_cache
from licaudit.gate.repository import (
    ArtifactOutcome,
    ArtifactStatus,
    GateResult,
    GateStatus,
    check_model_folder,
    default_today,
    gate_artifacts,
    gate_repository,
    judge_trace,
    resolve_policy,
    write_card_fix,
)

__all__ = [
    "ArtifactOutcome",
    "ArtifactStatus",
    "GateResult",
    "GateStatus",
    "check_model_folder",
    "default_today",
    "gate_artifacts",
    "gate_hf_cache",
    "gate_repository",
    "judge_trace",
    "resolve_policy",
    "write_card_fix",
]
