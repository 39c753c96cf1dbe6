"""report.html in a real headless browser: it renders, shows its figures, and fetches nothing.

Uses Debian's chromium (/usr/bin/chromium) through playwright; never `playwright install`.
Without that browser the test is skipped, saying why, except under CI=true, where it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, Request, Route, async_playwright
from report_builders import calibrated_run

from auditor.report import build_report
from tests.needs import missing
from tests.targets.benchmark_helpers import run_benchmark

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def chromium() -> None:
    if not CHROMIUM.exists():
        missing(f"the browser {CHROMIUM} to open report.html in", "apt-get install chromium")


@contextlib.asynccontextmanager
async def opened(html: Path) -> AsyncIterator[Page]:
    """`html` in headless Chromium; on leaving, nothing was fetched from outside and nothing failed."""
    outside: list[str] = []
    problems: list[str] = []

    async def guard(route: Route, request: Request) -> None:
        if request.url.startswith(("file:", "data:")):
            await route.continue_()
        else:
            outside.append(request.url)
            await route.abort()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            await page.route("**/*", guard)
            await page.goto(html.as_uri(), wait_until="load")
            yield page
        finally:
            await browser.close()

    assert outside == [], f"report.html tried to fetch: {outside}"
    assert problems == [], problems


async def assert_laid_out(page: Page, min_tables: int) -> None:
    """Every heading visible, every table drawn with a size, every figure loaded."""
    for heading in await page.locator("h1, h2").all():
        assert await heading.is_visible()
    tables = page.locator("table")
    assert await tables.count() >= min_tables
    for table in await tables.all():
        box = await table.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    widths = await page.locator("img").evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths


async def test_report_html_renders_offline_with_every_figure(tmp_path: Path) -> None:
    run, calibration = calibrated_run(tmp_path)
    report = await build_report(run, calibration_dir=calibration)
    async with opened(report.html) as page:
        assert await page.title() == "Audit report: seller-test"
        headings = await page.locator("h2").all_inner_texts()
        assert headings == [
            "Summary",
            "Scope",
            "Results per criterion",
            "Calibration against human labels",
            "Regulatory risk",
            "Findings",
            "Recommendations",
            "Notes on this report",
            "Appendix: evidence",
        ]
        await assert_laid_out(page, min_tables=10)
        assert await page.locator("img").count() == 5
        critical = page.locator("article.finding .badge.critical")
        assert await critical.count() == 1  # the card and the IBAN leak: one finding
        assert "<CREDIT_CARD>" in await page.locator("#evidence").inner_text()


async def test_the_benchmark_report_opens_with_the_go_no_go_table(tmp_path: Path) -> None:
    benchmark = await asyncio.to_thread(run_benchmark, tmp_path)
    async with opened(benchmark.run / "report.html") as page:
        headings = await page.locator("h2").all_inner_texts()
        assert headings[0] == "Go / no-go: no-go" and headings[1] == "Summary"
        assert "Comparison against the baseline" in headings
        await assert_laid_out(page, min_tables=6)
        first_table = page.locator("table").first
        assert await first_table.is_visible()
        assert "FAIL" in await first_table.inner_text()
        # The go/no-go table comes before every other section on the page.
        go_box = await first_table.bounding_box()
        summary_box = await page.locator("h2", has_text="Summary").bounding_box()
        assert go_box is not None and summary_box is not None and go_box["y"] < summary_box["y"]
