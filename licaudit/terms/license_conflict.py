"""A card whose metadata and License section disagree ("license: apache-2.0" above "## License
For non-commercial research only"): the conflict, and the more restrictive reading of the two."""

from __future__ import annotations

from licaudit.terms.expressions import AllOf, LicenseExpr, LicenseNormaliser, leaves
from licaudit.terms.vocabulary import Effect


def prose_conflict(normaliser: LicenseNormaliser, declared: str | None, prose: str | None) -> LicenseExpr | None:
    """The prose's reading when it is more restrictive for commercial use than the metadata's
    (a license or restrictive wording the metadata does not carry), else None."""
    if not declared or not prose:
        return None
    prose_leaves = [leaf for leaf in leaves(normaliser.normalise(prose)) if leaf.license is not None]
    if not prose_leaves:
        return None  # the section names nothing licaudit can read: nothing to compare
    declared_leaves = leaves(normaliser.normalise(declared))
    declared_ids = {leaf.license.id for leaf in declared_leaves if leaf.license is not None}
    worst_declared = Effect.worst([_commercial(leaf.license) for leaf in declared_leaves])
    stricter = [
        leaf
        for leaf in prose_leaves
        if leaf.license is not None
        and leaf.license.id not in declared_ids
        and _commercial(leaf.license).rank > worst_declared.rank
    ]
    return normaliser.normalise(prose) if stricter else None


def with_prose(expr: LicenseExpr, prose: LicenseExpr) -> LicenseExpr:
    """Both readings at once: the more restrictive of the two always binds."""
    return AllOf((expr, prose))


def _commercial(license_: object) -> Effect:
    effect = getattr(license_, "commercial_use", None)
    return effect if isinstance(effect, Effect) else Effect.UNKNOWN
