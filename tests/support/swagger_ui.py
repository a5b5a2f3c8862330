"""Swagger UI used as a person uses it, in the offline browser of browser.py: "Authorize" with an
email and password (the OAuth2 password flow that the API description names), "Close", then
"Try it out" and "Execute" on an operation. Swagger UI sends the sign-in and the request itself,
wherever the page and its description send them: what the page shows is what is checked."""

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.support.browser import Visit, offline_page
from tests.support.http_client import request

if TYPE_CHECKING:
    from playwright.sync_api import Locator

TIMEOUT_MS = 30_000
# The DOM id of POST /api/items on the page: its tag, then its operation id (the same in every
# starter).
CREATE_ITEM = "operations-items-create_item"


@dataclass
class Execution:
    """The response panel of an operation run from the docs page, and the visit around it."""

    status: str
    body: str
    visit: Visit

    def json(self) -> Any:
        return json.loads(self.body)


def authorize_and_execute(
    docs_url: str, email: str, password: str, operation: str, body: Any
) -> Execution:
    """On the Swagger UI page at `docs_url`: sign in through "Authorize" (the password flow, the
    client credentials left empty), close the dialog, then run `operation` (its DOM id,
    `operations-<tag>-<operationId>`) with `body` as its JSON request body."""
    result = Visit()
    with offline_page(result) as page:
        page.goto(docs_url, wait_until="load")
        page.locator(".auth-wrapper .authorize").click(timeout=TIMEOUT_MS)
        dialog = page.locator(".dialog-ux .modal-ux")
        dialog.locator("#oauth_username").fill(email)
        dialog.locator("#oauth_password").fill(password)
        dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
        # Signed in: the dialog offers to sign out instead (else it shows the token's error).
        signed_in = dialog.get_by_role("button", name="Remove authorization")
        wait_or_fail(signed_in, dialog, "the sign-in was not accepted")
        dialog.locator(".btn-done").click()
        dialog.wait_for(state="detached")
        assert "locked" in (page.locator(".auth-wrapper .authorize").get_attribute("class") or "")

        block = page.locator(f"#{operation}")
        block.locator(".opblock-summary-control").click()
        block.locator(".try-out__btn").click()
        block.locator("textarea.body-param__text").fill(json.dumps(body))
        block.locator(".execute").click()
        answer = block.locator(".live-responses-table tbody tr.response")
        wait_or_fail(answer, block, "no server response was shown")
        status = answer.locator(".response-col_status").inner_text().strip()
        # The "Response body" (the response headers follow, without the code box).
        shown = answer.locator(".response-col_description .highlight-code .microlight").first
        body = shown.inner_text()
        result.text = page.inner_text("body")
    return Execution(status, body, result)


def wait_or_fail(target: "Locator", around: "Locator", what: str) -> None:
    """Waits for `target`; on a timeout, fails with what `around` shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        target.wait_for(timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"{what}; the page shows:\n{around.inner_text()}") from None


def check_signing_in_and_writing(base: str, email: str, password: str) -> None:
    """The account signs in through /docs and creates an item there: Swagger UI shows the 201,
    the item is in the API (read outside the browser, without a token), and the page asked no
    other host for anything and broke its Content-Security-Policy in no way."""
    new = {"name": f"From the docs {uuid.uuid4().hex[:8]}", "price": 4.5}
    done = authorize_and_execute(f"{base}/docs", email, password, CREATE_ITEM, new)
    assert done.visit.outside_requests == []
    assert done.visit.csp_violations == [], done.visit.csp_violations
    assert done.status == "201", (done.status, done.body)
    item = done.json()
    assert item == {"id": item["id"], **new}
    status, _, body = request("GET", f"{base}/api/items/{item['id']}", None, {"Authorization": ""})
    assert (status, json.loads(body)) == (200, item)
