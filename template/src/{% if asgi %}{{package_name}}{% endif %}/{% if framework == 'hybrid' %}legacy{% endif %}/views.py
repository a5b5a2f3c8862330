"""The Flask app's routes: stand-ins for the routes of an existing Flask app."""

from typing import Any

from flask import Blueprint, abort, request, url_for
from werkzeug.exceptions import BadRequest

from . import current_settings
from .errors import ValidationFailed

bp = Blueprint("legacy", __name__)

MAX_NAME_LENGTH = 100


@bp.get("/health")
def health() -> dict[str, str]:
    """The FastAPI app's /health calls this one too: add the checks this app needs here."""
    return {"status": "ok"}


@bp.get("/hello")
def hello() -> dict[str, str]:
    # url_for builds links under the mount point (/legacy/...): a2wsgi sets SCRIPT_NAME.
    return {
        "message": f"Hello from the Flask app of {current_settings().app_name}.",
        "url": url_for("legacy.hello"),
    }


@bp.post("/greetings")
def greet() -> dict[str, str]:
    """`{"name": "Ada"}` gets `{"greeting": "Hello, Ada!"}`. The checks are written here, and
    their errors take the FastAPI app's shape (`loc`, `msg`, `type`)."""
    try:
        body: Any = request.get_json(force=True)
    except (BadRequest, RecursionError):  # not JSON, or nested deeper than the parser goes
        abort(400, "The request body is not valid JSON.")
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        msg = f"Input should be a string of 1 to {MAX_NAME_LENGTH} characters"
        raise ValidationFailed([{"loc": ["body", "name"], "msg": msg, "type": "value_error"}])
    return {"greeting": f"Hello, {name}!"}
