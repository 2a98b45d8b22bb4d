"""Attribution notices: built from the terms data, per upstream artifact, in text and Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from licaudit.knowledge import load_knowledge
from licaudit.pipeline import TraceResult, TraceSettings, trace
from licaudit.reports.notice import notice_entries, render_notice_markdown, render_notice_text
from tests.reports.conftest import HOSTILE_ID
from tests.reports.golden import assert_golden


@pytest.fixture(scope="module")
def shipped_trace() -> object:
    knowledge = load_knowledge()
    return lambda target: trace(target, TraceSettings(), knowledge)


def test_llama2_notice_text_comes_from_the_license_file(shipped_trace) -> None:
    result = shipped_trace("lmsys/vicuna-13b-v1.5")
    text = render_notice_text(result)
    clause = next(
        t.clause
        for t in result.knowledge.catalog.licenses["LicenseRef-Llama-2-Community"].terms
        if t.id == "notice-file"
    )
    assert clause is not None and clause.startswith("Llama 2 is licensed under the LLAMA 2 Community License")
    assert f'"{clause}"' in text
    assert "meta-llama/Llama-2-13b -finetune-> lmsys/vicuna-13b-v1.5" in text
    assert "UNKNOWN LICENSES" in text and "ShareGPT_Vicuna_unfiltered" in text  # its notices cannot be listed


def test_llama3_requires_built_with_display_and_naming(shipped_trace) -> None:
    text = render_notice_text(shipped_trace("meta-llama/Meta-Llama-3-8B-Instruct"))
    assert "Built with Meta Llama 3" in text
    assert "Display:" in text and "Naming:" in text


def test_every_notice_duty_names_its_artifact_license_and_source(alpaca: TraceResult) -> None:
    entries = notice_entries(alpaca)
    assert entries[0].artifact == "tatsu-lab/alpaca-7b-wdiff"  # the traced artifact first
    assert {e.artifact for e in entries} >= {"facebookresearch/llama-7b", "datasets/tatsu-lab/alpaca"}
    for entry in entries:
        assert entry.license is not None and entry.duties
        assert all(d.term.license_id == entry.license.id for d in entry.duties)


def test_alpaca_golden_text_and_markdown(alpaca: TraceResult) -> None:
    assert_golden("alpaca.notice.txt", render_notice_text(alpaca))
    assert_golden("alpaca.notice.md", render_notice_markdown(alpaca))


def test_hostile_text_is_inert_in_markdown(hostile: TraceResult) -> None:
    markdown = render_notice_markdown(hostile)
    assert "<script" not in markdown and "<img" not in markdown and "\x1b" not in markdown
    text = render_notice_text(hostile)
    assert "\x1b" not in text and "\x01" not in text
    assert HOSTILE_ID.split("<")[0] in text  # named among the unknown licenses


def test_notice_for_an_artifact_without_duties_says_so(world, tmp_path: Path) -> None:
    from tests.conftest import record

    knowledge = world([record("org/free", "other")])
    text = render_notice_text(trace("org/free", TraceSettings(), knowledge))
    assert "No license in the traced lineage requires" in text and "org/free" in text
