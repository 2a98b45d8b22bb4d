"""Model and dataset cards: untrusted README text parsed into typed metadata, never fatally.

A card is YAML front matter between `---` lines, then Markdown. Cards are written by anyone:
the YAML may be malformed, a YAML bomb, or typed loosely (`license: no` is a boolean, `datasets`
a plain string, `base_model` a string, list or URL). Parsing uses libyaml's safe loader, bounds
every size, and records problems as errors instead of raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml: about ten times faster than the pure-Python parser on front matter
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_CARD_BYTES = 2_000_000
MAX_FRONT_MATTER_BYTES = 256_000
MAX_YAML_ALIASES = 64
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE
)
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]+")


@dataclass(frozen=True)
class CardMetadata:
    """What a card's front matter says, each value normalised to strings or lists of strings."""

    license: tuple[str, ...] = ()  # a card may list several
    license_name: str | None = None
    license_link: str | None = None
    license_details: str | None = None
    base_model: tuple[str, ...] = ()
    base_model_relation: str | None = None
    datasets: tuple[str, ...] = ()
    source_datasets: tuple[str, ...] = ()
    annotations_creators: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    library_name: str | None = None
    pipeline_tag: str | None = None
    has_front_matter: bool = False
    errors: tuple[str, ...] = ()
    body: str = field(default="", repr=False)


def decode_card(raw: bytes) -> tuple[str, list[str]]:
    """Bytes to text; invalid UTF-8 is replaced and reported, never fatal."""
    errors: list[str] = []
    if len(raw) > MAX_CARD_BYTES:
        errors.append(f"card is {len(raw):,} bytes; only the first {MAX_CARD_BYTES:,} were read")
        raw = raw[:MAX_CARD_BYTES]
    if b"\x00" in raw[:8192]:
        errors.append("card looks binary (NUL bytes)")
    try:
        return raw.decode("utf-8"), errors
    except UnicodeDecodeError as error:
        errors.append(f"card is not valid UTF-8 (byte {error.start}); undecodable bytes replaced")
        return raw.decode("utf-8", errors="replace"), errors


def parse_card(card: str | bytes) -> CardMetadata:
    errors: list[str] = []
    if isinstance(card, bytes):
        text, errors = decode_card(card)
    else:
        text = card
        if len(text) > MAX_CARD_BYTES:
            errors.append(f"card is {len(text):,} characters; only the first {MAX_CARD_BYTES:,} were read")
            text = text[:MAX_CARD_BYTES]
    match = _FRONT_MATTER.match(text)
    if match is None:
        return CardMetadata(errors=tuple(errors), body=text)
    front, body = match.group(1), text[match.end() :]
    data = _flat_front_matter(front) if len(front) <= MAX_FRONT_MATTER_BYTES else None
    if data is None:
        data = _load_front_matter(front, errors)
    if data is None:
        return CardMetadata(has_front_matter=True, errors=tuple(errors), body=body)
    return metadata_from_mapping(data, errors, body)


# The flat subset most cards use: `key: plain scalar`, `key: [a, b]`, `key:` then `- item` lines.
# For it the result equals libyaml's (tests compare both); anything else goes to libyaml whole.
_KEY = r"([A-Za-z_][A-Za-z0-9_.\-]*)"
_PLAIN = r"[A-Za-z0-9_(/][^\s#:,\[\]{}'\"]*(?::[^\s#:,\[\]{}'\"]+)*(?: [^\s#:,\[\]{}'\"]+(?::[^\s#:,\[\]{}'\"]+)*)*"
_FLAT_LINE = re.compile(
    rf"^(?:{_KEY}:[ ]*|{_KEY}:[ ]+({_PLAIN})[ ]*|{_KEY}:[ ]+\[[ ]*((?:{_PLAIN})(?:[ ]*,[ ]*{_PLAIN})*)?[ ]*\][ ]*"
    rf"|( *)-[ ]+({_PLAIN})[ ]*|[ ]*(?:#.*)?)$"
)
_FLOW_SPLIT = re.compile(r"[ ]*,[ ]*")


def _implicit_resolvers() -> dict[str, list[re.Pattern[str]]]:
    # The YAML 1.1 patterns that turn a plain scalar into a bool, number, null or date.
    found: dict[str, list[re.Pattern[str]]] = {}
    for first, pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, pattern in pairs:
            if tag != "tag:yaml.org,2002:str" and first is not None:
                found.setdefault(first, []).append(pattern)
    return found


