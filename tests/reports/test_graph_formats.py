"""GraphML, DOT and Mermaid: parseable, every node with license and verdicts, every edge with its relation."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pydot
import pytest

from licaudit.pipeline import TraceResult
from licaudit.reports.dot import render_dot
from licaudit.reports.graphml import render_graphml
from licaudit.reports.mermaid import render_mermaid
from tests.reports.conftest import HOSTILE_ID
from tests.reports.golden import assert_golden

WORLDS = ["alpaca", "hostile", "big"]
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's parser uses old pyparsing names


@pytest.mark.parametrize("name", WORLDS)
def test_graphml_reads_back_with_every_node_and_edge(name: str, request: pytest.FixtureRequest) -> None:
    result: TraceResult = request.getfixturevalue(name)
    text = render_graphml(result)
    ET.fromstring(text.encode("utf-8"))  # noqa: S314  (our own output) well-formed even with markup in names
    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    assert set(graph.nodes) == set(result.graph.artifacts())
    assert graph.number_of_edges() == len(result.graph.edges())
    for artifact in result.graph.artifacts():
        node = graph.nodes[artifact]
        assert node["verdict_commercial"] == result.verdicts["commercial"][artifact].verdict.value
        assert "license" in node
    assert {d["relation"] for _, _, d in graph.edges(data=True)} == {e.relation.value for e in result.graph.edges()}


def graphviz_counts(text: str, tmp_path: Path) -> tuple[int, int]:
    """Nodes and edges as Graphviz itself parses them (`gc`); a syntax error fails."""
    if shutil.which("gc") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz (`gc`) is missing: .ci/run installs it with apt")
        pytest.skip("Graphviz not installed")
    path = tmp_path / "lineage.dot"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(["gc", "-n", "-e", str(path)], capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    nodes, edges = run.stdout.split()[:2]
    return int(nodes), int(edges)


@pytest.mark.parametrize("name", WORLDS)
def test_graphviz_reads_the_dot_with_every_node_and_edge(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    result: TraceResult = request.getfixturevalue(name)
    assert graphviz_counts(render_dot(result, "commercial"), tmp_path) == (len(result.graph), len(result.graph.edges()))


@pytest.mark.parametrize("name", ["alpaca", "hostile"])  # pydot's parser is slow on 500 nodes; Graphviz covers them
def test_dot_attributes_read_back(name: str, request: pytest.FixtureRequest) -> None:
    result: TraceResult = request.getfixturevalue(name)
    (graph,) = pydot.graph_from_dot_data(render_dot(result, "commercial"))
    nodes = [n for n in graph.get_nodes() if n.get_name() not in ("node", "edge", "graph")]
    assert len(nodes) == len(result.graph)
    assert len(graph.get_edges()) == len(result.graph.edges())
    assert all(n.get("verdict_commercial") and n.get("license") for n in nodes)


def test_dot_quotes_hostile_names(hostile: TraceResult) -> None:
    text = render_dot(hostile, "commercial")
    assert '"org/evil<b>&\\"\'x"' in text
    assert "\x01" not in text and "\x1b" not in text


MERMAID_LINE = re.compile(
    r'^  (?:classDef \w+ [\w:#,.-]+|class n\d+ target|n\d+\["[^"\n]*"\]:::\w+|n\d+ -->\|"[^"\n]*"\| n\d+)$'
)


@pytest.mark.parametrize("name", WORLDS)
def test_mermaid_lines_follow_the_grammar_and_cover_the_graph(name: str, request: pytest.FixtureRequest) -> None:
    result: TraceResult = request.getfixturevalue(name)
    lines = render_mermaid(result, "commercial").splitlines()
    assert lines[0] == "flowchart TB"
    bad = [line for line in lines[1:] if not MERMAID_LINE.match(line)]
    assert bad == []
    assert sum(":::" in line for line in lines) == len(result.graph)
    assert sum("-->" in line for line in lines) == len(result.graph.edges())


def test_mermaid_escapes_markup(hostile: TraceResult) -> None:
    text = render_mermaid(hostile, "commercial")
    assert "<b>" not in text and '&"' not in text
    assert "org/evil#60;b#62;#38;#34;#39;x" in text


def test_alpaca_goldens(alpaca: TraceResult) -> None:
    assert_golden("alpaca.graphml", render_graphml(alpaca))
    assert_golden("alpaca.dot", render_dot(alpaca, "commercial"))
    assert_golden("alpaca.mmd", render_mermaid(alpaca, "commercial"))


def test_cycle_is_exported(hostile: TraceResult) -> None:
    text = render_graphml(hostile)
    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    assert graph.has_edge("org/loop-a", "org/loop-b") and graph.has_edge("org/loop-b", "org/loop-a")
    assert HOSTILE_ID in graph
