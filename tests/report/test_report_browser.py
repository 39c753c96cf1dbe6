"""report.html in a real headless browser: it renders, shows its figures, and fetches nothing.

Uses Debian's chromium (/usr/bin/chromium) through playwright; never `playwright install`.
Without that browser the test is skipped, saying why, except under CI=true, where it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Request, Route, async_playwright
from report_builders import calibrated_run

from auditor.report import build_report
from tests.needs import missing

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


async def test_report_html_renders_offline_with_every_figure(tmp_path: Path) -> None:
    run, calibration = calibrated_run(tmp_path)
    report = await build_report(run, calibration_dir=calibration)
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
            await page.goto(report.html.as_uri(), wait_until="load")

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
            for heading in await page.locator("h1, h2").all():
                assert await heading.is_visible()
            tables = page.locator("table")
            assert await tables.count() >= 10
            for table in await tables.all():
                box = await table.bounding_box()
                assert box is not None and box["width"] > 0 and box["height"] > 0
            images = page.locator("img")
            assert await images.count() == 5
            widths = await images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
            assert all(w > 0 for w in widths), widths
            critical = page.locator("article.finding .badge.critical")
            assert await critical.count() == 1  # the card and the IBAN leak: one finding
            assert "<CREDIT_CARD>" in await page.locator("#evidence").inner_text()
        finally:
            await browser.close()

    assert outside == [], f"report.html tried to fetch: {outside}"
    assert problems == [], problems
