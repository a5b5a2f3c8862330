"""Headless Chromium (the Debian package `chromium`), driven by Playwright, cut off from every
host but 127.0.0.1: a page works offline only if everything it loads comes from the app."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Below Playwright's blocking, a second wall: no name resolves but the loopback address.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# What a starter's docs pages (Swagger UI, ReDoc) show once its OpenAPI description is loaded.
ITEM_OPERATIONS = ["List Items", "Create Item", "Get Item", "Delete Item"]
# Collects the Content-Security-Policy violations of the page, from its first script on.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class Visit:
    """What a page showed, and what it tried that was refused."""

    text: str = ""
    outside_requests: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def chromium() -> Path:
    """The browser; a clear failure (never a skip) when it is missing."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install the Debian package chromium "
            "(apt-get install chromium; scripts/test does it when run as root)."
        )
    return CHROMIUM


@contextmanager
def offline_page(result: Visit) -> Iterator["Page"]:
    """A new page of the browser, cut off from every host but 127.0.0.1 (`result` notes what it
    tried elsewhere, and its console errors); once the block ends, `result` holds the
    Content-Security-Policy violations of the page it was left on."""
    from playwright.sync_api import Route, sync_playwright

    def only_loopback(route: Route) -> None:
        address = route.request.url
        if urlsplit(address).hostname == "127.0.0.1" or address.startswith(("data:", "blob:")):
            route.continue_()
        else:
            result.outside_requests.append(address)
            route.abort()

    with (
        tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium()),
            headless=True,
            args=FLAGS,
            env={**os.environ, "HOME": profile},
        )
        try:
            context.route("**/*", only_loopback)
            context.add_init_script(RECORD_CSP_VIOLATIONS)
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    result.console_errors.append(message.text) if message.type == "error" else None
                ),
            )
            yield page
            result.csp_violations = page.evaluate("window.__cspViolations")
        finally:
            context.close()


def visit(url: str, expected_texts: list[str], timeout_ms: float = 30_000) -> Visit:
    """Open `url` and wait until the page shows every one of `expected_texts`."""
    result = Visit()
    with offline_page(result) as page:
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "texts => texts.every(text => document.body.innerText.includes(text))",
            arg=expected_texts,
            timeout=timeout_ms,
        )
        page.wait_for_load_state("networkidle")
        result.text = page.inner_text("body")
    return result


def visit_offline(
    url: str, expected_texts: list[str], allowed_violations: frozenset[str] = frozenset()
) -> Visit:
    """`visit`, and the page loaded nothing from another host and broke its
    Content-Security-Policy in no way but `allowed_violations`."""
    shown = visit(url, expected_texts)
    assert shown.outside_requests == []
    assert set(shown.csp_violations) <= allowed_violations, shown.csp_violations
    return shown
