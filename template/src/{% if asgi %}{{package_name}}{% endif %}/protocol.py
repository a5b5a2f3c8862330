"""Two rules of the API that every route follows, as the Flask starter's routes do: HEAD is
answered wherever GET is, and a request body is JSON.

FastAPI answers HEAD with a 405 and reads a body sent without a Content-Type (or with a
deeply nested document) in ways of its own: see each class.
"""

from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .validation import MALFORMED_JSON, NOT_JSON


class HeadAsGetMiddleware:
    """A HEAD request runs as a GET, and its answer goes out with the GET's headers, no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class JSONBodyRoute(APIRoute):
    """A route whose body is JSON: refused with a 415 unless its Content-Type is
    `application/json` (a page of another site can send `text/plain` without asking first), and
    with a 400 when it does not parse. FastAPI would read a body without a Content-Type as no
    JSON (a 422), and one nested too deeply as "There was an error parsing the body"."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def read_json_first(request: Request) -> Response:
            # The body is read first (a body too large is a 413), then kept for FastAPI.
            body = await request.body()
            if not is_json(request.headers.get("content-type", "")):
                raise HTTPException(415, NOT_JSON)
            if body:
                try:
                    await request.json()
                except (ValueError, RecursionError) as error:
                    raise HTTPException(400, MALFORMED_JSON) from error
            response: Response = await handler(request)
            return response

        return read_json_first


def is_json(content_type: str) -> bool:
    """`application/json`, with or without parameters (`; charset=utf-8`)."""
    return content_type.split(";", 1)[0].strip().lower() == "application/json"
