"""License expressions: messy card strings and SPDX expressions mapped onto the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from licaudit.terms.catalog import Catalog, License, Term
from licaudit.terms.vocabulary import Effect, TermKind

# license-expression is imported lazily: only strings the catalog does not know need parsing.
_SPLIT_LIST = re.compile(r"\s*[,;]\s*")
UNKNOWN_LICENSE_ID = "LicenseRef-licaudit-unrecognised"


@dataclass(frozen=True)
class LicenseLeaf:
    """One license: catalogued, or unrecognised with the raw text kept."""

    license: License | None
    raw: str


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
    """Maps card values (string, list, SPDX expression, junk) to `LicenseExpr`, memoised."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._parse_text = lru_cache(maxsize=65536)(self._parse_text_uncached)

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
        if parsed is not None:
            return parsed
        pieces = [p for p in _SPLIT_LIST.split(text) if p]
        if len(pieces) > 1:
            return AllOf(tuple(self._parse_text(p) for p in pieces))
        return LicenseLeaf(None, text)

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


def expression_terms(expr: LicenseExpr, verdict_of: Callable[[list[Term]], Effect]) -> list[Term]:
    """The terms an artifact is bound by: AND unions, OR takes the best option for the use."""
    match expr:
        case LicenseLeaf(license=None, raw=raw):
            return [unrecognised_term(raw)]
        case LicenseLeaf(license=license_):
            assert license_ is not None
            return list(license_.terms)
        case AllOf(parts=parts):
            return [term for part in parts for term in expression_terms(part, verdict_of)]
        case AnyOf(options=options):
            candidates = [expression_terms(option, verdict_of) for option in options]
            return min(candidates, key=lambda terms: (verdict_of(terms).rank, len(terms)))
