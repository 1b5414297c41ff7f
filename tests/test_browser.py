"""The Streamlit page in a real browser: `streamlit run ui/app.py` on 127.0.0.1, driven by
headless Debian chromium (/usr/bin/chromium, installed with apt by scripts/test.sh) through
Playwright. Skipped when chromium is missing; never downloads a browser.

The chat test follows the page's contract: an ``st.chat_input`` whose placeholder starts
"Ask about the reports"; the answer in an assistant ``st.chat_message``; each citation in an
``st.expander`` labelled ``[n] <citation label>``.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_MISSING

# Skip before the session fixtures ingest the corpus and start Streamlit (browser_page
# skips too, but it is set up after them).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="playwright is not installed: pip install -r requirements.txt"),
]

OUTPUT = Path(__file__).resolve().parent / "output"  # screenshots kept for a human to look at

APP = '[data-testid="stApp"]'
CHAT_INPUT = 'textarea[data-testid="stChatInputTextArea"]'
CHAT_MESSAGE = '[data-testid="stChatMessage"]'
EXPANDER = '[data-testid="stExpander"]'
RUNNING = '[data-testid="stStatusWidget"]'  # Streamlit's "Running..." indicator, gone when a run ends

ANSWER_TIMEOUT = 120_000  # ms: the first question loads the embedding model


def open_app(page, url: str) -> None:
    """Load the page and wait for Streamlit to render the script's output."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(APP, state="attached")
    page.wait_for_selector(f"{APP} h1", state="visible")


def test_the_page_loads(streamlit_app, browser_page, tmp_path):
    page = browser_page
    open_app(page, streamlit_app)
    page.wait_for_function("document.title && document.title !== 'Streamlit'")
    heading = page.locator(f"{APP} h1").first.inner_text()
    assert "inspection" in f"{page.title()} {heading}".lower(), (page.title(), heading)

    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0


def test_a_question_is_answered_with_visible_citations(streamlit_app, browser_page, tmp_path):
    page = browser_page
    open_app(page, streamlit_app)

    box = page.locator(CHAT_INPUT)
    box.wait_for(state="visible")
    assert (box.get_attribute("placeholder") or "").startswith("Ask about the reports")
    box.fill("What grade did Ofsted give Dorset for being healthy in 2011?")
    box.press("Enter")

    # The question does not contain "adequate", so this is the assistant's message.
    answer = page.locator(CHAT_MESSAGE).filter(has_text=re.compile("adequate", re.I))
    answer.first.wait_for(state="visible", timeout=ANSWER_TIMEOUT)

    citation = page.locator(EXPANDER).filter(has_text="Ofsted, Dorset 2011, Being healthy grade")
    citation.first.wait_for(state="visible", timeout=ANSWER_TIMEOUT)
    # The summary's text also holds the arrow icon's ligature name (keyboard_arrow_right).
    label = citation.first.locator("summary").first.inner_text()
    assert any(re.match(r"\[\d+\] Ofsted, Dorset 2011, Being healthy grade", line.strip())
               for line in label.splitlines()), label

    page.locator(RUNNING).wait_for(state="hidden", timeout=ANSWER_TIMEOUT)
    # Opened, the citation shows the paragraph and the reference to paste.
    citation.first.locator("summary").first.click()
    source = "Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, Being healthy grade"
    citation.first.get_by_text(source).wait_for(state="visible")
    page.wait_for_timeout(1000)  # the expander's opening animation, for the screenshot only
    shot = tmp_path / "answer.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    OUTPUT.mkdir(exist_ok=True)
    shutil.copyfile(shot, OUTPUT / "answer.png")

    # "New conversation" clears the chat (and the history the next question is read with).
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_function(f"document.querySelectorAll('{CHAT_MESSAGE}').length === 0", timeout=ANSWER_TIMEOUT)
    page.locator(CHAT_INPUT).wait_for(state="visible")