_NOT_TEXT = _implicit_resolvers()


def _is_text(value: str) -> bool:
    return not any(pattern.match(value) for pattern in _NOT_TEXT.get(value[:1], ()))


def _flat_front_matter(front: str) -> dict[str, object] | None:
    """Front matter in the flat subset, read without a YAML parser; None means "ask libyaml"."""
    data: dict[str, object] = {}
    open_key: str | None = None
    item_indent: str | None = None
    for line in front.split("\n"):
        found = _FLAT_LINE.match(line.rstrip("\r"))
        if found is None:
            return None
        bare, key, scalar, flow_key, flow, indent, item = found.groups()
        if item is not None:
            if open_key is None or (item_indent is not None and indent != item_indent) or not _is_text(item):
                return None
            item_indent = indent
            items = data[open_key]
            if items is None:
                items = data[open_key] = []
            assert isinstance(items, list)
            items.append(item)
            continue
        name = bare or key or flow_key
        if name is None:
            continue  # blank or comment
        if name in data:
            return None  # a repeated key: leave the rule to libyaml
        open_key, item_indent = (name, None) if bare else (None, None)
        if bare:
            data[name] = None
        elif key:
            if not _is_text(scalar):
                return None
            data[name] = scalar
        else:
            values = _FLOW_SPLIT.split(flow) if flow else []
            if not all(_is_text(v) for v in values):
                return None
            data[name] = values
    return data


def _load_front_matter(front: str, errors: list[str]) -> dict[str, object] | None:
    if len(front) > MAX_FRONT_MATTER_BYTES:
        errors.append(f"front matter is larger than {MAX_FRONT_MATTER_BYTES:,} characters; ignored")
        return None
    if len(_ALIAS.findall(front)) > MAX_YAML_ALIASES:
        errors.append(f"front matter uses more than {MAX_YAML_ALIASES} YAML aliases (a YAML bomb?); ignored")
        return None
    try:
        data = yaml.load(front, Loader=_Loader)  # noqa: S506 - libyaml's *safe* loader
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 2 if error.problem_mark is not None else "?"
        errors.append(f"malformed YAML front matter at line {line}: {error.problem}")
        return None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        errors.append(f"malformed YAML front matter: {type(error).__name__}")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        errors.append(f"front matter is a {type(data).__name__}, not a mapping; ignored")
        return None
    return {str(k): v for k, v in data.items()}


def metadata_from_mapping(data: dict[str, object], errors: list[str] | None = None, body: str = "") -> CardMetadata:
    """Normalise a front-matter mapping (from a card or a Hub API `cardData`)."""
    errors = list(errors or [])
    return CardMetadata(
        license=_strings(data.get("license"), "license", errors),
        license_name=_one(data.get("license_name"), "license_name", errors),
        license_link=_one(data.get("license_link"), "license_link", errors),
        license_details=_one(data.get("license_details"), "license_details", errors),
        base_model=_strings(data.get("base_model"), "base_model", errors),
        base_model_relation=_one(data.get("base_model_relation"), "base_model_relation", errors),
        datasets=_strings(data.get("datasets"), "datasets", errors),
        source_datasets=_strings(data.get("source_datasets"), "source_datasets", errors),
        annotations_creators=_strings(data.get("annotations_creators"), "annotations_creators", errors),
        tags=_strings(data.get("tags"), "tags", errors),
        library_name=_one(data.get("library_name"), "library_name", errors),
        pipeline_tag=_one(data.get("pipeline_tag"), "pipeline_tag", errors),
        has_front_matter=True,
        errors=tuple(errors),
        body=body,
    )


def _scalar(value: object) -> str | None:
    # YAML 1.1 reads `license: no` as False and `license: 1.0` as a float: keep what was meant.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None


def _strings(value: object, key: str, errors: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items[:1000]:
        text = _scalar(item)
        if text is None:
            if item is not None:
                errors.append(f"`{key}` holds a {type(item).__name__}, expected text; ignored")
            continue
        found.append(text[:1000])
    return tuple(dict.fromkeys(found))


def _one(value: object, key: str, errors: list[str]) -> str | None:
    values = _strings(value, key, errors)
    if len(values) > 1:
        errors.append(f"`{key}` has {len(values)} values; the first is used")
    return values[0] if values else None
