"""The API's data: what a client sends, and what it gets back."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ItemCreate(BaseModel):
    """The body of `POST /api/items`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Teapot", "price": 12.5}]})

    name: Annotated[str, Field(min_length=1, max_length=100)]
    price: Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Item(BaseModel):
    """An item as the API returns it."""

    id: int
    name: str
    price: float


class ItemPage(BaseModel):
    """One page of `GET /api/items`."""

    items: list[Item]
    # The path and query of the next page; null on the last one.
    next: str | None
