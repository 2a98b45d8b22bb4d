"""The closed vocabularies of terms: kinds, categories, effects, scopes."""

from __future__ import annotations

from enum import StrEnum


class TermKind(StrEnum):
    ATTRIBUTION = "attribution"
    NOTICE = "notice"
    SHARE_ALIKE = "share_alike"
    COPYLEFT = "copyleft"
    WEAK_COPYLEFT = "weak_copyleft"
    NON_COMMERCIAL = "non_commercial"
    REVENUE_SHARE = "revenue_share"  # commercial use needs the licensor's permission and pays a royalty
    RESEARCH_ONLY = "research_only"
    NO_DERIVATIVES = "no_derivatives"
    USE_RESTRICTION = "use_restriction"
    OUTPUT_RESTRICTION = "output_restriction"
    MAU_CAP = "mau_cap"
    NAMING = "naming"
    DISPLAY = "display"
    HOSTING_LIMIT = "hosting_limit"
    NO_REDISTRIBUTION = "no_redistribution"
    UNKNOWN = "unknown"


# Duties that never make a verdict worse than `allowed`; they may omit a quoted clause.
DUTY_KINDS = frozenset({TermKind.ATTRIBUTION, TermKind.NOTICE})


class Category(StrEnum):
    PERMISSIVE = "permissive"
    PUBLIC_DOMAIN = "public-domain"
    WEAK_COPYLEFT = "weak-copyleft"
    COPYLEFT = "copyleft"
    SHARE_ALIKE = "share-alike"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    USE_RESTRICTED = "use-restricted"
    MODEL_COMMUNITY = "model-community"
    RESEARCH_ONLY = "research-only"
    API_TERMS = "api-terms"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"


class Effect(StrEnum):
    """What a term means for one intended use, ordered from best to worst."""

    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"
    FORBIDDEN = "forbidden"

    @property
    def rank(self) -> int:
        return _EFFECT_RANK[self]

    @staticmethod
    def worst(effects: list[Effect]) -> Effect:
        return max(effects, key=lambda effect: effect.rank, default=Effect.ALLOWED)


_EFFECT_RANK = {Effect.ALLOWED: 0, Effect.CONDITIONAL: 1, Effect.UNKNOWN: 2, Effect.FORBIDDEN: 3}


class Scope(StrEnum):
    """Whom a term binds: the artifact itself, or whoever uses what it outputs."""

    ARTIFACT = "artifact"
    OUTPUTS = "outputs"
