"""One API contract, every starter: the same table of requests, each with the answer the contract
fixes (status, content type, body, headers), sent to the production server of FastAPI, Flask with
each validation choice (pydantic, marshmallow, none), and the hybrid (its FastAPI app, and its
Flask app under /legacy), in each error format. One server per variant; every case against it.

The contract, decided once (docs/generated-project.md, "The API contract"): strict types (a
string or a boolean is not a price, an integer is); names trimmed, then 1 to 100 characters
without control characters; a body only as `application/json` (else 415); HEAD wherever GET is;
no Content-Type on a 204; no Server header; one CORS policy; 400 for malformed or too deeply
nested JSON; 422 with the same `errors` entries (`loc`, `msg`, `type`, in Pydantic's words);
ids and `after` within the id column's range, a 422 beyond it, whatever the number (never a 500),
and spelled as Pydantic reads an integer from text (`01`, `+1`, `1_0`, `1.0`; not `1e0`, nor
digits other than ASCII's).
And the server's limits: lists in pages (`?limit=N&after=ID`, `{"items": [...], "next": ...}`),
writes over WRITE_RATE_LIMIT a 429 with `Retry-After`, the security headers and `Cache-Control:
no-store` on every answer, `/ready` beside `/health`; a route that raises a 500 that names no
cause, whose traceback the log holds once (in the hybrid, on either side; its /health then a 503).
With auth=apikey, the same contract for a client with a key, and for one without: open reads, and
writes refused with a 401 that names the scheme in `WWW-Authenticate` (AUTH_CASES). With auth=jwt
(an API's default, so CASES run with an access token too): signing in, refresh rotation, reuse,
signing out, the writes' 401s for a missing, expired or tampered bearer token, and the 429 of
failed sign-ins, alike everywhere; and the docs page's "Authorize" signs in and writes through
Swagger UI, offline.
With auth=session (pages on): the whole table with a signed-in session's cookie and CSRF token,
the writes' 401 (the cookie challenge) and 403 (no or a wrong CSRF token), signing in on the
/login page (its cookie's attributes, one answer for a wrong password and an unknown email, the
login form's own CSRF token, the 429), and signing out, which kills the cookie.

To check a new rule in every starter, add a Case to CASES (or LEGACY_CASES for the hybrid's
Flask app, RATE_LIMITED_CASES for a server that limits writes): cases run in order, on a fresh
app.

Known differences: Flask answers OPTIONS on every route by itself (a 200, where FastAPI answers
a 405), so its `Allow` header names OPTIONS beside the methods of the contract (normalised here);
and Werkzeug reads a path's leading slashes as one (`//api/items` is `/api/items`, and the
hybrid's `/legacy//hello` is the Flask app's `/hello`), where Starlette finds no route (a 404)."""

import base64
import hashlib
import hmac
import itertools
import json
import re
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

import pytest

from tests.support.apps import FAILING_APP, FAILING_HYBRID_APP, serve_script
from tests.support.http_client import BROWSER_ACCEPT, post_chunked
from tests.support.http_client import request as http_request
from tests.support.projects import project_env, python
from tests.support.servers import running, send_plain, set_cookies, sign_in_page
from tests.support.swagger_ui import check_signing_in_and_writing
from tests.support.template import Render

pytestmark = pytest.mark.slow

MAX_BODY_BYTES = 8192
ORIGIN = "https://app.example"
ENVIRONMENT = {
    "SECRET_KEY": "stackwise-contract-test",
    "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    "CORS_ORIGINS": ORIGIN,
    "WRITE_RATE_LIMIT": "",  # CASES write many times; RATE_LIMITED_CASES run with a limit
}
WRITE_RATE_LIMIT = "2/minute"
JSON = "application/json"
PROBLEM = "application/problem+json"
HTML = "text/html; charset=utf-8"
# The variants: answers beside the error format (pages off, sync views, no docs pages needed).
VARIANTS = {
    "fastapi": {"framework": "fastapi", "validation": "pydantic", "docs": "both"},
    "flask-pydantic": {"framework": "flask", "validation": "pydantic", "docs": "both"},
    "flask-marshmallow": {"framework": "flask", "validation": "marshmallow", "docs": "both"},
    "flask-none": {"framework": "flask", "validation": "none", "docs": "none"},
    # The Flask app under /legacy, and at its own URLs (the default): LEGACY_CASES at either.
    "hybrid": {
        "framework": "hybrid",
        "validation": "pydantic",
        "docs": "both",
        "legacy_mount": "prefix",
    },
    "hybrid-root": {"framework": "hybrid", "validation": "pydantic", "docs": "both"},
}
# On every answer (the server's limits): no HSTS, which only a request over https gets.
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
PERMISSIONS_POLICY = "camera=()"  # one of the features Permissions-Policy turns off
COMMON = {"pages": False, "needs_async": False, "team_size": "solo", "deploy": "none"}

# The words of the contract (the generated project's validation.py).
NOT_JSON = "The request body must be JSON, sent with Content-Type: application/json."
MALFORMED = "The request body is not valid JSON."
INVALID = "The request is not valid."
MSG = {
    "missing": "Field required",
    "model_attributes_type": "Input should be a valid dictionary or object to extract fields from",
    "string_type": "Input should be a valid string",
    "string_unicode": (
        "Input should be a valid string, unable to parse raw data as a unicode string"
    ),
    "string_too_short": "String should have at least 1 character",
    "string_too_long": "String should have at most 100 characters",
    "control_characters": "String should have no control characters",
    "float_type": "Input should be a valid number",
    "finite_number": "Input should be a finite number",
    "greater_than": "Input should be greater than 0",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "greater_than_equal": "Input should be greater than or equal to 1",
    "less_than_equal": "Input should be less than or equal to 100",
}
DEEP = b"[" * 3000 + b"]" * 3000  # deeper than any JSON parser here goes, within the limit
TOO_LARGE = json.dumps({"name": "x", "price": 1, "padding": "x" * MAX_BODY_BYTES}).encode()


