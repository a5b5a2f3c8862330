"""Where the items live: a small interface and an in-memory implementation.

`InMemoryItemRepository` keeps the items in this process's memory: each gunicorn worker
(WEB_CONCURRENCY), container and Kubernetes replica has its own items, and a restart loses them
all, so it breaks as soon as there is more than one process. For real data, write a class
with the same methods over a database (SQLAlchemy, psycopg...) and create it in `app.py`.
"""

import threading
from dataclasses import dataclass
from typing import Protocol, cast

from flask import current_app


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    price: float


class ItemRepository(Protocol):
    def list_all(self) -> list[Item]: ...

    def add(self, name: str, price: float) -> Item: ...

    def get(self, item_id: int) -> Item | None: ...

    def delete(self, item_id: int) -> bool: ...


class InMemoryItemRepository:
    """Per process and lost on restart: a stand-in until a database takes its place."""

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def list_all(self) -> list[Item]:
        with self._lock:
            return list(self._items.values())

    def add(self, name: str, price: float) -> Item:
        with self._lock:
            item = Item(id=self._next_id, name=name, price=price)
            self._items[item.id] = item
            self._next_id += 1
            return item

    def get(self, item_id: int) -> Item | None:
        with self._lock:
            return self._items.get(item_id)

    def delete(self, item_id: int) -> bool:
        with self._lock:
            return self._items.pop(item_id, None) is not None


def current_repository() -> ItemRepository:
    """The repository of the running app (`create_app` puts it in `app.extensions`)."""
    return cast(ItemRepository, current_app.extensions["items"])
