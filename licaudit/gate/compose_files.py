"""docker-compose files read for the models and datasets their services are started with.

A service's `command`/`entrypoint` (a string or a list) is a command line, read with its `environment`
and `${VAR:-default}` expanded; an environment entry whose name says model or dataset (`MODEL_ID:
org/model`) names one too. `image:` names a container image, never a model.
"""

from __future__ import annotations

import yaml

from licaudit.gate.reference_keys import hub_value, kind_of_name
from licaudit.gate.references import FileScan, Reference
from licaudit.gate.shell_commands import expand_word, scan_command_words, split_words
from licaudit.locations import Location

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def is_compose_file(name: str) -> bool:
    lower = name.lower()
    return lower.endswith((".yml", ".yaml")) and (lower.startswith(("docker-compose", "compose.", "compose-")))


def scan_compose_text(text: str, relative: str) -> FileScan:
    found = FileScan()
    try:
        root = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return found
    services = _get(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return found
    for _, service in services.value:
        if isinstance(service, yaml.MappingNode):
            found.extend(_service(service, relative))
    return found


def _service(service: yaml.MappingNode, relative: str) -> FileScan:
    found = FileScan()
    variables: dict[str, str] = {}
    environment = _get(service, "environment")
    for name, value, node in _environment(environment):
        variables[name] = value
        kind = kind_of_name(name)
        artifact = hub_value(expand_word(value, variables), kind, bare=True) if kind is not None else None
        if kind is not None and artifact is not None:
            found.references.append(Reference(_location(node, relative), kind, artifact, f"compose environment {name}"))
    for key in ("entrypoint", "command"):
        command = _get(service, key)
        words: list[tuple[str, Location]] = []
        if isinstance(command, yaml.ScalarNode):
            for word, column in split_words(str(command.value)):
                location = Location(relative, command.start_mark.line + 1, command.start_mark.column + column + 1)
                words.append((expand_word(word, variables), location))
        elif isinstance(command, yaml.SequenceNode):
            words = [
                (expand_word(str(item.value), variables), _location(item, relative))
                for item in command.value
                if isinstance(item, yaml.ScalarNode)
            ]
        found.extend(scan_command_words(words, "compose"))
    return found


def _environment(node: yaml.Node | None) -> list[tuple[str, str, yaml.Node]]:
    entries: list[tuple[str, str, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                entries.append((str(key.value), str(value.value), value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and "=" in str(item.value):
                name, _, value = str(item.value).partition("=")
                entries.append((name, value, item))
    return entries


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found: yaml.Node = value
                return found
    return None


def _location(node: yaml.Node, relative: str) -> Location:
    return Location(relative, node.start_mark.line + 1, node.start_mark.column + 1)