def err(*loc: str | int, type_: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": MSG[type_], "type": type_}


# The largest item id (the generated project's validation.MAX_ID): the items table's id column
# is a 32-bit integer. Ids run from 1, a page's `after` from 0.
MAX_ID = 2**31 - 1
# Numbers beyond the bounds: the first of the 32-bit column, then some that PostgreSQL's driver
# (-86171593599, found by schemathesis) or SQLite's (beyond 64 bits) would have refused.
BEYOND_BOUNDS = (MAX_ID + 1, -1, -86171593599, -(2**63) - 1, 2**63, 10**30)


def out_of_bounds(*loc: str, value: int, low: int, high: int) -> dict[str, Any]:
    """The error of a number in the URL beyond `low` to `high`, in Pydantic's words."""
    if value < low:
        msg, type_ = f"Input should be greater than or equal to {low}", "greater_than_equal"
    else:
        msg, type_ = f"Input should be less than or equal to {high}", "less_than_equal"
    return {"loc": list(loc), "msg": msg, "type": type_}


@dataclass
class Case:
    """A request, and what every starter answers to it. `body` not bytes is sent as JSON;
    `content_type` None sends none. For an error, `detail` and `errors` are the problem
    document's (or the error page's); for a success, `json` is the body (a dict: the body
    holds at least these keys)."""

    method: str
    path: str
    status: int | None
    body: Any = None
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None
    allow: str | None = None
    cors: dict[str, Any] | None = None
    chunked: bool = False
    retry_after: bool = False  # a Retry-After of 1 to 60 seconds
    www_authenticate: str | None = None

    @property
    def name(self) -> str:
        shown = self.body if isinstance(self.body, bytes) else json.dumps(self.body)
        return f"{self.method} {self.path} {self.content_type} {str(shown)[:40]}"


def page_body(items: list[dict[str, Any]], next_page: str | None = None) -> dict[str, Any]:
    return {"items": items, "next": next_page}


ITEM_1 = {"id": 1, "name": "Thé 🫖", "price": 12.5}
ITEM_2 = {"id": 2, "name": "x" * 100, "price": 3.0}


def invalid(body: Any, *errors: dict[str, Any], path: str = "/api/items") -> Case:
    return Case("POST", path, 422, body, detail=INVALID, errors=list(errors))


def bounds_cases() -> list[Case]:
    """Every number in the URL of the items API at and beyond its bounds: within them a page or
    a 404, beyond them a 422 that names the bound; never a 500."""
    cases = [
        Case("GET", "/api/items?after=0", 200, json=page_body([ITEM_1, ITEM_2])),
        Case("GET", f"/api/items?after={MAX_ID}", 200, json=page_body([])),
        Case("GET", f"/api/items/{MAX_ID}", 404, detail=f"There is no item {MAX_ID}."),
        Case(
            "DELETE",
            f"/api/items/{MAX_ID}",
            404,
            content_type=None,
            detail=f"There is no item {MAX_ID}.",
        ),
    ]
    for value in (0, *BEYOND_BOUNDS):
        item_id = out_of_bounds("path", "item_id", value=value, low=1, high=MAX_ID)
        cases += [
            Case("GET", f"/api/items/{value}", 422, detail=INVALID, errors=[item_id]),
            Case(
                "DELETE",
                f"/api/items/{value}",
                422,
                content_type=None,
                detail=INVALID,
                errors=[item_id],
            ),
        ]
    for value in BEYOND_BOUNDS:
        after = out_of_bounds("query", "after", value=value, low=0, high=MAX_ID)
        limit = out_of_bounds("query", "limit", value=value, low=1, high=100)
        cases += [
            Case("GET", f"/api/items?after={value}&limit=41", 422, detail=INVALID, errors=[after]),
            Case("GET", f"/api/items?limit={value}", 422, detail=INVALID, errors=[limit]),
        ]
    return cases


# Integers in the URL, spelled as FastAPI reads them (Pydantic's rule), which every starter follows:
# whitespace around, a sign, leading zeros, underscores between digits and a fraction of zeros
# are 1 (or 10); other digits, bases, exponents and fractions are no integer.
SPELLINGS_OF_1 = ("01", "+1", "%201%20", "%C2%A01", "1.0", "0_1.00")
NO_INTEGERS = ("1.5", "1.", "1e0", "0x1", "1__0", "_1", "%D9%A1", "%C2%B9", "1.0_0")


def spelling_cases() -> list[Case]:
    """Every starter takes the same spellings of an integer in a URL, and refuses the same."""
    cases = [Case("GET", "/api/items/1_0", 404, detail="There is no item 10.")]
    for text in SPELLINGS_OF_1:
        cases += [
            Case("GET", f"/api/items/{text}", 200, json=ITEM_1),
            Case(
                "GET",
                f"/api/items?limit={text}",
                200,
                json=page_body([ITEM_1], "/api/items?limit=1&after=1"),
            ),
        ]
    item_id = err("path", "item_id", type_="int_parsing")
    after = err("query", "after", type_="int_parsing")
    for text in NO_INTEGERS:
        cases += [
            Case("GET", f"/api/items/{text}", 422, detail=INVALID, errors=[item_id]),
            Case("GET", f"/api/items?after={text}", 422, detail=INVALID, errors=[after]),
        ]
    return cases


CASES = [
    Case("GET", "/health", 200, json={"status": "ok"}),
    Case("HEAD", "/health", 200),
    Case("GET", "/ready", 200, json={"status": "ready"}),
    Case("HEAD", "/ready", 200),
    Case("HEAD", "/api/items", 200),
    Case("POST", "/health", 405, content_type=None, allow="GET, HEAD", detail="Method Not Allowed"),
    Case("GET", "/no-such-page", 404, detail="Not Found"),
    # A path is matched as written: no redirect for a trailing slash or a doubled one.
    Case("GET", "/api/items/", 404, detail="Not Found"),
    Case("GET", "/health/", 404, detail="Not Found"),
    Case("GET", "/api//items", 404, detail="Not Found"),
    Case("POST", "/api/items/", 404, {"name": "Tea", "price": 1}, detail="Not Found"),
    Case("GET", "/api/items", 200, json=page_body([])),
    # Names are trimmed; an integer is a price.
    Case(
        "POST",
        "/api/items",
        201,
        {"name": "  Thé 🫖 ", "price": 12.5},
        json={"id": 1, "name": "Thé 🫖", "price": 12.5},
    ),
    Case(
        "POST",
        "/api/items",
        201,
        {"name": "x" * 100, "price": 3, "unknown": True},
        content_type="application/json; charset=utf-8",
        json={"id": 2, "name": "x" * 100, "price": 3.0},
    ),
    Case("GET", "/api/items/1", 200, json={"id": 1, "name": "Thé 🫖", "price": 12.5}),
    # Lists in pages: `limit` items (20 unless asked, 1 to 100) after the id `after`.
    Case("GET", "/api/items?limit=1", 200, json=page_body([ITEM_1], "/api/items?limit=1&after=1")),
    Case("GET", "/api/items?limit=1&after=1", 200, json=page_body([ITEM_2])),
    Case("GET", "/api/items?after=2", 200, json=page_body([])),
    *bounds_cases(),
    *spelling_cases(),
    Case(
        "GET",
        "/api/items?limit=0",
        422,
        detail=INVALID,
        errors=[err("query", "limit", type_="greater_than_equal")],
    ),
    Case(
        "GET",
        "/api/items?limit=101",
        422,
        detail=INVALID,
        errors=[err("query", "limit", type_="less_than_equal")],
    ),
    Case(
        "GET",
        "/api/items?limit=ten&after=x",
        422,
        detail=INVALID,
        errors=[
            err("query", "limit", type_="int_parsing"),
            err("query", "after", type_="int_parsing"),
        ],
    ),
    # Strict types: a string or a boolean is not a price, a number is not a name.
    invalid({"name": "x", "price": "12.5"}, err("body", "price", type_="float_type")),
    invalid({"name": "x", "price": True}, err("body", "price", type_="float_type")),
    invalid(
        {"name": 42},
        err("body", "name", type_="string_type"),
        err("body", "price", type_="missing"),
    ),
    invalid(
        {"name": None, "price": None},
        err("body", "name", type_="string_type"),
        err("body", "price", type_="float_type"),
    ),
    # Names: trimmed-nonempty, at most 100 characters, no control characters.
    invalid({"name": " \t\n ", "price": 1}, err("body", "name", type_="string_too_short")),
    invalid({"name": "a\u0000b", "price": 1}, err("body", "name", type_="control_characters")),
    invalid({"name": "a\u0085b", "price": 1}, err("body", "name", type_="control_characters")),
    invalid({"name": "\u001fa", "price": 1}, err("body", "name", type_="control_characters")),
    invalid(
        {"name": "x" * 101, "price": 0},
        err("body", "name", type_="string_too_long"),
        err("body", "price", type_="greater_than"),
    ),
    invalid(b'{"name": "\\ud800", "price": 1}', err("body", "name", type_="string_unicode")),
    invalid({}, err("body", "name", type_="missing"), err("body", "price", type_="missing")),
    invalid([], err("body", type_="model_attributes_type")),
    invalid("Teapot", err("body", type_="model_attributes_type")),
    invalid(b"null", err("body", type_="model_attributes_type")),
    invalid(b"", err("body", type_="missing")),
    invalid(b'{"name": "T", "price": 1e400}', err("body", "price", type_="finite_number")),
    invalid(b'{"name": "T", "price": NaN}', err("body", "price", type_="finite_number")),
    invalid(
        b'{"name": "T", "price": 1' + b"0" * 400 + b"}", err("body", "price", type_="float_type")
    ),
    invalid({"name": "T", "price": -1}, err("body", "price", type_="greater_than")),
    # A body is JSON, or a 415: a page of another site can send text/plain without asking.
    Case("POST", "/api/items", 415, {"name": "T", "price": 1}, content_type=None, detail=NOT_JSON),
    Case(
        "POST",
        "/api/items",
        415,
        {"name": "T", "price": 1},
        content_type="text/plain",
        detail=NOT_JSON,
    ),
    Case(
        "POST",
        "/api/items",
        415,
        b"",
        content_type="application/x-www-form-urlencoded",
        detail=NOT_JSON,
    ),
    Case("POST", "/api/items", 400, b'{"name": "Teapot",', detail=MALFORMED),
    Case("POST", "/api/items", 400, b"\xff\xfe", detail=MALFORMED),
    Case("POST", "/api/items", 400, DEEP, detail=MALFORMED),
    Case(
        "POST",
        "/api/items",
        413,
        TOO_LARGE,
        detail=f"The request body is larger than {MAX_BODY_BYTES} bytes.",
    ),
    Case(
        "POST",
        "/api/items",
        413,
        TOO_LARGE,
        chunked=True,
        detail=f"The request body is larger than {MAX_BODY_BYTES} bytes.",
    ),
    Case(
        "GET",
        "/api/items/abc",
        422,
        detail=INVALID,
        errors=[err("path", "item_id", type_="int_parsing")],
    ),
    Case("GET", "/api/items/999", 404, detail="There is no item 999."),
    Case("DELETE", "/api/items/1", 204, content_type=None),
    Case("DELETE", "/api/items/1", 404, content_type=None, detail="There is no item 1."),
    Case(
        "PUT",
        "/api/items/2",
        405,
        content_type=None,
        allow="DELETE, GET, HEAD",
        detail="Method Not Allowed",
    ),
    Case("GET", "/api/items", 200, json=page_body([ITEM_2])),
    # One CORS policy: the allowed origin, these methods, Vary: Origin.
    Case(
        "GET",
        "/api/items/2",
        200,
        headers={"Origin": ORIGIN},
        json={"id": 2, "name": "x" * 100, "price": 3.0},
        cors={"origin": ORIGIN},
    ),
    Case(
        "GET",
        "/health",
        200,
        headers={"Origin": "https://elsewhere.example"},
        json={"status": "ok"},
        cors={"origin": None},
    ),
    Case(
        "OPTIONS",
        "/api/items",
        200,
        content_type=None,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        cors={
            "origin": ORIGIN,
            "methods": ["DELETE", "GET", "POST"],
            "headers": "content-type",
            "max-age": "600",
        },
    ),
    Case(
        "OPTIONS",
        "/api/items/2",
        None,
        content_type=None,
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},
        cors={"refused": True},
    ),
    Case(
        "OPTIONS",
        "/api/items",
        None,
        content_type=None,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
        cors={"refused": True},
    ),
]

