"""The real page in headless Chromium: paste, submit, read the result; a script in the email is
shown as text and never run.

Uses Debian's chromium (apt-get install chromium) through the Python playwright package; no
browser is ever downloaded. Skipped when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline Chromium: no GPU, no sandbox (containers), no calls home for updates or sync.
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
EMAIL = (
    "Hi Sam,\n\n"
    "Thanks for interviewing with us. We will get back to you by Friday.\n"
    '<script>window.pwned = 1; document.title = "pwned"</script>\n'
    '<img src=x onerror="window.pwned = 2">\n\n'
    "Best,\nAnn"
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The app under uvicorn on a free localhost port, in a thread of this process."""
    uvicorn = pytest.importorskip("uvicorn")
    from nextsteps.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server_url: str):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_pasted_email_is_interpreted_and_its_script_is_shown_as_text_not_run(
    page, server_url: str
) -> None:
    page.goto(server_url + "/")
    title = page.title()
    page.fill("textarea[name=text]", EMAIL)
    page.fill("input[name=sent_at]", "2025-10-14T09:00")
    page.click("button[type=submit]")
    page.wait_for_selector("#result")

    assert page.inner_text("#label") == "clear timeline"
    assert page.inner_text("#follow-up") == "Tue 21 Oct 2025"
    evidence = "".join(page.locator("#message mark.evidence").all_inner_texts())
    assert "We will get back to you by Friday." in evidence
    message = page.inner_text("#message")
    assert '<script>window.pwned = 1; document.title = "pwned"</script>' in message
    assert '<img src=x onerror="window.pwned = 2">' in message
    assert page.evaluate("window.pwned") is None
    assert page.title() == title
    assert page.locator("#message script, #message img").count() == 0
    assert page.is_visible("button[data-copy=draft]")  # page.js ran: the page's own script does
