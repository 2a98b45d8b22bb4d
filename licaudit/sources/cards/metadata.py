"""Model and dataset cards: untrusted README text parsed into typed metadata, never fatally.

A card is YAML front matter between `---` lines, then Markdown. Cards are written by anyone:
the YAML may be malformed, a YAML bomb, or typed loosely (`license: no` is a boolean, `datasets`
a plain string, `base_model` a string, list or URL). Parsing uses libyaml's safe loader, bounds
every size, and records problems as errors instead of raising.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import yaml

MAX_CARD_BYTES = 2_000_000
MAX_FRONT_MATTER_BYTES = 256_000
MAX_YAML_ALIASES = 64
# The definition of a card's front matter; `split_front_matter` finds the same split faster and is
# tested against it.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE
)
_OPENING = re.compile(r"(?:\ufeff)?---[ \t]*\r?\n")
_CLOSING = re.compile(r"---[ \t]*(?:\r?\n|\Z)")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]+")


class CardMetadata(NamedTuple):  # a tuple: built once per card, a million times in a bulk import
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
    body: str = ""

    def __repr__(self) -> str:  # without the body: it may be megabytes of Markdown
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields[:-1])
        return f"CardMetadata({fields})"


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
    front, body, errors = read_front_matter(card)
    return front_matter_metadata(front, errors, body)


def read_front_matter(card: str | bytes) -> tuple[str | None, str, list[str]]:
    """(the front matter's YAML text or None, the body, problems so far) of a bounded, decoded card."""
    errors: list[str] = []
    if isinstance(card, bytes):
        text, errors = decode_card(card)
    else:
        text = card
        if len(text) > MAX_CARD_BYTES:
            errors.append(f"card is {len(text):,} characters; only the first {MAX_CARD_BYTES:,} were read")
            text = text[:MAX_CARD_BYTES]
    split = split_front_matter(text)
    return (None, text, errors) if split is None else (*split, errors)


def front_matter_metadata(front: str | None, errors: list[str], body: str = "") -> CardMetadata:
    """Front matter YAML (None: the card has none) read into metadata; problems become `errors`."""
    if front is None:
        return CardMetadata(errors=tuple(errors), body=body)
    data = _flat_front_matter(front) if len(front) <= MAX_FRONT_MATTER_BYTES else None
    if data is None:
        data = _load_front_matter(front, errors)
    if data is None:
        return CardMetadata(has_front_matter=True, errors=tuple(errors), body=body)
    return metadata_from_mapping(data, errors, body)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter, body), as `_FRONT_MATTER` splits them, or None; found with two searches
    instead of a lazy match that tries the closing line at every character of the front matter."""
    if text.startswith("---\n"):  # nearly every card
        start = newline = 3
    else:
        opening = _OPENING.match(text)
        if opening is None:
            return None
        start = newline = opening.end() - 1
    while True:  # the first line that is `---` (and trailing blanks) after the opening line
        newline = text.find("\n---", newline)
        if newline < 0:
            return None
        closing = _CLOSING.match(text, newline + 1)
        if closing is not None:
            break
        newline += 1
    start, end = start + 1, closing.start()
    if end > start:  # the newline before the closing `---` is not part of the front matter
        end -= 2 if text[end - 2 : end] == "\r\n" and end - 2 >= start else 1
    return text[start:end], text[closing.end() :]


# The block-YAML subset nearly every card uses: mappings and sequences by indentation, plain
# scalars, `[a, b]` lists of plain scalars. For it the result equals libyaml's (a property test
# compares both); anything else (quotes, anchors, block scalars, tabs, odd indentation) goes to
# libyaml whole. libyaml builds Python objects in pure Python, so this is several times faster.
_KEY = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_PLAIN = r"[A-Za-z0-9_(/][^\s#:,\[\]{}'\"]*(?::[^\s#:,\[\]{}'\"]+)*(?: [^\s#:,\[\]{}'\"]+(?::[^\s#:,\[\]{}'\"]+)*)*"
_BLOCK_LINE_PATTERN = (
    rf"( *)(?:(-) +)?(?:({_KEY}):(?: +(?:({_PLAIN})|\[ *((?:{_PLAIN})(?: *, *{_PLAIN})*)? *\]))?|({_PLAIN})) *"
)
_SKIP_LINE = re.compile(r" *(?:#.*)?")
_FLOW_SPLIT = re.compile(r" *, *")
_STR_TAG = "tag:yaml.org,2002:str"


@functools.cache
def _block_line() -> re.Pattern[str]:
    return re.compile(_BLOCK_LINE_PATTERN)  # compiled on first use: start-up stays quick


# PyYAML is imported on first use: `trace` of imported dumps reads no card and skips its 25 ms.
@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    import yaml

    # libyaml: about ten times faster than the pure-Python parser on front matter
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _constructor() -> yaml.constructor.SafeConstructor:
    import yaml

    return yaml.constructor.SafeConstructor()


class _NotFlat(Exception):
    """The front matter leaves the subset: libyaml reads it."""


@functools.cache
def _implicit_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    import yaml

    found: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        if first is not None:
            found[first] = list(pairs)
    return found


# Scalars PyYAML would build with its Python constructors, built directly: metric values in
# `model-index` (`value: 0.7312`) are on many cards, and each is a distinct line.
_DECIMAL_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")  # float() reads these as YAML 1.1 does
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # no leading zero: YAML 1.1 reads `017` as octal
_NUMBER_START = frozenset("0123456789+-")


def _typed(value: str) -> object:
    """A plain scalar as YAML 1.1 reads it: `no` is False, `1.0` a float, `2024-01-01` a date."""
    if value[:1] in _NUMBER_START:
        if _DECIMAL_FLOAT.fullmatch(value):
            return float(value)
        if _DECIMAL_INT.fullmatch(value):
            return int(value)
    for tag, pattern in _implicit_resolvers().get(value[:1], ()):
        if pattern.match(value):
            if tag == _STR_TAG:
                return value
            import yaml

            constructor = _constructor()
            return constructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, value))
    return value


# A parsed line: (indent, dashed, content column, key, what follows, value). What follows a key
# is _NESTED (a block below, or null), _SCALAR or _FLOW (a tuple); an item line is a _SCALAR.
_Line = tuple[int, bool, int, str | None, int, object]
_NESTED, _SCALAR, _FLOW = 0, 1, 2
_BLANK: _Line = (-1, False, -1, None, _NESTED, None)  # a blank or comment line
# Front matter lines repeat across cards (`license: mit`, `- en`, `library_name: transformers`),
# so each distinct line is matched and typed once. Entries are immutable; None marks a line
# outside the subset. Bounded: cleared when full.
_LINE_CACHE: dict[str, _Line | None] = {}
_LINE_CACHE_SIZE = 200_000


def _read_line(raw: str) -> _Line | None:
    found = _block_line().fullmatch(raw)
    if found is None:
        return _BLANK if _SKIP_LINE.fullmatch(raw) else None
    indent, dash, key, scalar, flow, item = found.groups()
    key_name: str | None = key
    if item is not None and dash is None:
        return None  # a bare scalar line: a multi-line scalar, or junk
    try:
        if key_name is None:
            return (len(indent), dash is not None, found.start(6), None, _SCALAR, _typed(item))
        if _typed(key_name) is not key_name:
            return None  # a key YAML would read as a bool, number or null
        if scalar is not None:
            return (len(indent), dash is not None, found.start(3), key_name, _SCALAR, _typed(scalar))
        if "[" in raw:
            items = tuple(_typed(v) for v in _FLOW_SPLIT.split(flow)) if flow else ()
            return (len(indent), dash is not None, found.start(3), key_name, _FLOW, items)
    except ValueError:  # e.g. `2024-13-45` looks like a date but is none: libyaml reports it
        return None
    return (len(indent), dash is not None, found.start(3), key_name, _NESTED, None)


def _flat_front_matter(front: str) -> dict[str, object] | None:
    """Front matter in the block subset, read without libyaml; None means "ask libyaml"."""
    lines: list[_Line] = []
    cache = _LINE_CACHE
    for raw in front.split("\n"):
        try:
            line = cache[raw]
        except KeyError:
            line = _read_line(raw.rstrip("\r"))
            if len(cache) >= _LINE_CACHE_SIZE:
                cache.clear()
            cache[raw] = line
        if line is None:
            return None
        if line is not _BLANK:
            lines.append(line)
    if not lines:
        return {}
    try:
        data, position = _block(lines, 0, 0)
    except _NotFlat:
        return None
    if position != len(lines) or not isinstance(data, dict):
        return None
    return data


def _block(lines: list[_Line], position: int, indent: int) -> tuple[object, int]:
    if lines[position][1]:
        return _sequence(lines, position, indent)
    return _mapping(lines, position, indent, indent)


def _mapping(lines: list[_Line], position: int, indent: int, column: int) -> tuple[dict[str, object], int]:
    """Keys at `column`; the first line may sit after a dash (`- key: v`) at `indent`."""
    result: dict[str, object] = {}
    end = len(lines)
    first = True
    while position < end:
        line = lines[position]
        if first:
            first = False
        elif line[1] or line[0] != column:  # a dash, or another indentation: the mapping ended
            break
        key = line[3]
        if key is None:
            raise _NotFlat
        if key in result:
            raise _NotFlat  # a repeated key: leave the rule to libyaml
        position += 1
        follows = line[4]
        if follows == _SCALAR:  # `key: value`, the value already typed
            result[key] = line[5]
        elif follows == _FLOW:  # `key: [a, b]`
            result[key] = list(line[5])  # type: ignore[call-overload]
        elif position < end and (
            lines[position][0] > line[2] or (lines[position][0] == line[2] and lines[position][1])
        ):  # a block below, deeper than the key (or a sequence at its column)
            result[key], position = _block(lines, position, lines[position][0])
        else:
            result[key] = None
    if position < end:
        following = lines[position]
        if (following[0] > column and not following[1]) or (following[1] and following[0] > indent):
            raise _NotFlat
    return result, position


def _sequence(lines: list[_Line], position: int, indent: int) -> tuple[list[object], int]:
    items: list[object] = []
    end = len(lines)
    while position < end:
        line = lines[position]
        if not line[1] or line[0] != indent:
            break
        if line[3] is None:  # `- value`
            items.append(line[5])
            position += 1
            if position < end and lines[position][0] > indent:
                raise _NotFlat  # a continued scalar or a deeper block after a scalar item
            continue
        mapping, position = _mapping(lines, position, indent, line[2])
        items.append(mapping)
    if position < end and lines[position][0] > indent:
        raise _NotFlat
    return items, position


def _load_front_matter(front: str, errors: list[str]) -> dict[str, object] | None:
    if len(front) > MAX_FRONT_MATTER_BYTES:
        errors.append(f"front matter is larger than {MAX_FRONT_MATTER_BYTES:,} characters; ignored")
        return None
    if len(_ALIAS.findall(front)) > MAX_YAML_ALIASES:
        errors.append(f"front matter uses more than {MAX_YAML_ALIASES} YAML aliases (a YAML bomb?); ignored")
        return None
    import yaml

    try:
        data = yaml.load(front, Loader=_loader())  # noqa: S506 - libyaml's *safe* loader
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


_LIST_FIELDS = frozenset(("license", "base_model", "datasets", "source_datasets", "annotations_creators", "tags"))
_FIELD_ORDER = CardMetadata._fields[:12]  # the front matter's fields; errors come out in this order
_FIELD_INDEX = {name: index for index, name in enumerate(CardMetadata._fields)}
_DEFAULTS = CardMetadata()
# tuple.__new__ builds a named tuple in C; calling the class (or `_make`) runs Python code, and a
# bulk import builds a million of them.
_new_metadata = functools.partial(tuple.__new__, CardMetadata)


def metadata_from_mapping(data: dict[str, object], errors: list[str] | None = None, body: str = "") -> CardMetadata:
    """Normalise a front-matter mapping (from a card or a Hub API `cardData`)."""
    errors = list(errors or [])
    values = list(_DEFAULTS)
    for key in _FIELD_ORDER:
        value = data.get(key)
        if value is not None:  # most keys are absent from most cards
            values[_FIELD_INDEX[key]] = (
                _strings(value, key, errors) if key in _LIST_FIELDS else _one(value, key, errors)
            )
    values[12:] = True, tuple(errors), body  # has_front_matter, errors, body
    return _new_metadata(values)


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
    if type(value) is str:  # the common case, in short
        stripped = value.strip()
        return (stripped[:1000],) if stripped else ()
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
    if type(value) is str:  # the common case, in short
        return value.strip()[:1000] or None
    values = _strings(value, key, errors)
    if len(values) > 1:
        errors.append(f"`{key}` has {len(values)} values; the first is used")
    return values[0] if values else None