# The hybrid's Flask app, under /legacy: the same rules for what it takes.
LEGACY_CASES = [
    Case("GET", "/legacy/health", 200, json={"status": "ok"}),
    Case("HEAD", "/legacy/hello", 200),
    Case("GET", "/legacy/hello/", 404, detail="Not Found"),
    Case("POST", "/legacy/greetings", 200, {"name": " Ada "}, json={"greeting": "Hello, Ada!"}),
    Case("POST", "/legacy/greetings", 415, {"name": "Ada"}, content_type=None, detail=NOT_JSON),
    Case(
        "POST",
        "/legacy/greetings",
        415,
        {"name": "Ada"},
        content_type="text/plain",
        detail=NOT_JSON,
    ),
    Case("POST", "/legacy/greetings", 400, b'{"name": ', detail=MALFORMED),
    Case("POST", "/legacy/greetings", 400, DEEP, detail=MALFORMED),
    invalid(
        {"name": "  "}, err("body", "name", type_="string_too_short"), path="/legacy/greetings"
    ),
    invalid(
        {"name": "A\u0007"},
        err("body", "name", type_="control_characters"),
        path="/legacy/greetings",
    ),
    invalid({"name": 42}, err("body", "name", type_="string_type"), path="/legacy/greetings"),
    invalid({}, err("body", "name", type_="missing"), path="/legacy/greetings"),
    invalid([], err("body", type_="model_attributes_type"), path="/legacy/greetings"),
    invalid(b"", err("body", type_="missing"), path="/legacy/greetings"),
]

