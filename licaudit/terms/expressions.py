"""License expressions: messy card strings and SPDX expressions mapped onto the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from licaudit.terms.catalog import Catalog, License, Term
from licaudit.terms.recognition.evidence import Combination, Reading, Recognition
from licaudit.terms.vocabulary import Category, Effect, Scope, TermKind

if TYPE_CHECKING:
    from licaudit.terms.recognition.recogniser import Recogniser

# license-expression is imported lazily: only strings the catalog does not know need parsing.
_SPLIT_LIST = re.compile(r"\s*[,;]\s*")
UNKNOWN_LICENSE_ID = "LicenseRef-licaudit-unrecognised"
_SPDX_OPERATOR = re.compile(r"\b(?:AND|OR|WITH)\b|\s\+\s|[()]")  # SPDX writes its operators in capitals


@dataclass(frozen=True)
class LicenseLeaf:
    """One license: catalogued, or unrecognised with the raw text kept; `recognition` says how a
    string that was not a catalog name was read (None for ids and aliases found directly)."""

    license: License | None
    raw: str
    recognition: Recognition | None = None


@dataclass(frozen=True)
class AllOf:
    """Every part applies at once (AND, or a list of licenses on a card)."""

    parts: tuple[LicenseExpr, ...]


@dataclass(frozen=True)
class AnyOf:
    """The licensee may choose one option (OR)."""

    options: tuple[LicenseExpr, ...]


LicenseExpr = LicenseLeaf | AllOf | AnyOf


def render(expr: LicenseExpr) -> str:
    """The canonical text: catalog ids, `unknown(raw)` for what is not recognised."""
    match expr:
        case LicenseLeaf(license=None, raw=raw):
            return f"unknown({raw})" if raw else "unknown"
        case LicenseLeaf(license=license_):
            assert license_ is not None
            return license_.id
        case AllOf(parts=parts):
            return " AND ".join(_group(p) for p in parts)
        case AnyOf(options=options):
            return " OR ".join(_group(o) for o in options)


def _group(expr: LicenseExpr) -> str:
    return f"({render(expr)})" if isinstance(expr, (AllOf, AnyOf)) and _width(expr) > 1 else render(expr)


def _width(expr: AllOf | AnyOf) -> int:
    return len(expr.parts) if isinstance(expr, AllOf) else len(expr.options)


def leaves(expr: LicenseExpr) -> list[LicenseLeaf]:
    match expr:
        case LicenseLeaf():
            return [expr]
        case AllOf(parts=items) | AnyOf(options=items):
            return [leaf for item in items for leaf in leaves(item)]


def unrecognised(expr: LicenseExpr) -> list[str]:
    return [leaf.raw for leaf in leaves(expr) if leaf.license is None]


def is_unknown(expr: LicenseExpr) -> bool:
    return any(leaf.license is None or leaf.license.is_unknown for leaf in leaves(expr))


class LicenseNormaliser:
    """Maps card values (string, list, SPDX expression, prose, license texts) to `LicenseExpr`, memoised.

    The catalog's own names are tried first (the common case, no parsing), then an SPDX expression
    whose every symbol the catalog knows, then the recogniser (names in any spelling, URLs, prose,
    full texts, restrictive wording)."""

    def __init__(
        self,
        catalog: Catalog,
        recogniser: Recogniser | None = None,
        hub_history: dict[str, str] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self._recogniser = recogniser
        self._hub_history = hub_history
        self._cache_dir = cache_dir
        self._parse_text = lru_cache(maxsize=65536)(self._parse_text_uncached)

    @property
    def recogniser(self) -> Recogniser:
        """Built on the first string the catalog does not know by name."""
        if self._recogniser is None:
            from licaudit.terms.recognition.recogniser import Recogniser

            self._recogniser = Recogniser(self.catalog, self._hub_history, self._cache_dir)
        return self._recogniser

    def normalise(self, value: object) -> LicenseExpr:
        if value is None or value is False or (isinstance(value, str) and not value.strip()):
            return LicenseLeaf(None, "")
        if isinstance(value, (list, tuple)):
            parts = tuple(self.normalise(v) for v in value)
            return parts[0] if len(parts) == 1 else AllOf(parts)
        return self._parse_text(str(value).strip())

    def _parse_text_uncached(self, text: str) -> LicenseExpr:
        found = self.catalog.lookup(text)
        if found is not None:
            return LicenseLeaf(found, text)
        parsed = self._parse_spdx(text)
        if parsed is not None and not unrecognised(parsed):
            return parsed
        if parsed is not None and _SPDX_OPERATOR.search(text):
            # An SPDX expression with a symbol the catalog lacks: each such symbol is read as a name;
            # one still unknown stays unknown (never dropped from the AND it belongs to).
            return self._reread_symbols(parsed)
        read = expression_of(self.recogniser.read(text), self.catalog)
        if read is not None:
            return read
        if parsed is not None:
            return parsed
        pieces = [p for p in _SPLIT_LIST.split(text) if p]
        if len(pieces) > 1:
            return AllOf(tuple(self._parse_text(p) for p in pieces))
        return LicenseLeaf(None, text)

    def _reread_symbols(self, expr: LicenseExpr) -> LicenseExpr:
        match expr:
            case LicenseLeaf(license=None, raw=raw):
                found = self.recogniser.recognise_name(raw)
                if found is None or found.license_id is None:
                    return LicenseLeaf(None, raw, found)
                return LicenseLeaf(self.catalog.licenses.get(found.license_id), raw, found)
            case LicenseLeaf():
                return expr
            case AllOf(parts=parts):
                return AllOf(tuple(self._reread_symbols(p) for p in parts))
            case AnyOf(options=options):
                return AnyOf(tuple(self._reread_symbols(o) for o in options))

    def _parse_spdx(self, text: str) -> LicenseExpr | None:
        from license_expression import ExpressionError, Licensing

        try:
            parsed = Licensing().parse(text)
        except (ExpressionError, TypeError, ValueError):
            return None
        except (AssertionError, IndexError, RecursionError):  # its parser's own bugs on unbalanced text (fuzzing)
            return None
        if parsed is None:
            return None
        tree = self._convert(parsed)
        # A single unrecognised symbol is no better than the raw text: keep it whole.
        if isinstance(tree, LicenseLeaf) and tree.license is None:
            return LicenseLeaf(None, text)
        return tree

    def _convert(self, node: object) -> LicenseExpr:
        from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

        if isinstance(node, LicenseWithExceptionSymbol):
            # An exception only adds permissions: the base license bounds the terms.
            return self._symbol(str(node.license_symbol.key))
        if isinstance(node, LicenseSymbol):
            return self._symbol(str(node.key))
        if isinstance(node, AND):
            return AllOf(tuple(self._convert(arg) for arg in node.args))
        if isinstance(node, OR):
            return AnyOf(tuple(self._convert(arg) for arg in node.args))
        return LicenseLeaf(None, str(node))

    def _symbol(self, key: str) -> LicenseLeaf:
        return LicenseLeaf(self.catalog.lookup(key), key)


def expression_of(reading: Reading, catalog: Catalog) -> LicenseExpr | None:
    """A recogniser's reading as an expression: its licenses (AND or OR), and every stated
    restriction AND-ed on, so no choice of license escapes restrictive wording."""
    if not reading.recognitions and not reading.restrictions:
        return None
    catalog_leaves = [_leaf(r, reading.text, catalog) for r in reading.recognitions]
    restrictions = [_leaf(r, reading.text, catalog) for r in reading.restrictions]
    chosen: list[LicenseExpr] = []
    if len(catalog_leaves) == 1:
        chosen = [catalog_leaves[0]]
    elif catalog_leaves:
        many = tuple(catalog_leaves)
        chosen = [AnyOf(many) if reading.combination is Combination.ANY else AllOf(many)]
    parts = [*chosen, *restrictions]
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _leaf(recognition: Recognition, text: str, catalog: Catalog) -> LicenseLeaf:
    # An uncatalogued license keeps the whole string read, so the finding can quote it; catalogued
    # ones keep the words that named them.
    license_ = catalog.licenses.get(recognition.license_id) if recognition.license_id is not None else None
    return LicenseLeaf(license_, recognition.quote if license_ is not None else text, recognition)


def unrecognised_term(raw: str) -> Term:
    """The term an unrecognised or missing license contributes: unknown, never allowed."""
    summary = f"license not recognised: {raw!r}" if raw else "no license declared"
    return Term(
        license_id=UNKNOWN_LICENSE_ID,
        id=f"unrecognised:{raw}" if raw else "missing",
        kind=TermKind.UNKNOWN,
        summary=summary,
        clause=None,
        source=None,
    )


def expression_terms(
    expr: LicenseExpr, verdict_of: Callable[[list[Term]], Effect], *, service: bool = False
) -> list[Term]:
    """The terms an artifact is bound by: AND unions, OR takes the best option for the use.

    A service's terms of use bind what it outputs. Declared by anything else (a dataset whose
    license is "OpenAI Terms of Use"), they say the artifact *is* that output: their output terms
    bind the artifact itself, as a `generated_by` edge to the service would make them."""
    match expr:
        case LicenseLeaf(license=None, raw=raw):
            return [unrecognised_term(raw)]
        case LicenseLeaf(license=license_):
            assert license_ is not None
            if service or license_.category is not Category.API_TERMS:
                return list(license_.terms)
            return [replace(t, scope=Scope.ARTIFACT) if t.scope is Scope.OUTPUTS else t for t in license_.terms]
        case AllOf(parts=parts):
            return [term for part in parts for term in expression_terms(part, verdict_of, service=service)]
        case AnyOf(options=options):
            candidates = [expression_terms(option, verdict_of, service=service) for option in options]
            return min(candidates, key=lambda terms: (verdict_of(terms).rank, len(terms)))
