"""The Flask app's routes: stand-ins for the routes of an existing Flask app."""

from typing import Any

from flask import Blueprint, abort, request, url_for
from werkzeug.exceptions import BadRequest

from ..plain_validation import field_error, name_error, trimmed
from ..validation import MALFORMED_JSON, NOT_JSON
from . import current_settings
from .errors import ValidationFailed

bp = Blueprint("legacy", __name__)


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
    their errors are the FastAPI app's (validation.py): the same rules for a name, the same 415
    for a body that is not JSON."""
    # Read first: a body too large is a 413, whatever its type.
    data = request.get_data(cache=True)
    if request.mimetype != "application/json":
        abort(415, NOT_JSON)
    if not data:
        raise ValidationFailed([field_error(["body"], "missing")])
    try:
        body: Any = request.get_json()
    except (BadRequest, RecursionError):  # not JSON, or nested deeper than the parser goes
        abort(400, MALFORMED_JSON)
    if not isinstance(body, dict):
        raise ValidationFailed([field_error(["body"], "model_attributes_type")])
    name = body.get("name")
    if "name" not in body:
        raise ValidationFailed([field_error(["body", "name"], "missing")])
    if not isinstance(name, str):
        raise ValidationFailed([field_error(["body", "name"], "string_type")])
    name = trimmed(name)
    if problem := name_error(name):
        raise ValidationFailed([field_error(["body", "name"], problem)])
    return {"greeting": f"Hello, {name}!"}
