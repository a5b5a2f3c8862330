"""The API description tells the truth, checked by the field's own tools: in every gate
combination with docs, the description (/openapi.json) is valid OpenAPI to openapi-spec-validator,
documents every error an operation answers in the format the app sends it (one Problem schema,
named the same in FastAPI and Flask), and marks each request body as required; with auth=jwt,
the same OAuth2 scheme and token routes in both, with auth=session the same cookie and CSRF
header schemes, required together on each write; and a client that openapi-python-client
generates from it signs in, then creates, reads, lists and deletes an item and reads a 404
problem, against the live server of each framework. (schemathesis, with all its checks,
runs in tests/test_api_fuzzing_and_load.py.)"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.support import combinations
from tests.support.http_client import get
from tests.support.projects import openapi_description
from tests.support.servers import running
from tests.support.template import Render

pytestmark = pytest.mark.slow

SECRET = {"SECRET_KEY": "stackwise-openapi-test"}
PROBLEM = "application/problem+json"
# Every operation of the items API, and the errors it answers besides those of every request.
ERRORS = {
    ("/api/items", "get"): {"422"},
    ("/api/items", "post"): {"400", "413", "415", "422", "429"},
    ("/api/items/{item_id}", "get"): {"404", "422"},
    ("/api/items/{item_id}", "delete"): {"404", "422", "429"},
}
GENERATOR = "openapi-python-client>=0.29"
# With auth=jwt: the token routes, and the errors each answers besides those of every request.
TOKEN_ERRORS = {
    ("/api/auth/token", "post"): {"400", "401", "403", "413", "415", "422", "429"},
    ("/api/auth/logout", "post"): {"400", "413", "415", "422", "429"},
}
OAUTH2_SCHEME = {
    "type": "oauth2",
    "flows": {
        "password": {
            "scopes": {},
            "tokenUrl": "/api/auth/token",
            "refreshUrl": "/api/auth/token",
        },
    },
}


# With auth=session: the cookie that signing in sets, and the CSRF token its writes send.
SESSION_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": (
            "The session cookie that signing in at /login sets; accounts are made by "
            "`python -m demo_app.manage create-user EMAIL`."
        ),
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The session's CSRF token (the `csrf_token` field of the site's forms).",
    },
}


# The largest item id (the generated project's validation.MAX_ID).
MAX_ID = 2**31 - 1


def integer_bounds(schema: dict[str, Any]) -> tuple[int, int]:
    """The minimum and maximum of an integer parameter's schema, which may also allow null
    (`anyOf` with Pydantic, `nullable` with marshmallow)."""
    (integer,) = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer"]
    return integer["minimum"], integer["maximum"]


def with_docs() -> list[dict[str, Any]]:
    return [c for c in combinations.gate() if c["docs"] != "none"]


def description(project: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(openapi_description(project, **SECRET))
    return spec


@pytest.mark.parametrize(
    "answers", with_docs(), ids=[combinations.combination_id(c) for c in with_docs()]
)
def test_the_description_is_valid_and_documents_every_error(
    render: Render, answers: dict[str, Any]
) -> None:
    spec = description(render(**answers))
    validate(spec)  # openapi-spec-validator: raises on the first error
    schemas = spec["components"]["schemas"]
    assert not {"HTTPError", "HTTPValidationError", "ValidationError"} & set(schemas)
    media_types = {
        "problem": {PROBLEM},
        "html": {"text/html"},
        "negotiated": {PROBLEM, "text/html"},
    }[answers["error_format"]]
    auth = answers.get("auth", "none")
    operations = {**ERRORS, **(TOKEN_ERRORS if auth == "jwt" else {})}
    for (path, method), errors in operations.items():
        if auth != "none" and path.startswith("/api/items") and method in ("post", "delete"):
            # The writes need credentials; an access token or a session, of an active account
            # (and the session's CSRF token).
            errors = errors | ({"401", "403"} if auth in ("jwt", "session") else {"401"})
        operation = spec["paths"][path][method]
        codes = {code for code in operation["responses"] if code >= "400"}
        assert codes == errors, (path, method)
        for code in codes:
            content = operation["responses"][code]["content"]
            assert set(content) == media_types, (path, method, code)
            if PROBLEM in content:
                assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        if "requestBody" in operation:
            assert operation["requestBody"]["required"] is True
        if "429" in codes:
            assert set(operation["responses"]["429"]["headers"]) == {"Retry-After"}
        if "401" in codes:
            assert set(operation["responses"]["401"]["headers"]) == {"WWW-Authenticate"}
    if auth == "jwt":
        (scheme,) = spec["components"]["securitySchemes"].values()
        assert {key: scheme[key] for key in OAUTH2_SCHEME} == OAUTH2_SCHEME
        token = spec["paths"]["/api/auth/token"]["post"]
        assert list(token["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
        ok = token["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(schemas[ok["$ref"].rsplit("/", 1)[1]]["required"]) == {
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
        }
    if auth == "session":
        # Both a cookie and a header, together, on every write.
        assert spec["components"]["securitySchemes"] == SESSION_SCHEMES
        for path, method in (("/api/items", "post"), ("/api/items/{item_id}", "delete")):
            assert spec["paths"][path][method]["security"] == [{"session": [], "csrf": []}]
        assert "/login" not in spec["paths"]
    # The page's parameters: how many items, and the id the page starts after.
    parameters = spec["paths"]["/api/items"]["get"]["parameters"]
    assert {(p["name"], p["in"]) for p in parameters} == {("limit", "query"), ("after", "query")}
    limit = next(p["schema"] for p in parameters if p["name"] == "limit")
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 20)
    # The bounds of the numbers in a URL (the items table's 32-bit id column), for a client or a
    # fuzzer to keep to: the id a page starts after, and an item's id.
    after = next(p["schema"] for p in parameters if p["name"] == "after")
    assert integer_bounds(after) == (0, MAX_ID)
    for method in ("get", "delete"):
        (item_id,) = spec["paths"]["/api/items/{item_id}"][method]["parameters"]
        assert integer_bounds(item_id["schema"]) == (1, MAX_ID)
    if answers["error_format"] != "html":
        problem = schemas["Problem"]
        assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
        assert problem["properties"]["errors"]["items"] == {
            "$ref": "#/components/schemas/FieldError"
        }
    for path, name, status in (("/health", "Health", "ok"), ("/ready", "Ready", "ready")):
        responses = spec["paths"][path]["get"]["responses"]
        ok = responses["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert "status" in schemas[name]["required"]
        examples = schemas[name].get("examples") or [  # marshmallow's: one for each field
            {"status": schemas[name]["properties"]["status"]["example"]}
        ]
        assert examples[0]["status"] == status
    assert set(spec["paths"]["/ready"]["get"]["responses"]["503"]["content"]) == media_types


# Run with the generated client on the path, in the generator's environment (it brings httpx
# and attrs): every call through the client's own functions and models.
CLIENT_SCRIPT = """
import sys
import typing

