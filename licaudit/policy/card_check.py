"""The pre-release card check: does a model card tell the truth about its lineage? And the fix.

The fix edits only the front matter keys it must change, line by line; every other byte of
README.md (the rest of the front matter, and the whole body) stays exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from licaudit.artifacts import ArtifactId
from licaudit.findings import Finding, FindingKind, Severity
from licaudit.policy.verdicts import Verdict
from licaudit.sources.local.model_folder import ModelFolder
from licaudit.terms.catalog import Catalog
from licaudit.terms.flow_rules import FlowRules
from licaudit.terms.restrictions import CarriedRestriction, binds_as_license, restrictions_reaching
from licaudit.terms.vocabulary import Category, Effect

_FRONT = re.compile(rb"\A(\xef\xbb\xbf)?---[ \t]*\r?\n")
_CLOSE = re.compile(rb"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOP_KEY = re.compile(rb"^([A-Za-z_][\w\-]*)[ \t]*:")


@dataclass(frozen=True)
class CardCheck:
    findings: tuple[tuple[Finding, int], ...]  # each with the README line it concerns
    updates: tuple[tuple[str, object], ...]  # front matter keys to set, in order
    corrected_front_matter: str  # the whole corrected block, `---` lines included
    fixed_readme: bytes  # README.md with the corrected front matter and the body untouched

    @property
    def needs_fix(self) -> bool:
        return bool(self.updates)


def check_card(
    folder: ModelFolder,
    target: ArtifactId,
    verdicts: dict[str, Verdict],
    declared_too_permissive: bool,
    catalog: Catalog,
    rules: FlowRules | None = None,
) -> CardCheck:
    card = folder.card
    readme = folder.readme or b""
    lines = _key_lines(readme)
    findings: list[tuple[Finding, int]] = []
    updates: dict[str, object] = {}

    def report(kind: FindingKind, severity: Severity, message: str, key: str) -> None:
        findings.append((Finding(kind, severity, target, message, (target,)), lines.get(key, 1)))

    if not card.base_model:
        base = folder.config_base
        if base is not None:
            updates["base_model"] = base
            report(
                FindingKind.CARD_MISSING_BASE_MODEL,
                Severity.ERROR,
                f"the card does not declare base_model; the configs name {base}",
                "base_model",
            )
        else:
            report(
                FindingKind.CARD_MISSING_BASE_MODEL,
                Severity.WARNING,
                "the card does not declare base_model and no config names one; declare it unless trained from scratch",
                "base_model",
            )
    if (card.base_model or "base_model" in updates) and card.base_model_relation is None:
        updates["base_model_relation"] = folder.inferred_relation.value
        report(
            FindingKind.CARD_MISSING_RELATION,
            Severity.WARNING,
            "the card does not declare base_model_relation; "
            f"the folder's files suggest `{folder.inferred_relation.value}`",
            "base_model_relation",
        )
    if not card.datasets:
        report(
            FindingKind.CARD_MISSING_DATASETS,
            Severity.WARNING,
            "the card does not declare the datasets the model was trained on (`datasets:`); "
            "licaudit cannot know them, add them by hand",
            "datasets",
        )
    worst = max(verdicts.values(), key=lambda v: v.verdict.rank, default=None)
    suggestion = _suggested_license(worst, catalog, rules)
    restrictions = _restrictions(verdicts, catalog, rules)
    if not card.license:
        report(FindingKind.CARD_MISSING_LICENSE, Severity.ERROR, "the card declares no license", "license")
        if suggestion:
            updates.update(suggestion)
    elif declared_too_permissive and suggestion:
        declared = ", ".join(card.license)
        assert worst is not None
        report(
            FindingKind.CARD_LICENSE_TOO_PERMISSIVE,
            Severity.ERROR,
            f"the card declares {declared}, but its lineage makes it {worst.verdict.value} for {worst.use}; "
            f"declare {suggestion.get('license_name') or suggestion['license']}",
            "license",
        )
        updates.update(suggestion)
    elif declared_too_permissive and restrictions:
        # Only restrictions make it worse (API terms, output terms of generated data): they are no
        # license of this model, so the fix records them, and leaves `license:` as declared.
        declared = ", ".join(card.license)
        assert worst is not None
        named = "; ".join(f"{r.license_name} via {' -> '.join(r.path)}" for r in restrictions[:3])
        report(
            FindingKind.CARD_LICENSE_TOO_PERMISSIVE,
            Severity.ERROR,
            f"the card declares {declared}, but its lineage makes it {worst.verdict.value} for {worst.use}: "
            f"restrictions reach it ({named}); they are recorded in the card's `licaudit:` block, not as its license",
            "license",
        )
    if restrictions and (updates or declared_too_permissive):
        updates["licaudit"] = _licaudit_block(readme, restrictions)
    fixed = rewrite_front_matter(readme, list(updates.items())) if updates else readme
    return CardCheck(tuple(findings), tuple(updates.items()), front_matter_block(fixed), fixed)


def _suggested_license(worst: Verdict | None, catalog: Catalog, rules: FlowRules | None) -> dict[str, object]:
    """The card fields for the license whose terms set the worst verdict: a license that binds the
    weights or data, never API terms or output terms that came through generated data."""
    if worst is None or worst.verdict is Effect.ALLOWED or not worst.reasons:
        return {}
    licenses = [
        catalog.licenses.get(reason.carried.term.license_id)
        for reason in worst.reasons
        if rules is None or binds_as_license(reason.carried, catalog, rules)
    ]
    license_ = next((lic for lic in licenses if lic is not None and lic.category is not Category.API_TERMS), None)
    if license_ is None or license_.is_unknown:
        return {}
    if license_.hub_ids and license_.hub_ids[0] != "other":
        return {"license": license_.hub_ids[0]}
    fields: dict[str, object] = {"license": "other", "license_name": license_.id.removeprefix("LicenseRef-").lower()}
    if license_.url:
        fields["license_link"] = license_.url
    return fields


def _restrictions(verdicts: dict[str, Verdict], catalog: Catalog, rules: FlowRules | None) -> list[CarriedRestriction]:
    """Restrictions that set a verdict: API terms and output terms that reach the model."""
    if rules is None:
        return []
    carried = [reason.carried for v in verdicts.values() for reason in (*v.reasons, *v.conditions)]
    return restrictions_reaching(carried, catalog, rules)


def _licaudit_block(readme: bytes, restrictions: list[CarriedRestriction]) -> dict[str, object]:
    """The card's `licaudit:` block with its restrictions set; its other keys kept."""
    block: dict[str, object] = {}
    parts = _split(readme)
    if parts is not None:
        try:
            loaded = yaml.safe_load(parts[1].decode("utf-8", "replace"))
        except yaml.YAMLError:
            loaded = None
        existing = loaded.get("licaudit") if isinstance(loaded, dict) else None
        if isinstance(existing, dict):
            block.update({str(k): v for k, v in existing.items()})
    block["restrictions"] = [{"license": r.license_id, "kind": r.kind, "path": list(r.path)} for r in restrictions]
    return block


