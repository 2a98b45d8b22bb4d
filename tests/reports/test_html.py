"""The HTML report, checked as text and in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from licaudit.pipeline import TraceResult
from licaudit.reports.html import render_html
from tests.reports.conftest import ARTIFACTS, HOSTILE_ID, HOSTILE_LICENSE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_the_page_is_self_contained(alpaca: TraceResult) -> None:
    html = render_html(alpaca, "commercial")
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", html, re.IGNORECASE)
    assert "default-src 'none'" in html  # the CSP forbids any fetch
    assert html.count("<script") == 2  # the data (JSON, inert) and the report's own script


def test_hostile_text_is_escaped_in_the_markup(hostile: TraceResult) -> None:
    html = render_html(hostile, "commercial")
    assert "<script>alert" not in html and "<img src=x" not in html and "</script><img" not in html
    assert "\x01" not in html and "\x1b" not in html
    assert "org/evil&lt;b&gt;&amp;&quot;&#x27;x" in html  # the SVG label


def test_the_report_is_deterministic(alpaca: TraceResult) -> None:
    assert render_html(alpaca, "commercial") == render_html(alpaca, "commercial")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium with apt")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


class LoadedPage:
    """A report opened in the browser, with every console error, page error, dialog and request kept."""

    def __init__(self, context: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=15_000)

    def network(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]


def _open(context: Any, result: TraceResult, name: str, tmp_path: Path) -> LoadedPage:
    path = tmp_path / f"{name}.html"
    path.write_text(render_html(result, "commercial"), encoding="utf-8")
    return LoadedPage(context, path)


def _screenshot(loaded: LoadedPage, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    loaded.page.screenshot(path=str(ARTIFACTS / f"html-{name}.png"), full_page=True)
    assert (ARTIFACTS / f"html-{name}.png").stat().st_size > 10_000


def test_alpaca_report_in_chromium(browser: Any, alpaca: TraceResult, tmp_path: Path) -> None:
    loaded = _open(browser, alpaca, "alpaca", tmp_path)
    page = loaded.page
    labels = page.eval_on_selector_all("g.node", "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert sorted(labels) == alpaca.graph.artifacts()
    assert page.locator("#verdict-panel .verdict-card[data-use=commercial] .badge").first.text_content() == "forbidden"
    page.locator("g.node[aria-label='facebookresearch/llama-7b']").click()
    details = page.locator("#details")
    assert page.locator("#details-title").text_content() == "facebookresearch/llama-7b"
    text = details.text_content() or ""
    assert "LicenseRef-LLaMA-1-Research" in text and "solely for your non-commercial research purposes" in text
    assert "tatsu-lab/alpaca-7b-wdiff" not in text or "weight_diff" in text
    assert page.locator("g.node[aria-label='facebookresearch/llama-7b'].selected").count() == 1
    _screenshot(loaded, "alpaca")
    assert loaded.errors == [] and loaded.dialogs == [] and loaded.network() == []


def test_hostile_report_runs_no_injected_script(browser: Any, hostile: TraceResult, tmp_path: Path) -> None:
    loaded = _open(browser, hostile, "hostile", tmp_path)
    page = loaded.page
    page.locator("g.node.target").click()
    page.locator("#details a", has_text=HOSTILE_ID).first.click()  # follow the link to the hostile parent
    assert page.locator("#details-title").text_content() == HOSTILE_ID
    assert HOSTILE_LICENSE in (page.locator("#details").text_content() or "")  # shown as text, not markup
    assert page.locator("#details img, #details script").count() == 0
    assert page.locator("g.node").count() == len(hostile.graph)  # the cycle and the unresolved parent drawn
    _screenshot(loaded, "hostile")
    assert loaded.errors == [] and loaded.dialogs == [] and loaded.network() == []


def test_500_node_report_collapses_filters_and_zooms(browser: Any, big: TraceResult, tmp_path: Path) -> None:
    loaded = _open(browser, big, "big", tmp_path)
    page = loaded.page
    assert page.locator("g.node").count() == 500
    hidden = page.locator("g.node.hidden").count()
    assert hidden > 400  # opened collapsed beyond the target's parents
    page.locator("#expand-all").click()
    assert page.locator("g.node.hidden").count() == 0
    page.fill("#search", "org/model-1")
    shown = page.locator("#match-count").text_content() or ""
    assert shown.startswith("111 of 500")  # model-1, model-10..19, model-100..199
    page.fill("#search", "")
    before = page.locator("#viewport").get_attribute("transform")
    page.locator("#zoom-in").click()
    assert page.locator("#viewport").get_attribute("transform") != before
    page.locator("#zoom-fit").click()
    page.locator("g.node.target").click()
    page.locator("#collapse-toggle").click()
    assert page.locator("g.node.hidden").count() == 499
    page.locator("#collapse-toggle").click()
    page.locator("#zoom-fit").click()
    assert page.evaluate("document.body.scrollHeight") < 3000  # findings fold away instead of growing the page
    page.locator("g.node[aria-label='org/model-1']").click()
    assert page.locator("#details-title").text_content() == "org/model-1"
    _screenshot(loaded, "big")
    assert loaded.errors == [] and loaded.dialogs == [] and loaded.network() == []
