"""Policy files: what an organisation accepts, validated strictly with file, line and what is allowed.

A policy lives in `licaudit.yaml` or under `[tool.licaudit]` in `pyproject.toml`, and may extend a
preset shipped in `rules/policies/`. Every key is checked: an unknown key, a wrong type, an
unknown use, license, category, term kind or finding kind, a waiver that is dated in the past
when approved, YAML anchors (a YAML bomb) or duplicate keys are each a `DataFileError` naming the
file and line, so a policy that does not parse can never pass silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib
import yaml

from licaudit.errors import DataFileError
from licaudit.findings import FindingKind, Severity
from licaudit.knowledge import Knowledge
from licaudit.locations import Location
from licaudit.policy.waivers import Waiver, WaiverReason
from licaudit.shipped import shipped_folder
from licaudit.terms.flow_rules import Reading, Stance
from licaudit.terms.vocabulary import Category, TermKind

try:
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader

MAX_POLICY_BYTES = 1_000_000
POLICY_FILE_NAMES = ("licaudit.yaml", "licaudit.yml")
TOP_KEYS = {
    "schema_version": "1",
    "extends": "a preset name",
    "uses": "a list of intended uses",
    "stance": "strict | permissive, or {default: ..., questions: {<question>: strict | permissive}}",
    "licenses": "{allow: [...], deny: [...]}",
    "categories": "{allow: [...], deny: [...]}",
    "conditions": "{<term kind>: accept | reject}",
    "monthly_active_users": "a positive integer",
    "unknown": "fail | warn",
    "severity": "{<finding kind>: error | warning | info}",
    "fail_on": "error | warning | info",
    "waivers": "a list of waivers",
    "artifacts": "a list of artifact ids or {id, kind, note}",
}
WAIVER_KEYS = {"artifact", "finding", "reason", "justification", "approved_by", "approved", "expires"}
ARTIFACT_KEYS = {"id", "kind", "note"}
ARTIFACT_KINDS = ("model", "dataset", "service")
# Without a word from the policy, attribution and notice are accepted and every other condition is not.
DEFAULT_ACCEPTED = frozenset({TermKind.ATTRIBUTION, TermKind.NOTICE})


@dataclass(frozen=True)
class ManifestEntry:
    """An artifact the code does not show, named in the policy's `artifacts:`."""

    id: str
    kind: str
    note: str | None
    location: Location


@dataclass(frozen=True)
class Policy:
    source: str  # the file it was read from, or `preset:<name>`
    preset: str | None
    uses: tuple[str, ...] = ("commercial",)
    stance: Stance = field(default_factory=Stance)
    allow_licenses: tuple[str, ...] | None = None  # catalog ids; None: no allow-list
    deny_licenses: tuple[str, ...] = ()
    allow_categories: tuple[Category, ...] | None = None
    deny_categories: tuple[Category, ...] = ()
    accepted: frozenset[TermKind] = DEFAULT_ACCEPTED
    rejected: frozenset[TermKind] = frozenset()  # said `reject` outright: fails even where a use allows it
    monthly_active_users: int | None = None
    unknown_fails: bool = True
    severities: tuple[tuple[FindingKind, Severity], ...] = ()
    fail_on: Severity = Severity.ERROR
    waivers: tuple[Waiver, ...] = ()
    artifacts: tuple[ManifestEntry, ...] = ()

    def severity_for(self, kind: FindingKind) -> Severity | None:
        for each, severity in self.severities:
            if each is kind:
                return severity
        return None

    def with_fail_on(self, fail_on: Severity | None) -> Policy:
        if fail_on is None:
            return self
        from dataclasses import replace

        return replace(self, fail_on=fail_on)


# --- reading: YAML with key lines, TOML with best-effort lines -----------------------------------


