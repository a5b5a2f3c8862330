"""The bare Flask app the starter is measured against: the same endpoints in plain Flask, the
input checked by hand, the items in the starter's database through a SQLAlchemy session of their
own (bare_database.py: the same driver and pool options), and nothing else (no APIFlask, no
Flask-SQLAlchemy-Lite, no error handlers, no hooks, no pages).

    DATABASE_URL=sqlite:///data/bare.db PORT=8001 .venv/bin/python benchmarks/bare/bare_flask.py

With BARE_AUTH=jwt or apikey, `POST /api/items` needs a credential, checked by a decorator (as
Flask's tutorial guards its views: `login_required`) with bare_auth.py, as the starter checks it.

`python bare_flask.py` execs gunicorn with the options of the starter's production command
(`python -m <package>`, `__main__.py`): one threaded worker (gthread, 10 threads) per
WEB_CONCURRENCY, log level info, the
access log on stdout, the same graceful-shutdown timeout, forwarded headers trusted from no
proxy, no control socket. benchmarks/run.py checks that they still agree.
"""

import functools
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bare_auth
from bare_database import ItemRecord, make_engine
from flask import Flask, request
from sqlalchemy import select
from sqlalchemy.orm import Session

app = Flask(__name__)
engine = make_engine()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/items")
def list_items() -> list[dict[str, object]]:
    limit = request.args.get("limit", 20, type=int)
    query = select(ItemRecord).order_by(ItemRecord.id).limit(limit)
    with Session(engine) as session:
        return [{"id": r.id, "name": r.name, "price": r.price} for r in session.scalars(query)]


def authenticated(view: Callable[[], Any]) -> Callable[[], Any]:
    """The view, once the request's credential (BARE_AUTH's kind) is valid, else a 401; the
    view itself without BARE_AUTH."""
    if bare_auth.AUTH == "none":
        return view
    if bare_auth.AUTH == "jwt":

        def allowed() -> bool:
            token = bare_auth.bearer_token(request.headers.get("Authorization"))
            return bare_auth.signed_in(engine, token)

    else:

        def allowed() -> bool:
            return bare_auth.valid_key(engine, request.headers.get(bare_auth.API_KEY_HEADER))

    challenge = {"WWW-Authenticate": bare_auth.CHALLENGES[bare_auth.AUTH]}

    @functools.wraps(view)
    def checked() -> Any:
        if not allowed():
            return {"detail": "Not authenticated"}, 401, challenge
        return view()

    return checked


@app.post("/api/items")
@authenticated
def create_item() -> tuple[dict[str, object], int]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return {"detail": [{"loc": ["body"], "msg": "Input should be an object"}]}, 422
    name, price = data.get("name"), data.get("price")
    errors = []
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        errors.append({"loc": ["body", "name"], "msg": "1 to 100 characters"})
    if (
        isinstance(price, bool)
        or not isinstance(price, int | float)
        or not math.isfinite(price)
        or price <= 0
    ):
        errors.append({"loc": ["body", "price"], "msg": "a number greater than 0"})
    if errors:
        return {"detail": errors}, 422
    with Session(engine) as session, session.begin():
        record = ItemRecord(name=name, price=float(price))
        session.add(record)
        session.flush()
        return {"id": record.id, "name": record.name, "price": record.price}, 201


def gunicorn_argv() -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
        "--workers",
        os.environ.get("WEB_CONCURRENCY", "1"),
        "--worker-class",
        "gthread",
        "--threads",
        os.environ.get("WEB_THREADS", "10"),
        "--log-level",
        os.environ.get("LOG_LEVEL", "info"),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "20",
        # As the starter with FORWARDED_ALLOW_IPS unset: X-Forwarded-* trusted from no proxy.
        "--forwarded-allow-ips",
        "",
        "--no-control-socket",
        # The starter's hooks module, in the project's environment (benchmarks/run.py sets it).
        "--config",
        os.environ["STARTER_GUNICORN_CONFIG"],
        "bare_flask:app",
    ]


if __name__ == "__main__":
    # gunicorn imports `bare_flask` from this folder.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH")])
    )
    argv = gunicorn_argv()
    os.execv(argv[0], argv)