def _split(readme: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(opening `---` line, front matter, closing `---` line + body), or None without front matter."""
    opening = _FRONT.match(readme)
    if opening is None:
        return None
    closing = _CLOSE.search(readme, opening.end())
    if closing is None:
        return None
    return readme[: opening.end()], readme[opening.end() : closing.start()], readme[closing.start() :]


def _key_lines(readme: bytes) -> dict[str, int]:
    parts = _split(readme)
    if parts is None:
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(parts[1].splitlines(), start=2):
        match = _TOP_KEY.match(line)
        if match:
            lines.setdefault(match.group(1).decode("utf-8", "replace"), number)
    return lines


def front_matter_block(readme: bytes) -> str:
    parts = _split(readme)
    if parts is None:
        return ""
    closing = parts[2].split(b"\n", 1)[0] + b"\n"
    return (parts[0] + parts[1] + closing).decode("utf-8", "replace")


def _dump(key: str, value: object, newline: bytes) -> bytes:
    text = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return text.encode("utf-8").replace(b"\n", newline)


def rewrite_front_matter(readme: bytes, updates: list[tuple[str, object]]) -> bytes:
    """Set top-level front matter keys; the body and every untouched front matter line keep their bytes."""
    parts = _split(readme)
    if parts is None:
        first_line = readme.split(b"\n", 1)[0]
        newline = b"\r\n" if first_line.endswith(b"\r") else b"\n"
        block = b"".join(_dump(k, v, newline) for k, v in updates)
        return b"---" + newline + block + b"---" + newline + readme
    opening, front, rest = parts
    newline = b"\r\n" if opening.endswith(b"\r\n") else b"\n"
    lines = front.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += newline
    for key, value in updates:
        start = next(
            (i for i, line in enumerate(lines) if (m := _TOP_KEY.match(line)) and m.group(1) == key.encode()), None
        )
        replacement = _dump(key, value, newline).splitlines(keepends=True)
        if start is None:
            lines += replacement
            continue
        end = start + 1
        # The key's value: indented lines and `- ` items at column 0 (a block sequence).
        while end < len(lines) and (lines[end][:1] in (b" ", b"\t") or lines[end].startswith(b"- ")):
            end += 1
        lines[start:end] = replacement
    return opening + b"".join(lines) + rest
