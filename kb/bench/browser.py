"""The app as a doctor sees it: `streamlit run app.py` on a localhost port, driven by headless Chromium.

Shared by the browser test (behaviour) and `python -m kb.bench app` (timings). Needs Debian's Chromium
(`apt-get install -y chromium chromium-driver`) and Playwright's Python package, pointed at it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.bench.servers import free_port, stop_process, wait_until_serving
from kb.config import ROOT
from kb.errors import AppError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
END_OF_ANSWER = "pas un conseil juridique"  # the disclaimer closes every answer that is not a refusal


@contextmanager
def app_server(env: dict[str, str], log: Path, timeout: float = 120, script: Path = ROOT / "app.py") -> Iterator[str]:
    """`streamlit run app.py` on a free localhost port with `env` added; yields its URL, then stops it."""
    port = free_port()
    full_env = {**os.environ, **env}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving("streamlit run", f"{url}/_stcore/health", process, log, timeout)
        yield url
    finally:
        stop_process(process)


@contextmanager
def chromium():
    """A headless Chromium browser (Playwright), closed afterwards."""
    if not CHROMIUM.exists():
        raise AppError(f"{CHROMIUM} introuvable : installer Chromium avec "
                       "`apt-get update && apt-get install -y chromium chromium-driver`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(browser, url: str, height: int = 2400):
    """A new page on the app; returns (page, seconds until the chat input is ready)."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    started = time.perf_counter()
    page.goto(url)
    page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=180_000)
    return page, time.perf_counter() - started


def ask(page, question: str, answers_before: int) -> float:
    """Type a question, press Enter, wait until its answer is drawn; seconds from Enter to the answer."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.get_by_text(END_OF_ANSWER).nth(answers_before).wait_for(state="visible", timeout=60_000)
    return time.perf_counter() - started
