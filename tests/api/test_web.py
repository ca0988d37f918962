"""The intake and review pages in a real browser: Debian's chromium, headless, via Playwright."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import corpus_docx, corpus_pdf

CHROMIUM = "/usr/bin/chromium"
KEY = "browser-test-key"
PASTED = ("We are a virtual biotech preparing our Phase 2 trial of a peptide for NASH.\n"
          "We need GMP manufacture of about 2 kg of the peptide API.\n"
          "Clinical monitoring is handled by our current CRO, so it is out of scope.")
PDF_TEXT = ("Request for proposal. We need a full-service CRO for our Phase 3 pivotal study: "
            "site monitoring, data management and biostatistics at 40 sites.")


def _fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _submit_pasted_text(page: Page, base: str, screenshot: Path) -> None:
    page.goto(base + "/")
    # Keys are on: the page asks for one, then loads the taxonomy with it.
    expect(page.locator("#key-panel")).to_be_visible()
    key = page.get_by_role("textbox", name="API key")
    key.fill(KEY)
    key.press("Tab")
    expect(page.locator("#declared-service-list input")).to_have_count(10)

    page.get_by_label("Title").fill("NASH peptide API")
    page.get_by_label("Request text").fill(PASTED)
    page.locator("#form-details summary").click()
    page.get_by_label("Clinical trial management").check()
    page.get_by_label("Development phase").fill("Phase 2")
    page.locator("#submit").focus()
    page.keyboard.press("Enter")  # the form works from the keyboard

    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Stored as request #1")
    expect(page.locator("#services")).to_contain_text("API manufacturing")
    expect(page.locator("#provider-type")).to_contain_text("CDMO")
    expect(page.locator("#provider-reasons li").first).to_contain_text("api manufacturing")
    expect(page.locator("#stage-value")).to_have_text("Early clinical")
    expect(page.locator("#disagreements")).to_contain_text(
        "requester ticked Clinical trial management")
    marks = page.locator("#highlighted mark")
    expect(marks.first).to_be_visible()
    marked = marks.all_inner_texts()
    assert any("2 kg of the peptide API" in m for m in marked)
    assert all(m in PASTED for m in marked)
    assert page.locator("#highlighted").inner_text() == PASTED  # the text itself, unaltered
    page.screenshot(path=str(screenshot), full_page=True)


def _submit_files(page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "rfp.pdf"
    pdf.write_bytes(corpus_pdf([PDF_TEXT]))
    docx = tmp_path / "scope.docx"
    docx.write_bytes(corpus_docx())  # asks for GMP manufacture of a peptide API
    page.get_by_label("Request text").fill("")
    page.get_by_label("Clinical trial management").uncheck()
    page.locator("#attachments").set_input_files([str(pdf), str(docx)])
    expect(page.locator("#file-list li")).to_have_count(2)
    page.locator("#submit").click()
    expect(page.locator("#status")).to_contain_text("Stored as request #2")
    services = page.locator("#services")
    expect(services).to_contain_text("Clinical trial management")
    expect(services).to_contain_text("API manufacturing")
    expect(services).to_contain_text("rfp.pdf#page=1")
    expect(services).to_contain_text("scope.docx")
    expect(page.locator("#provider-type")).to_contain_text("CRDMO")
    expect(page.locator("#highlight-panel")).to_be_hidden()


def _review_the_first_request(page: Page, base: str) -> None:
    page.goto(base + "/review")
    rows = page.locator("#requests tbody tr")
    expect(rows).to_have_count(2)  # both await review
    page.locator("button[data-open='1']").click()
    expect(page.locator("#detail-heading")).to_have_text("Request #1: NASH peptide API")
    expect(page.locator("#detail-text mark").first).to_be_visible()
    detail = page.locator("#detail")
    expect(detail.get_by_label("API manufacturing")).to_be_checked()
    # Ticking a research-side service suggests CRDMO; unticking it goes back to CDMO.
    detail.get_by_label("Bioanalytical services").check()
    expect(page.locator("#review-provider")).to_have_value("CRDMO")
    detail.get_by_label("Bioanalytical services").uncheck()
    detail.get_by_label("API manufacturing").uncheck()
    detail.get_by_label("Drug product manufacturing").check()
    expect(page.locator("#review-provider")).to_have_value("CDMO")
    detail.get_by_label("Stage").select_option("late_clinical")
    page.get_by_label("Reviewer").fill("qa.reviewer@bd.example")
    page.locator("#save-review").click()
    expect(page.locator("#review-status")).to_contain_text("Saved: corrected by qa.reviewer@bd.example")
    expect(rows).to_have_count(1)  # the reviewed one left the "awaiting review" list

    stored = httpx.get(f"{base}/v1/requests/1", headers={"X-API-Key": KEY}, timeout=10).json()
    assert stored["review"]["reviewed_by"] == "qa.reviewer@bd.example"
    assert stored["labels"] == {"services": ["drug_product_manufacturing"],
                                "provider_type": "CDMO", "stage": "late_clinical"}


@pytest.mark.slow
def test_intake_and_review_pages_in_chromium(serve, tmp_path):
    assert Path(CHROMIUM).exists(), "install Debian's chromium (.ci/run does)"
    base = serve(RFP_API_KEYS=KEY)
    screenshot = tmp_path / "screenshot-intake.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            _submit_pasted_text(page, base, screenshot)
            _submit_files(page, tmp_path)
            _review_the_first_request(page, base)

            narrow = browser.new_page(viewport={"width": 360, "height": 740})
            for path in ("/", "/review"):
                narrow.goto(base + path)
                expect(narrow.locator("h1")).to_be_visible()
                assert _fits_the_screen(narrow), path
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
