"""The bare FastAPI app the starter is measured against: the same endpoints, written as
FastAPI's tutorial writes them, the items in the starter's database through a SQLAlchemy session
of their own (bare_database.py: the same driver and pool options), and nothing else (no
middleware, no error handlers, no settings, no dependency injection, no pages).

    DATABASE_URL=sqlite:///data/bare.db PORT=8001 .venv/bin/python benchmarks/bare/bare_fastapi.py

With BARE_AUTH=jwt or apikey, `POST /api/items` needs a credential, read as FastAPI's security
tutorial reads it (OAuth2PasswordBearer, APIKeyHeader) and checked by bare_auth.py in a `def`
dependency of the route, as FastAPI's full-stack template checks its current user
(`get_current_user`) and as the starter checks it: before the body is validated, so that a
write without a valid credential is a 401 whatever its body (bare_auth.py says what the check
does and leaves out). A `def` dependency runs on the thread pool, as the endpoint does: the
price of that order under FastAPI, which the starter pays too (benchmarks/README.md).

Its endpoints are `def`, as the starter's are (a FastAPI project with sync database access):
FastAPI runs them on its thread pool; `/health` is `async def`, as the starter's is (it waits for
no thread).

It is served by uvicorn, one process, with the options of the starter's production command
(`python -m <package>`, `__main__.py`) at their defaults: the same logging configuration
(uvicorn's, every logger on stdout; log level info, so the access log is on), no `Server`
header, forwarded headers not trusted, the same graceful-shutdown timeout, the event loop
EVENT_LOOP names (as the starter reads it: uvloop unless it says asyncio), uvicorn's h11 parser
with the same head size limit (the starter's adds its read deadlines to it: `server.py`).
"""

import copy
import gc
import os
from typing import Annotated, Any

import bare_auth
from bare_database import ItemRecord, make_engine
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0, allow_inf_nan=False)


class Item(ItemIn):
    id: int


app = FastAPI()
engine = make_engine()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/items")
def list_items(limit: int = 20) -> list[Item]:
    query = select(ItemRecord).order_by(ItemRecord.id).limit(limit)
    with Session(engine) as session:
        return [Item(id=r.id, name=r.name, price=r.price) for r in session.scalars(query)]


def create_item(new: ItemIn) -> Item:
    with Session(engine) as session, session.begin():
        record = ItemRecord(name=new.name, price=new.price)
        session.add(record)
        session.flush()
        return Item(id=record.id, name=record.name, price=record.price)


bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
key_header = APIKeyHeader(name=bare_auth.API_KEY_HEADER, auto_error=False)


def refused() -> HTTPException:
    return HTTPException(401, headers={"WWW-Authenticate": bare_auth.CHALLENGES[bare_auth.AUTH]})


def require_token(token: Annotated[str | None, Depends(bearer)]) -> None:
    if not bare_auth.signed_in(engine, token):
        raise refused()


def require_key(key: Annotated[str | None, Depends(key_header)]) -> None:
    if not bare_auth.valid_key(engine, key):
        raise refused()


CHECKS = {"none": [], "jwt": [Depends(require_token)], "apikey": [Depends(require_key)]}
app.post("/api/items", status_code=201, dependencies=CHECKS[bare_auth.AUTH])(create_item)


# As the starter's production server does (server.py's production_app) once the app is made: its
# objects out of the garbage collector's reach, so that full collections do not walk them.
gc.freeze()


def log_config() -> dict[str, Any]:
    """The starter's (`__main__.py`): uvicorn's logging, all of it on stdout."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["default"]["stream"] = "ext://sys.stdout"
    config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        "bare_fastapi:app",
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        log_level=os.environ.get("LOG_LEVEL", "info"),
        log_config=log_config(),
        proxy_headers=False,
        forwarded_allow_ips=None,
        timeout_graceful_shutdown=20,
        loop=os.environ.get("EVENT_LOOP", "auto"),
        server_header=False,
        http="h11",
        h11_max_incomplete_event_size=16 * 1024,
    )
