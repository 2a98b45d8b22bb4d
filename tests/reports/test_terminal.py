"""The trace's text report: a compact verdict, the lineage, and clauses only with --explain."""

from __future__ import annotations

import io

from rich.console import Console

from licaudit.pipeline import TraceResult
from licaudit.reports.terminal import render_terminal
from tests.reports.golden import assert_golden


def rendered(result: TraceResult, use: str, explain: bool = False) -> str:
    """As a CI log receives it: 80 columns, no terminal, no colour."""
    buffer = io.StringIO()
    render_terminal(result, Console(file=buffer, width=80, no_color=True, force_terminal=False), use, explain)
    return buffer.getvalue()


def test_alpaca_trace_is_compact_and_each_license_is_named_once_per_path(alpaca: TraceResult) -> None:
    text = rendered(alpaca, "commercial")
    assert_golden("alpaca.trace.txt", text)
    lines = text.splitlines()
    assert lines[0] == "tatsu-lab/alpaca-7b-wdiff [model] CC-BY-NC-4.0: commercial FORBIDDEN  (stance strict)"
    reasons = [line for line in lines if line.startswith(("  forbidden ", "  conditional "))]
    assert len({(line.split()[0], line.split()[1]) for line in reasons}) == len(reasons)  # no license repeated
    assert len(lines) < 25 and "“" not in text  # no clauses without --explain


def test_explain_adds_each_clause_once_with_its_source(alpaca: TraceResult) -> None:
    text = rendered(alpaca, "commercial", explain=True)
    assert_golden("alpaca.trace-explain.txt", text)
    clauses = [line for line in text.splitlines() if line.lstrip().startswith("“")]
    assert clauses and len(clauses) == len(set(clauses))
    assert "source: https://creativecommons.org/licenses/by-nc/4.0/legalcode.en#s2a1" in text


def test_hostile_names_are_escaped_in_the_compact_report(hostile: TraceResult) -> None:
    text = rendered(hostile, "commercial", explain=True)
    assert "\x1b" not in text and "\x01" not in text