# On a server whose WRITE_RATE_LIMIT is 2/minute: the third write of a client is refused, reads
# are not.
TOO_MANY = f"Too many writes: at most {WRITE_RATE_LIMIT} per client."
RATE_LIMITED_CASES = [
    Case("POST", "/api/items", 201, {"name": "Tea", "price": 1}, json={"id": 1}),
    Case("POST", "/api/items", 201, {"name": "Tea", "price": 1}, json={"id": 2}),
    Case("POST", "/api/items", 429, {"name": "Tea", "price": 1}, detail=TOO_MANY, retry_after=True),
    Case("DELETE", "/api/items/1", 429, content_type=None, detail=TOO_MANY, retry_after=True),
    Case("GET", "/api/items/1", 200, json={"id": 1, "name": "Tea", "price": 1.0}),
]


# With auth=apikey, on a server that holds a key (sent by every request but those that name
# X-API-Key themselves: tests/support/http_client.py) and a revoked one (REVOKED).
API_KEY = "X-API-Key"
NO_KEY = {API_KEY: ""}
REVOKED = "the revoked key"
CHALLENGE = f'ApiKey header="{API_KEY}"'
MISSING_KEY = f"This request needs an API key, in the {API_KEY} header."
BAD_KEY = "The API key is not valid."
TEA = {"name": "Tea", "price": 1}


def refused(method: str, path: str, key: dict[str, str], detail: str) -> Case:
    body = TEA if method == "POST" else None
    content_type = JSON if method == "POST" else None
    return Case(
        method,
        path,
        401,
        body,
        content_type=content_type,
        headers=key,
        detail=detail,
        www_authenticate=CHALLENGE,
    )


AUTH_CASES = [
    Case("POST", "/api/items", 201, TEA, json={"id": 1, **TEA}),
    Case("GET", "/api/items", 200, headers=NO_KEY, json=page_body([{"id": 1, **TEA}])),
    Case("GET", "/api/items/1", 200, headers=NO_KEY, json={"id": 1}),
    refused("POST", "/api/items", NO_KEY, MISSING_KEY),
    refused("DELETE", "/api/items/1", NO_KEY, MISSING_KEY),
    refused("POST", "/api/items", {API_KEY: "not a key"}, BAD_KEY),
    refused("POST", "/api/items", {API_KEY: "sk_" + "A" * 43}, BAD_KEY),  # well formed, unknown
    refused("DELETE", "/api/items/1", {API_KEY: REVOKED}, BAD_KEY),
    refused("DELETE", "/api/items/x", NO_KEY, MISSING_KEY),  # before the id is looked at
    refused("DELETE", f"/api/items/{MAX_ID + 1}", NO_KEY, MISSING_KEY),
    # Before the body is validated: a caller who may not write learns nothing of what it should
    # hold. The body's type comes first (a 415 is the protocol's, the same for everyone).
    replace(refused("POST", "/api/items", NO_KEY, MISSING_KEY), body=b"null"),
    replace(refused("POST", "/api/items", NO_KEY, MISSING_KEY), body=b""),
    replace(refused("POST", "/api/items", NO_KEY, MISSING_KEY), body={"price": "free"}),
    Case("POST", "/api/items", 415, TEA, "text/plain", NO_KEY, detail=NOT_JSON),
    Case("GET", "/api/items/1", 200, json={"id": 1}),  # nothing was deleted
    Case("DELETE", "/api/items/1", 204, content_type=None),
]
# The variants checked with auth=apikey: each framework, and Flask without a validation library.
AUTH_VARIANTS = ("fastapi", "flask-pydantic", "flask-none", "hybrid-root")


# With auth=jwt, on a server whose account (tests/support/servers.py) holds the access token that
# every request sends, but those that name Authorization themselves.
FORM = "application/x-www-form-urlencoded"
NO_TOKEN = {"Authorization": ""}
BEARER = "Bearer"
INVALID_TOKEN = 'Bearer error="invalid_token"'
WRONG_LOGIN = "The email or the password is wrong."
BAD_REFRESH = "The refresh token is not valid: sign in again."
MISSING_TOKEN = "This request needs an access token, in the Authorization header: Bearer <token>."
NOT_VALID_TOKEN = "The access token is not valid."
EXPIRED_TOKEN = "The access token has expired: get a new one with the refresh token."
LOGIN_RATE_LIMIT = "3/minute"
TOO_MANY_SIGN_INS = (
    f"Too many failed sign-ins: at most {LOGIN_RATE_LIMIT} per client and per account."
)


