"""Where the items live: a small interface and an in-memory implementation.

`InMemoryItemRepository` keeps the items in this process's memory: each gunicorn worker
(WEB_CONCURRENCY), container and Kubernetes replica has its own items, and a restart loses them
all, so it breaks as soon as there is more than one process. For real data, write a class
with the same methods over a database (SQLAlchemy, psycopg...) and create it in `app.py`.
"""

import threading
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, cast

from flask import current_app

# A list shows one page of items at a time: PAGE_SIZE of them unless the client asks for another
# number, at most MAX_PAGE_SIZE; those whose id comes after the last one of the page before.
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    price: float


class ItemRepository(Protocol):
    def list_page(self, after: int | None, limit: int) -> list[Item]:
        """Up to `limit` items in the order of their ids, from the first id above `after`."""
        ...

    def add(self, name: str, price: float) -> Item: ...

    def get(self, item_id: int) -> Item | None: ...

    def delete(self, item_id: int) -> bool: ...


class InMemoryItemRepository:
    """Per process and lost on restart: a stand-in until a database takes its place."""

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def list_page(self, after: int | None, limit: int) -> list[Item]:
        # The dict holds the items in the order of their ids (the order they were added in).
        with self._lock:
            items = (item for item in self._items.values() if after is None or item.id > after)
            return list(islice(items, limit))

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


def page_of(
    repository: ItemRepository, after: int | None, limit: int
) -> tuple[list[Item], int | None]:
    """A page of items, and the id the next page starts after (None: this is the last page).
    It asks for one item more than it shows, to know whether there is a next page."""
    items = repository.list_page(after, limit + 1)
    if len(items) > limit:
        return items[:limit], items[limit - 1].id
    return items, None
