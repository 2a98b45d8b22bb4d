"""Finding subsystems: the `licaudit.plugins` entry-point group, built-ins included, loaded on demand."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from licaudit.plugins.api import PluginError, PluginLoadError, Subsystem

GROUP = "licaudit.plugins"


@dataclass(frozen=True)
class PluginEntry:
    name: str
    target: str  # "module:attribute"
    distribution: str | None


def plugin_entries() -> list[PluginEntry]:
    found = entry_points(group=GROUP)
    return sorted(
        (PluginEntry(ep.name, ep.value, ep.dist.name if ep.dist is not None else None) for ep in found),
        key=lambda e: e.name,
    )


def load_plugin(name: str) -> Subsystem[Any]:
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == name]
    if not matches:
        known = ", ".join(e.name for e in plugin_entries()) or "none"
        raise PluginError(f"no subsystem named {name!r}; installed: {known}")
    return _load(matches[0])


def _load(entry: EntryPoint) -> Subsystem[Any]:
    try:
        loaded = entry.load()
    except Exception as error:  # any import failure must name the plugin
        raise PluginLoadError(entry.name, entry.value, f"{type(error).__name__}: {error}") from error
    plugin = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(plugin, Subsystem):
        raise PluginLoadError(entry.name, entry.value, "does not implement the Subsystem protocol")
    return plugin


def missing_requirements(plugin: Subsystem[Any]) -> list[str]:
    """The modules `run` needs that are not importable (found without importing them)."""
    return [module for module in plugin.requires if importlib.util.find_spec(module) is None]