class Anything:
    """Equal to any value: a token, which differs on every answer."""

    def __eq__(self, other: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "<anything>"


TOKENS = {
    "access_token": Anything(),
    "token_type": "bearer",
    "expires_in": 900,
    "refresh_token": Anything(),
}


def token_case(form: dict[str, str], status: int, **expected: Any) -> Case:
    body = urlencode(form).encode()
    if status == 401:
        expected = {"www_authenticate": BEARER, **expected}
    return Case("POST", "/api/auth/token", status, body, FORM, NO_TOKEN, **expected)


def signed_in(email: str, password: str) -> dict[str, str]:
    return {"grant_type": "password", "username": email, "password": password}


def refreshing(refresh_token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jwt_of(claims: dict[str, Any], key: str) -> str:
    """An HS256 JWT, written by hand (RFC 7519): the tokens a server must refuse."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signed = ".".join(
        part(json.dumps(value).encode()) for value in ({"alg": "HS256", "typ": "JWT"}, claims)
    )
    signature = hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{part(signature)}"


def write_refused(token: dict[str, str], detail: str, challenge: str = INVALID_TOKEN) -> Case:
    return Case(
        "POST", "/api/items", 401, TEA, headers=token, detail=detail, www_authenticate=challenge
    )


def bearer_cases(email: str, password: str, legacy: str | None) -> list[Case]:
    """The cases that need no token of an answer: writes refused, and sign-in refused."""
    now = int(time.time())
    key = ENVIRONMENT["SECRET_KEY"]
    claims = {"sub": "1", "iat": now, "exp": now + 300, "type": "access"}
    expired = jwt_of({**claims, "iat": now - 3600, "exp": now - 1800}, key)
    cases = [
        write_refused(NO_TOKEN, MISSING_TOKEN, BEARER),
        write_refused({"Authorization": "Basic dXNlcjpwYXNz"}, MISSING_TOKEN, BEARER),
        write_refused(bearer("not-a-token"), NOT_VALID_TOKEN),
        write_refused(bearer(jwt_of(claims, "another key of more than 32 bytes")), NOT_VALID_TOKEN),
        write_refused(bearer(jwt_of({**claims, "type": "refresh"}, key)), NOT_VALID_TOKEN),
        write_refused(bearer(expired), EXPIRED_TOKEN),
        # Before the body is validated (AUTH_CASES says why), after its type.
        replace(write_refused(NO_TOKEN, MISSING_TOKEN, BEARER), body=b"null"),
        replace(write_refused(NO_TOKEN, MISSING_TOKEN, BEARER), body=b""),
        replace(write_refused(bearer("not-a-token"), NOT_VALID_TOKEN), body={"price": "free"}),
        Case("POST", "/api/items", 415, TEA, "text/plain", NO_TOKEN, detail=NOT_JSON),
        Case("GET", "/api/items", 200, headers=NO_TOKEN, json=page_body([])),
        token_case(signed_in(email, "not the password"), 401, detail=WRONG_LOGIN),
        token_case(signed_in("nobody@example.com", password), 401, detail=WRONG_LOGIN),
        token_case({}, 422, detail=INVALID, errors=[err("body", "grant_type", type_="missing")]),
        token_case(refreshing("x" * 43), 401, detail=BAD_REFRESH),
        Case("POST", "/api/auth/token", 415, TEA, headers=NO_TOKEN, detail=NOT_FORM),
    ]
    if legacy is not None:
        cases.append(
            Case(
                "GET",
                f"{legacy}/me",
                401,
                headers=NO_TOKEN,
                detail=MISSING_TOKEN,
                www_authenticate=BEARER,
            )
        )
    return cases


NOT_FORM = f"The request body must be form-encoded, sent with Content-Type: {FORM}."


def send(base: str, case: Case, accept: str) -> tuple[int, dict[str, str], bytes]:
    data = case.body
    if data is not None and not isinstance(data, bytes):
        data = json.dumps(data).encode()
    headers = {"Accept": accept, **case.headers}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    if case.chunked:
        assert data is not None
        chunks = [data[i : i + 1024] for i in range(0, len(data), 1024)]
        return post_chunked(base + case.path, chunks, headers)
    return http_request(case.method, base + case.path, data, headers)


def problems(case: Case, status: int, headers: dict[str, str], body: bytes, page: bool) -> list:
    """What in the answer breaks the contract: an empty list when it keeps it."""
    found = []
    content_type = headers.get("content-type")
    if "server" in headers:
        found.append(f"a Server header: {headers['server']}")
    for name, value in SECURITY_HEADERS.items():
        if headers.get(name) != value:
            found.append(f"{name}: {headers.get(name)}")
    if PERMISSIONS_POLICY not in headers.get("permissions-policy", ""):
        found.append(f"Permissions-Policy: {headers.get('permissions-policy')}")
    if "strict-transport-security" in headers:
        found.append("HSTS over plain http")
    if case.retry_after and not 1 <= int(headers.get("retry-after", "0")) <= 60:
        found.append(f"Retry-After: {headers.get('retry-after')}")
    if case.www_authenticate and headers.get("www-authenticate") != case.www_authenticate:
        found.append(f"WWW-Authenticate: {headers.get('www-authenticate')}")
    if case.cors is not None:
        return found + cors_problems(case, status, headers)
    if status != case.status:
        return [*found, f"status {status}, not {case.status}: {body[:300]!r}"]
    if case.allow is not None:
        allowed = {method.strip() for method in headers.get("allow", "").split(",")}
        if sorted(allowed - {"OPTIONS"}) != case.allow.split(", "):
            found.append(f"Allow: {headers.get('allow')}")
    if status == 204 or case.method == "HEAD":
        if body:
            found.append(f"a body: {body[:100]!r}")
        if status == 204 and content_type is not None:
            found.append(f"a 204 with a Content-Type: {content_type}")
        return found
    if status < 400:
        if content_type != JSON:
            found.append(f"content type {content_type}")
        got = json.loads(body)
        wanted = case.json
        if isinstance(wanted, dict) and isinstance(got, dict):
            got = {key: got.get(key) for key in wanted}
        if got != wanted:
            found.append(f"body {got!r}, not {wanted!r}")
        return found
    if page:
        if content_type != HTML:
            return [*found, f"content type {content_type}, not a page: {body[:200]!r}"]
        text = body.decode()
        shown = {
            "h1": re.findall(r"<h1>(.*?)</h1>", text),
            "detail": re.findall(r"<p>(.*?)</p>", text),
            "errors": re.findall(r"<li><code>(.*?)</code>: (.*?)</li>", text),
        }
        wanted_page = {
            "h1": [f"{status} {title(status)}"],
            "detail": [escape(case.detail or "")],
            "errors": [
                (".".join(map(str, error["loc"])), escape(error["msg"]))
                for error in case.errors or []
            ],
        }
        if shown != wanted_page:
            found.append(f"page {shown}, not {wanted_page}")
        return found
    if content_type != PROBLEM:
        return [*found, f"content type {content_type}, not a problem: {body[:200]!r}"]
    problem = json.loads(body)
    wanted_problem: dict[str, Any] = {
        "type": "about:blank",
        "title": title(status),
        "status": status,
        "detail": case.detail,
        "instance": unquote(case.path.split("?")[0]),  # the path as the app reads it
    }
    if case.errors is not None:
        wanted_problem["errors"] = case.errors
    if problem != wanted_problem:
        found.append(f"problem {problem}, not {wanted_problem}")
    return found


def cors_problems(case: Case, status: int, headers: dict[str, str]) -> list[str]:
    assert case.cors is not None
    origin = headers.get("access-control-allow-origin")
    vary = {part.strip().lower() for part in headers.get("vary", "").split(",")}
    methods = headers.get("access-control-allow-methods", "")
    if case.cors.get("refused"):
        # A browser sends nothing when the origin is not allowed, or the method not listed.
        requested = case.headers["Access-Control-Request-Method"]
        listed = {method.strip() for method in methods.split(",")}
        if origin == case.headers["Origin"] and 200 <= status < 300 and requested in listed:
            return [f"preflight allowed: {status} {headers}"]
        return []
    found = []
    if status != case.status:
        found.append(f"status {status}, not {case.status}")
    if origin != case.cors["origin"]:
        found.append(f"Access-Control-Allow-Origin {origin}, not {case.cors['origin']}")
    if case.cors["origin"] and "origin" not in vary:
        found.append(f"Vary: {headers.get('vary')}")
    if "methods" in case.cors:
        listed = sorted(method.strip() for method in methods.split(","))
        if listed != case.cors["methods"]:
            found.append(f"Access-Control-Allow-Methods: {methods}")
        allowed_headers = headers.get("access-control-allow-headers", "").lower()
        if case.cors["headers"] not in [part.strip() for part in allowed_headers.split(",")]:
            found.append(f"Access-Control-Allow-Headers: {allowed_headers}")
        if headers.get("access-control-max-age") != case.cors["max-age"]:
            found.append(f"Access-Control-Max-Age: {headers.get('access-control-max-age')}")
    return found


def title(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The clients each error format is sent by: an API client, a browser, or both.
ACCEPTS = {"problem": [JSON], "html": [BROWSER_ACCEPT], "negotiated": [JSON, BROWSER_ACCEPT]}


def run_cases(base: str, cases: list[Case], accept: str) -> list[str]:
    page = accept == BROWSER_ACCEPT
    broken = []
    for case in cases:
        status, headers, body = send(base, case, accept)
        for problem in problems(case, status, headers, body, page):
            broken.append(f"{'page' if page else 'json'} | {case.name} | {problem}")
    return broken


@pytest.mark.parametrize("error_format", ["problem", "html", "negotiated"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_starter_keeps_the_contract(render: Render, variant: str, error_format: str) -> None:
    project = render(**VARIANTS[variant], **COMMON, error_format=error_format)
    broken = []
    for accept in ACCEPTS[error_format]:
        # A fresh app for each client: the cases count on the ids a fresh app gives.
        with running(project, ["-m", "demo_app"], **ENVIRONMENT) as server:
            broken += run_cases(server.base, CASES, accept)
            if variant == "hybrid":
                broken += run_cases(server.base, LEGACY_CASES, accept)
            elif variant == "hybrid-root":
                at_root = [replace(c, path=c.path.removeprefix("/legacy")) for c in LEGACY_CASES]
                broken += run_cases(server.base, at_root, accept)
        assert "Traceback" not in server.output, server.output
        limited = {**ENVIRONMENT, "WRITE_RATE_LIMIT": WRITE_RATE_LIMIT}
        with running(project, ["-m", "demo_app"], **limited) as server:
            broken += run_cases(server.base, RATE_LIMITED_CASES, accept)
        assert "Traceback" not in server.output, server.output
    assert broken == [], "\n".join(broken)


def revoked_key(project: Path, database_url: str) -> str:
    """A key made and revoked by the project's manage command, in the server's database."""
    env = project_env(project, DATABASE_URL=database_url)
    printed = [
        subprocess.run(
            [python(project), "-m", "demo_app.manage", command, "revoked"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for command in ("create-api-key", "revoke-api-key")
    ]
    return printed[0].strip()


@pytest.mark.parametrize("error_format", ["problem", "html"])
@pytest.mark.parametrize("variant", AUTH_VARIANTS)
def test_every_starter_asks_for_an_api_key_alike(
    render: Render, variant: str, error_format: str
) -> None:
    answers = {**VARIANTS[variant], **COMMON, "auth": "apikey", "database": "sqlite"}
    project = render(**answers, error_format=error_format)
    accept = JSON if error_format == "problem" else BROWSER_ACCEPT
    # The whole contract for a client with a key, on a server of its own (fresh ids).
    with running(project, ["-m", "demo_app"], **ENVIRONMENT) as server:
        broken = run_cases(server.base, CASES, accept)
    assert "Traceback" not in server.output, server.output
    database_url = "sqlite:///data/contract.db"
    with running(project, ["-m", "demo_app"], DATABASE_URL=database_url, **ENVIRONMENT) as server:
        revoked = revoked_key(project, database_url)
        cases = [
            replace(c, headers={API_KEY: revoked}) if c.headers.get(API_KEY) == REVOKED else c
            for c in AUTH_CASES
        ]
        broken += run_cases(server.base, cases, accept)
    assert "Traceback" not in server.output, server.output
    assert broken == [], "\n".join(broken)


# Each framework with problem documents; pages, from a FastAPI and a Flask app.
TOKEN_VARIANTS = [
    *((variant, "problem") for variant in AUTH_VARIANTS),
    ("fastapi", "html"),
    ("flask-none", "html"),
]


@pytest.mark.parametrize(("variant", "error_format"), TOKEN_VARIANTS)
def test_every_starter_gives_and_checks_tokens_alike(
    render: Render, variant: str, error_format: str
) -> None:
    answers = {**VARIANTS[variant], **COMMON, "auth": "jwt", "database": "sqlite"}
    project = render(**answers, error_format=error_format)
    accept = JSON if error_format == "problem" else BROWSER_ACCEPT
    legacy = "" if variant == "hybrid-root" else None
    broken: list[str] = []

    def exchange(case: Case) -> Any:
        """Sends the case, notes how its answer breaks the contract, and returns its JSON."""
        status, headers, body = send(server.base, case, accept)
        page = accept == BROWSER_ACCEPT and status >= 400
        for problem in problems(case, status, headers, body, page):
            broken.append(f"{case.name} | {problem}")
        return json.loads(body) if status == 200 else None

    environment = {**ENVIRONMENT, "LOGIN_RATE_LIMIT": LOGIN_RATE_LIMIT}
    with running(project, ["-m", "demo_app"], **environment) as server:
        assert server.account is not None
        email, password = server.account
        for case in bearer_cases(email, password, legacy):
            exchange(case)
        # Two failed sign-ins so far (the wrong password, the unknown email): one more is
        # allowed, then the client is refused, even with the right password.
        first = exchange(token_case(signed_in(email.upper(), password), 200, json=TOKENS)) or {}
        access = first.get("access_token", "")
        exchange(Case("POST", "/api/items", 201, TEA, headers=bearer(access), json={"id": 1}))
        if VARIANTS[variant]["docs"] in ("swagger", "both") and error_format == "problem":
            # The docs page signs in the same way (once per framework): its "Authorize", then
            # "Try it out" on POST /api/items, in a browser cut off from other hosts.
            check_signing_in_and_writing(server.base, email, password)
        if legacy is not None:
            exchange(
                Case("GET", f"{legacy}/me", 200, headers=bearer(access), json={"email": email})
            )
        rotated = exchange(token_case(refreshing(first.get("refresh_token", "")), 200, json=TOKENS))
        # The first refresh token, used again: refused, and its family with it.
        exchange(token_case(refreshing(first.get("refresh_token", "")), 401, detail=BAD_REFRESH))
        exchange(
            token_case(
                refreshing((rotated or {}).get("refresh_token", "")), 401, detail=BAD_REFRESH
            )
        )
        # Signing out revokes the sign-in; signing out again is no error.
        other = exchange(token_case(signed_in(email, password), 200, json=TOKENS)) or {}
        logout = {"refresh_token": other.get("refresh_token", "")}
        for _ in range(2):
            exchange(
                Case("POST", "/api/auth/logout", 204, urlencode(logout).encode(), FORM, NO_TOKEN)
            )
        exchange(token_case(refreshing(logout["refresh_token"]), 401, detail=BAD_REFRESH))
        exchange(token_case(signed_in(email, "not the password"), 401, detail=WRONG_LOGIN))
        limited = {"detail": TOO_MANY_SIGN_INS, "retry_after": True}
        exchange(token_case(signed_in(email, password), 429, **limited))
    assert "Traceback" not in server.output, server.output
    assert broken == [], "\n".join(broken)


# With auth=session, on a server whose account (tests/support/servers.py) holds a session whose
# cookie and CSRF token every request sends, but those that name them themselves.
CSRF = "X-CSRF-Token"
NO_SESSION = {"Cookie": "", CSRF: ""}
DEAD_SESSION = {"Cookie": "session=" + "x" * 43}
COOKIE_CHALLENGE = 'Cookie form-action="/login", cookie-name="session"'
MISSING_SESSION = "This request needs a signed-in session: sign in at /login."
CSRF_WRONG = "CSRF token missing or wrong"
SESSION_DAYS = 14


def session_refused(method: str, path: str, headers: dict[str, str], status: int) -> Case:
    body = TEA if method == "POST" else None
    content_type = JSON if method == "POST" else None
    if status == 401:
        return Case(
            method,
            path,
            401,
            body,
            content_type,
            headers,
            detail=MISSING_SESSION,
            www_authenticate=COOKIE_CHALLENGE,
        )
    return Case(method, path, 403, body, content_type, headers, detail=CSRF_WRONG)


def session_cases(email: str, legacy: str | None) -> list[Case]:
    """After the whole table: writes without a session, or without its CSRF token, refused;
    reads open; the login form without its own token refused."""
    cases = [
        session_refused("POST", "/api/items", NO_SESSION, 401),
        session_refused("POST", "/api/items", DEAD_SESSION, 401),
        session_refused("DELETE", "/api/items/1", NO_SESSION, 401),
        session_refused("POST", "/api/items", {CSRF: ""}, 403),
        session_refused("POST", "/api/items", {CSRF: "not the token"}, 403),
        session_refused("DELETE", "/api/items/1", {CSRF: ""}, 403),
        # Before the body is validated, after its type (as AUTH_CASES).
        replace(session_refused("POST", "/api/items", NO_SESSION, 401), body=b"null"),
        replace(session_refused("POST", "/api/items", NO_SESSION, 401), body={"price": "free"}),
        replace(session_refused("POST", "/api/items", {CSRF: ""}, 403), body=b""),
        Case("GET", "/api/items/2", 200, headers=NO_SESSION, json={"id": 2}),  # reads stay open
        Case(
            "POST",
            "/login",
            403,
            urlencode({"email": email, "password": "x"}).encode(),
            FORM,
            NO_SESSION,
            detail=CSRF_WRONG,
        ),
    ]
    if legacy is not None:
        cases += [
            Case("GET", f"{legacy}/me", 200, json={"email": email}),
            Case(
                "GET",
                f"{legacy}/me",
                401,
                headers=NO_SESSION,
                detail=MISSING_SESSION,
                www_authenticate=COOKIE_CHALLENGE,
            ),
        ]
    return cases


def sign_in_problems(base: str, email: str, password: str, wanted: int) -> list[str]:
    """How signing in on the /login page breaks the contract: 303 home with the session cookie
    (httpOnly, SameSite=Lax, Path=/, the session's life), or the form again (401 with the cookie
    challenge, 429 with Retry-After) without one."""
    status, headers, body = sign_in_page(base, email, password)
    cookies = set_cookies(headers)
    found = []
    if status != wanted:
        return [f"signing in answered {status}, not {wanted}: {body[:300]!r}"]
    if wanted == 303:
        cookie = cookies.get("session", "").lower()
        attributes = ["httponly", "samesite=lax", "path=/", f"max-age={SESSION_DAYS * 86400}"]
        found += [f"Set-Cookie {cookie!r} lacks {a}" for a in attributes if a not in cookie]
        if headers.get("Location") != "/":
            found.append(f"Location: {headers.get('Location')}")
        return found
    if "session" in cookies:
        found.append(f"a session cookie on a {status}")
    if 'action="/login"' not in body:
        found.append("not the login form again")
    if wanted == 401 and headers.get("WWW-Authenticate") != COOKIE_CHALLENGE:
        found.append(f"WWW-Authenticate: {headers.get('WWW-Authenticate')}")
    if wanted == 429 and not 1 <= int(headers.get("Retry-After") or "0") <= 60:
        found.append(f"Retry-After: {headers.get('Retry-After')}")
    return found


# FastAPI and Flask with each error format between them; the hybrid, whose Flask app reads the
# FastAPI app's sessions.
SESSION_VARIANTS = [("fastapi", "problem"), ("flask-none", "html"), ("hybrid-root", "negotiated")]


@pytest.mark.parametrize(("variant", "error_format"), SESSION_VARIANTS)
def test_every_starter_keeps_a_session_alike(
    render: Render, variant: str, error_format: str
) -> None:
    answers = {**VARIANTS[variant], **COMMON, "pages": True, "auth": "session"}
    project = render(**answers, database="sqlite", error_format=error_format)
    accept = BROWSER_ACCEPT if error_format == "html" else JSON
    legacy = "" if variant == "hybrid-root" else None
    environment = {**ENVIRONMENT, "LOGIN_RATE_LIMIT": LOGIN_RATE_LIMIT}
    with running(project, ["-m", "demo_app"], **environment) as server:
        assert server.account is not None
        email, password = server.account
        # The whole contract, with a session's cookie and CSRF token on every request.
        broken = run_cases(server.base, CASES, accept)
        broken += run_cases(server.base, session_cases(email, legacy), accept)
        broken += sign_in_problems(server.base, email, "not the password", 401)
        broken += sign_in_problems(server.base, "nobody@example.com", password, 401)
        broken += sign_in_problems(server.base, email.upper(), password, 303)
        # Signing out (with the session's CSRF token) ends the session: its cookie is dead.
        _, signed_in, _ = sign_in_page(server.base, email, password)
        cookie = set_cookies(signed_in)["session"].split(";", 1)[0]
        _, _, home = send_plain(server.base, "GET", "/", headers={"Cookie": cookie})
        token = re.findall(r'name="csrf_token" value="([^"]+)"', home)[0]
        form = urlencode({"csrf_token": token}).encode()
        logout = {"Cookie": cookie, "Content-Type": FORM}
        status, _, _ = send_plain(server.base, "POST", "/logout", form, logout)
        if status != 303:
            broken.append(f"signing out answered {status}")
        dead = session_refused("POST", "/api/items", {"Cookie": cookie, CSRF: token}, 401)
        broken += run_cases(server.base, [dead], accept)
        # A third failed sign-in is allowed, then even the right password is refused.
        broken += sign_in_problems(server.base, email, "not the password", 401)
        broken += sign_in_problems(server.base, email, password, 429)
    assert "Traceback" not in server.output, server.output
    assert broken == [], "\n".join(broken)


SERVER_ERROR = "The server could not complete the request."
FAILING_HEALTH = {"status": "failing", "legacy": "failing: 500 Internal Server Error"}


# Each framework in each error format; the hybrid's Flask app at its own URLs too.
UNHANDLED_VARIANTS = [
    *itertools.product(["fastapi", "flask-pydantic", "hybrid"], ["problem", "html", "negotiated"]),
    ("hybrid-root", "negotiated"),
]


@pytest.mark.parametrize(("variant", "error_format"), UNHANDLED_VARIANTS)
def test_an_unhandled_error_hides_its_cause(
    render: Render, variant: str, error_format: str, tmp_path: Path
) -> None:
    """A route that raises: a 500 in the error format, with the contract's headers and a detail
    that says nothing of the cause, which the log holds once per request."""
    project = render(**VARIANTS[variant], **COMMON, error_format=error_format)
    framework = VARIANTS[variant]["framework"]
    (tmp_path / "failing_app.py").write_text(FAILING_APP)
    (tmp_path / "failing_hybrid_app.py").write_text(FAILING_HYBRID_APP)
    module = "failing_hybrid_app" if framework == "hybrid" else "failing_app"
    argv = ["-c", serve_script(framework, module)]
    boom = [Case("GET", "/boom", 500, detail=SERVER_ERROR)]
    if framework == "hybrid":
        legacy = "/legacy" if VARIANTS[variant].get("legacy_mount") == "prefix" else ""
        boom.append(Case("GET", f"{legacy}/boom-in-flask", 500, detail=SERVER_ERROR))
    broken = []
    with running(project, argv, PYTHONPATH=str(tmp_path), **ENVIRONMENT) as server:
        for accept, case in itertools.product(ACCEPTS[error_format], boom):
            status, headers, body = send(server.base, case, accept)
            broken += problems(case, status, headers, body, accept == BROWSER_ACCEPT)
            if b"secret" in body or b"Traceback" in body:
                broken.append(f"{case.path} shows the cause: {body[:300]!r}")
        if framework == "hybrid":
            status, _, body = http_request("GET", server.base + "/health")
            if (status, json.loads(body)) != (503, FAILING_HEALTH):
                broken.append(f"/health with a failing Flask app: {status} {body!r}")
    failures = len(boom) * len(ACCEPTS[error_format])
    assert server.output.count("Traceback (most recent call last)") == failures, server.output
    assert server.output.count("RuntimeError: secret detail") == failures, server.output
    assert broken == [], "\n".join(broken)