from demo_app_client import AuthenticatedClient, Client
from demo_app_client.api.auth import create_token
from demo_app_client.api.items import create_item, delete_item, get_item, list_items
from demo_app_client.models import PasswordGrant, PasswordGrantGrantType

base, email, password = sys.argv[1:4]
form = PasswordGrant(grant_type=PasswordGrantGrantType.PASSWORD, username=email, password=password)
tokens = create_token.sync(client=Client(base_url=base), body=form)
assert tokens.token_type == "bearer", tokens
client = AuthenticatedClient(base_url=base, token=tokens.access_token)
body_model = typing.get_type_hints(create_item.sync_detailed)["body"]
created = create_item.sync_detailed(client=client, body=body_model.from_dict(
    {"name": "Teapot", "price": 12.5}
))
assert created.status_code == 201, created
item = created.parsed
assert (item.name, item.price) == ("Teapot", 12.5), item
assert get_item.sync(client=client, item_id=item.id).to_dict() == item.to_dict()
page = list_items.sync(client=client, limit=1)
assert [each.to_dict() for each in page.items] == [item.to_dict()], page
assert page.to_dict()["next"] is None, page
assert delete_item.sync_detailed(client=client, item_id=item.id).status_code == 204
missing = get_item.sync_detailed(client=client, item_id=item.id)
assert missing.status_code == 404, missing
problem = missing.parsed
assert type(problem).__name__ == "Problem", type(problem)
assert (problem.status, problem.detail) == (404, f"There is no item {item.id}."), problem
print("client ok")
"""


def uv_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    uv = Path(sys.executable).parent / "uv"
    return subprocess.run(
        [str(uv), "run", "--no-project", "--quiet", "--with", GENERATOR, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_a_generated_client_uses_the_api(render: Render, framework: str, tmp_path: Path) -> None:
    project = render(
        framework=framework, validation="pydantic", docs="both", error_format="problem", auth="jwt"
    )
    with running(project, ["-m", "demo_app"], **SECRET) as server:
        assert server.account is not None
        (tmp_path / "openapi.json").write_bytes(get(server.base + "/openapi.json")[2])
        generated = uv_run(
            "openapi-python-client",
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            "demo_app_client",
            cwd=tmp_path,
        )
        assert generated.returncode == 0, generated.stdout + generated.stderr
        assert "Warning" not in generated.stdout + generated.stderr, generated.stdout
        (tmp_path / "use_client.py").write_text(CLIENT_SCRIPT)
        used = uv_run("python", "use_client.py", server.base, *server.account, cwd=tmp_path)
    assert used.returncode == 0, used.stdout + used.stderr
    assert "client ok" in used.stdout
    assert "Traceback" not in server.output, server.output
