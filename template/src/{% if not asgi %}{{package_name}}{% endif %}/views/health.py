"""Liveness (`/health`: the process answers) and readiness (`/ready`: the app can serve)."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> dict[str, str]:
    """What the app needs to serve is checked here: nothing yet (a database, once there is one;
    a failing check calls abort(503, reason))."""
    return {"status": "ready"}
