"""The bare FastAPI app the starter is measured against: the same three endpoints, written as
FastAPI's tutorial writes them, and nothing else (no middleware, no error handlers, no settings,
no dependency injection).

    HOST=127.0.0.1 PORT=8001 .venv/bin/python benchmarks/bare/bare_fastapi.py

It is served by uvicorn, one process, with the options of the starter's production command
(`python -m <package>`, `__main__.py`) at their defaults: log level info (access log on), no
`Server` header, forwarded headers not trusted.
"""

import os

from fastapi import FastAPI
from pydantic import BaseModel, Field


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0, allow_inf_nan=False)


class Item(ItemIn):
    id: int


app = FastAPI()
items: list[Item] = []


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/items")
def list_items() -> list[Item]:
    return items


@app.post("/api/items", status_code=201)
def create_item(new: ItemIn) -> Item:
    item = Item(id=len(items) + 1, name=new.name, price=new.price)
    items.append(item)
    return item


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        "bare_fastapi:app",
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        log_level=os.environ.get("LOG_LEVEL", "info"),
        proxy_headers=False,
        forwarded_allow_ips=None,
        server_header=False,
    )