class _Mapping(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int = 1
    key_lines: dict[str, int]
    item_lines: dict[str, list[int]]


class _KeyLineLoader(_Base):  # type: ignore[misc,valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.item_lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise _PolicyYamlError(line, f"duplicate key `{key}` (first at line {mapping.key_lines[key]})")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            mapping.item_lines[key] = [item.start_mark.line + 1 for item in value_node.value]
    return mapping


_KeyLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _PolicyYamlError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataFileError(path, None, f"cannot read the policy: {error.strerror}") from error
    if len(raw) > MAX_POLICY_BYTES:
        raise DataFileError(path, None, f"policy is larger than {MAX_POLICY_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(path, None, f"policy is not valid UTF-8 (byte {error.start})") from error


def read_policy_yaml(path: Path) -> _Mapping:
    text = _read_text(path)
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise DataFileError(
                    path,
                    token.start_mark.line + 1,
                    "YAML anchors and aliases are not allowed in a policy (they can expand into a YAML bomb); "
                    "write each value out",
                )
        data = yaml.load(text, Loader=_KeyLineLoader)  # noqa: S506 - a SafeLoader subclass
    except _PolicyYamlError as error:
        raise DataFileError(path, error.line, error.message) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise DataFileError(path, mark.line + 1 if mark else None, f"invalid YAML: {error.problem}") from error
    except (yaml.YAMLError, RecursionError) as error:
        raise DataFileError(path, None, f"invalid YAML: {type(error).__name__}") from error
    if data is None:
        raise DataFileError(path, 1, "the policy is empty; start it with `schema_version: 1`")
    if not isinstance(data, _Mapping):
        raise DataFileError(path, 1, f"a policy must be a mapping of keys, got {type(data).__name__}")
    return data


def read_pyproject_table(path: Path) -> _Mapping | None:
    """`[tool.licaudit]` as a line-aware mapping, or None when the table is absent."""
    text = _read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise DataFileError(path, int(match.group(1)) if match else None, f"invalid TOML: {error}") from error
    table = document.get("tool", {}).get("licaudit")
    if table is None:
        return None
    return _toml_mapping(table, text.splitlines(), "tool.licaudit")


def _toml_mapping(table: dict[str, Any], lines: list[str], prefix: str) -> _Mapping:
    """TOML carries no line numbers: find each key after its table's header, best effort."""
    start = _header_line(lines, prefix)
    mapping = _Mapping()
    mapping.line = start
    mapping.key_lines = {}
    mapping.item_lines = {}
    for key, value in table.items():
        line = _key_line(lines, prefix, key, start)
        mapping.key_lines[key] = line
        if isinstance(value, dict):
            sub = _toml_mapping(value, lines, f"{prefix}.{key}")
            if sub.line == 1:
                sub.line = line
            mapping[key] = sub
        elif isinstance(value, list):
            items: list[Any] = []
            for item in value:
                if isinstance(item, dict):
                    sub = _toml_mapping(item, lines, f"{prefix}.{key}")
                    sub.line = line
                    items.append(sub)
                else:
                    items.append(item)
            mapping[key] = items
        else:
            mapping[key] = value
    return mapping


def _header_line(lines: list[str], prefix: str) -> int:
    pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(prefix) + r"\s*\]\]?\s*(#.*)?$")
    for number, text in enumerate(lines, start=1):
        if pattern.match(text):
            return number
    return 1


def _key_line(lines: list[str], prefix: str, key: str, start: int) -> int:
    header = re.compile(r"^\s*\[\[?\s*" + re.escape(f"{prefix}.{key}") + r"\s*\]\]?")
    assignment = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for number in range(max(start, 1), len(lines) + 1):
        text = lines[number - 1]
        if header.match(text) or assignment.match(text):
            return number
    return start


# --- validation ------------------------------------------------------------------------------


class _Field:
    """One value of the policy with where it was written, and typed accessors that explain errors."""

    def __init__(self, value: object, path: Path, line: int, what: str, item_lines: list[int] | None = None) -> None:
        self.value = value
        self.path = path
        self.line = line
        self.what = what
        self.item_lines = item_lines or []

    def error(self, message: str) -> DataFileError:
        return DataFileError(self.path, self.line, f"{self.what}: {message}" if self.what else message)

    def mapping(self, allowed: dict[str, str] | set[str] | None = None) -> dict[str, _Field]:
        if not isinstance(self.value, dict):
            raise self.error(f"must be a mapping, got {_type_name(self.value)}")
        lines = self.value.key_lines if isinstance(self.value, _Mapping) else {}
        item_lines = self.value.item_lines if isinstance(self.value, _Mapping) else {}
        if allowed is not None:
            unknown = sorted(set(self.value) - set(allowed))
            if unknown:
                bad = unknown[0]
                raise DataFileError(
                    self.path,
                    lines.get(bad, self.line),
                    (f"{self.what}: " if self.what else "")
                    + f"unknown key `{bad}`; allowed: {', '.join(sorted(allowed))}",
                )
        return {
            str(k): _Field(
                v,
                self.path,
                lines.get(str(k), self.line),
                f"{self.what}.{k}" if self.what else str(k),
                item_lines.get(str(k)),
            )
            for k, v in self.value.items()
        }

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"must be a non-empty string, got {_type_name(self.value)}")
        return self.value.strip()

    def choice(self, allowed: list[str]) -> str:
        value = self.text()
        if value not in allowed:
            raise self.error(f"is {value!r}; allowed: {', '.join(allowed)}")
        return value

    def texts(self) -> list[str]:
        if not isinstance(self.value, list):
            raise self.error(f"must be a list of strings, got {_type_name(self.value)}")
        found = []
        for index, item in enumerate(self.value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"item {index + 1} must be a non-empty string, got {_type_name(item)}")
            found.append(item.strip())
        return found

    def items(self) -> list[_Field]:
        if not isinstance(self.value, list):
            raise self.error(f"must be a list, got {_type_name(self.value)}")
        lines = self.item_lines if len(self.item_lines) == len(self.value) else [self.line] * len(self.value)
        return [_Field(item, self.path, lines[i], f"{self.what}[{i}]") for i, item in enumerate(self.value)]

    def date(self) -> dt.date:
        if isinstance(self.value, dt.datetime):
            return self.value.date()
        if isinstance(self.value, dt.date):
            return self.value
        if isinstance(self.value, str):
            try:
                return dt.date.fromisoformat(self.value.strip())
            except ValueError:
                pass
        raise self.error(f"must be a date written YYYY-MM-DD, got {self.value!r}")

    def positive_int(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value <= 0:
            raise self.error(f"must be a positive integer, got {self.value!r}")
        return self.value


def _type_name(value: object) -> str:
    names = {dict: "a mapping", _Mapping: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "nothing"
    return names.get(type(value), f"a {type(value).__name__}")


def presets_folder(rules_folder: Path) -> Path:
    """`rules/policies/` of the rules in use; the shipped presets when a custom rules folder has none."""
    folder = rules_folder / "policies"
    return folder if folder.is_dir() else shipped_folder("rules") / "policies"


def preset_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def discover_policy(root: Path) -> Path | None:
    """`licaudit.yaml` at the root, else a `pyproject.toml` with `[tool.licaudit]`."""
    for name in POLICY_FILE_NAMES:
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and re.search(r"^\s*\[\[?\s*tool\.licaudit", _read_text(pyproject), re.MULTILINE):
        return pyproject
    return None


def load_policy(
    source: str | Path, knowledge: Knowledge, today: dt.date, rules_folder: Path, root: Path | None = None
) -> Policy:
    """A policy file (`licaudit.yaml`, `pyproject.toml`) or a preset name (`commercial`)."""
    folder = presets_folder(rules_folder)
    path = Path(source)
    if isinstance(source, str) and not path.suffix and not path.exists():
        if source not in preset_names(folder):
            raise DataFileError(
                source, None, f"no such policy file or preset; presets: {', '.join(preset_names(folder))}"
            )
        return _build(_read_preset(folder, source), knowledge, today, folder, f"preset:{source}", source, None, root)
    if not path.is_file():
        raise DataFileError(path, None, "policy file not found")
    if path.name == "pyproject.toml":
        table = read_pyproject_table(path)
        if table is None:
            raise DataFileError(path, None, "no [tool.licaudit] table")
        top = _Field(table, path, table.line, "")
    else:
        data = read_policy_yaml(path)
        top = _Field(data, path, data.line, "")
    return _build(top, knowledge, today, folder, str(path), None, path, root)


def _read_preset(folder: Path, name: str) -> _Field:
    path = folder / f"{name}.yaml"
    data = read_policy_yaml(path)
    return _Field(data, path, data.line, "")


def _build(
    top: _Field,
    knowledge: Knowledge,
    today: dt.date,
    folder: Path,
    source: str,
    preset: str | None,
    path: Path | None,
    root: Path | None,
) -> Policy:
    fields = top.mapping(TOP_KEYS)
    if "schema_version" not in fields:
        raise top.error("`schema_version: 1` is missing")
    if fields["schema_version"].value != 1:
        raise fields["schema_version"].error(f"must be 1, got {fields['schema_version'].value!r}")
    if "extends" in fields:
        if preset is not None:
            raise fields["extends"].error("a preset cannot extend another preset")
        preset = fields["extends"].choice(preset_names(folder))
        base = _read_preset(folder, preset).mapping(TOP_KEYS)
        if "extends" in base:
            raise base["extends"].error("a preset cannot extend another preset")
        for key in ("conditions", "severity"):
            if key in base and key in fields:
                merged = {**base[key].mapping(), **fields[key].mapping()}
                fields[key] = _Merged(merged, fields[key])
        fields = {**{k: v for k, v in base.items() if k not in ("waivers", "artifacts")}, **fields}
    relative_file = _display(path, root)
    return Policy(
        source=source,
        preset=preset,
        uses=_uses(fields.get("uses"), knowledge),
        stance=_stance(fields.get("stance"), knowledge),
        allow_licenses=_licenses(fields.get("licenses"), knowledge, "allow"),
        deny_licenses=_licenses(fields.get("licenses"), knowledge, "deny") or (),
        allow_categories=_categories(fields.get("categories"), "allow"),
        deny_categories=_categories(fields.get("categories"), "deny") or (),
        accepted=_conditions(fields.get("conditions"))[0],
        rejected=_conditions(fields.get("conditions"))[1],
        monthly_active_users=fields["monthly_active_users"].positive_int()
        if "monthly_active_users" in fields
        else None,
        unknown_fails=fields["unknown"].choice(["fail", "warn"]) == "fail" if "unknown" in fields else True,
        severities=_severities(fields.get("severity")),
        fail_on=Severity(fields["fail_on"].choice([s.value for s in Severity]))
        if "fail_on" in fields
        else Severity.ERROR,
        waivers=_waivers(fields.get("waivers"), today, relative_file),
        artifacts=_artifacts(fields.get("artifacts"), relative_file),
    )


class _Merged(_Field):
    """A preset's mapping with the policy's entries laid over it."""

    def __init__(self, merged: dict[str, _Field], origin: _Field) -> None:
        super().__init__(origin.value, origin.path, origin.line, origin.what)
        self.merged = merged

    def mapping(self, allowed: dict[str, str] | set[str] | None = None) -> dict[str, _Field]:
        if allowed is not None:
            for key, item in self.merged.items():
                if key not in allowed:
                    raise item.error(f"unknown key `{key}`; allowed: {', '.join(sorted(allowed))}")
        return dict(self.merged)


def _display(path: Path | None, root: Path | None) -> str:
    if path is None:
        return ""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _uses(field_: _Field | None, knowledge: Knowledge) -> tuple[str, ...]:
    if field_ is None:
        return ("commercial",)
    uses = field_.texts()
    if not uses:
        raise field_.error(f"name at least one use; known: {', '.join(sorted(knowledge.rules.uses))}")
    for use in uses:
        if use not in knowledge.rules.uses:
            raise field_.error(f"unknown use {use!r}; known: {', '.join(sorted(knowledge.rules.uses))}")
    return tuple(dict.fromkeys(uses))


def _stance(field_: _Field | None, knowledge: Knowledge) -> Stance:
    readings = [r.value for r in Reading]
    if field_ is None:
        return Stance()
    if isinstance(field_.value, str):
        return Stance(Reading(field_.choice(readings)))
    fields = field_.mapping({"default", "questions"})
    default = Reading(fields["default"].choice(readings)) if "default" in fields else Reading.STRICT
    chosen: list[tuple[str, Reading]] = []
    if "questions" in fields:
        for question, reading in sorted(fields["questions"].mapping().items()):
            if question not in knowledge.rules.questions:
                raise reading.error(f"unknown question; known: {', '.join(sorted(knowledge.rules.questions))}")
            chosen.append((question, Reading(reading.choice(readings))))
    return Stance(default, tuple(chosen))


def _licenses(field_: _Field | None, knowledge: Knowledge, which: str) -> tuple[str, ...] | None:
    if field_ is None:
        return None
    fields = field_.mapping({"allow", "deny"})
    if which not in fields:
        return None
    found: list[str] = []
    for name in fields[which].texts():
        license_ = knowledge.catalog.lookup(name)
        if license_ is None:
            hint = knowledge.catalog.suggest(name)
            raise fields[which].error(
                f"unknown license {name!r}" + (f"; did you mean: {', '.join(hint)}?" if hint else "")
            )
        found.append(license_.id)
    return tuple(dict.fromkeys(found))


def _categories(field_: _Field | None, which: str) -> tuple[Category, ...] | None:
    if field_ is None:
        return None
    fields = field_.mapping({"allow", "deny"})
    if which not in fields:
        return None
    allowed = [c.value for c in Category]
    found = []
    for name in fields[which].texts():
        if name not in allowed:
            raise fields[which].error(f"unknown category {name!r}; allowed: {', '.join(allowed)}")
        found.append(Category(name))
    return tuple(dict.fromkeys(found))


def _conditions(field_: _Field | None) -> tuple[frozenset[TermKind], frozenset[TermKind]]:
    """(accepted, explicitly rejected) term kinds."""
    accepted, rejected = set(DEFAULT_ACCEPTED), set()
    if field_ is None:
        return frozenset(accepted), frozenset()
    kinds = {k.value: "accept | reject" for k in TermKind if k is not TermKind.UNKNOWN}
    for kind, choice in field_.mapping(kinds).items():
        if choice.choice(["accept", "reject"]) == "accept":
            accepted.add(TermKind(kind))
        else:
            accepted.discard(TermKind(kind))
            rejected.add(TermKind(kind))
    return frozenset(accepted), frozenset(rejected)


def _severities(field_: _Field | None) -> tuple[tuple[FindingKind, Severity], ...]:
    if field_ is None:
        return ()
    kinds = {k.value: "" for k in FindingKind}
    return tuple(
        (FindingKind(kind), Severity(value.choice([s.value for s in Severity])))
        for kind, value in sorted(field_.mapping(kinds).items())
    )


def _waivers(field_: _Field | None, today: dt.date, file: str) -> tuple[Waiver, ...]:
    if field_ is None:
        return ()
    waivers = []
    for item in field_.items():
        fields = item.mapping(WAIVER_KEYS)
        for key in sorted(WAIVER_KEYS):
            if key not in fields:
                raise item.error(f"`{key}` is missing; a waiver needs {', '.join(sorted(WAIVER_KEYS))}")
        approved, expires = fields["approved"].date(), fields["expires"].date()
        if approved > today:
            raise fields["approved"].error(f"{approved} is in the future (today is {today})")
        if expires <= approved:
            raise fields["expires"].error(
                f"{expires} is not after the approval date {approved}: a new waiver must expire in the future"
            )
        waivers.append(
            Waiver(
                artifact=fields["artifact"].text(),
                finding=FindingKind(fields["finding"].choice([k.value for k in FindingKind])),
                reason=WaiverReason(fields["reason"].choice([r.value for r in WaiverReason])),
                justification=fields["justification"].text(),
                approved_by=fields["approved_by"].text(),
                approved=approved,
                expires=expires,
                file=file,
                line=item.line,
            )
        )
    return tuple(waivers)


def _artifacts(field_: _Field | None, file: str) -> tuple[ManifestEntry, ...]:
    if field_ is None:
        return ()
    entries = []
    for item in field_.items():
        location = Location(file, item.line)
        if isinstance(item.value, str):
            entries.append(ManifestEntry(item.text(), "model", None, location))
            continue
        fields = item.mapping(ARTIFACT_KEYS)
        if "id" not in fields:
            raise item.error("`id` is missing")
        kind = fields["kind"].choice(list(ARTIFACT_KINDS)) if "kind" in fields else "model"
        note = fields["note"].text() if "note" in fields else None
        entries.append(ManifestEntry(fields["id"].text(), kind, note, Location(file, fields["id"].line)))
    return tuple(entries)
