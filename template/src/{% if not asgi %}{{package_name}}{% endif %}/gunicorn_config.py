"""gunicorn's configuration module (`python -m gunicorn --config python:<package>.gunicorn_config`,
as __main__.py runs it): server hooks that no command-line option gives.

gunicorn names itself in a `Server` header on every response and has no setting to stop (its
maintainers declined one); the app's responses name no server, as the FastAPI starter's do.

Once a worker has made the app, every object the app holds (routes, views, schemas, the engine)
is moved out of the garbage collector's reach (`gc.freeze()`): they live as long as the worker,
and each full collection would otherwise walk them all again, a pause that requests queue behind.
"""

import gc
from typing import Any

from gunicorn.http import wsgi  # type: ignore[import-untyped]


def post_worker_init(worker: Any) -> None:
    """Each worker writes its responses' first lines without the `Server` line, and keeps the
    objects of the app it has made out of the garbage collector's reach."""
    default_headers = wsgi.Response.default_headers

    def without_server(response: Any) -> list[str]:
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    wsgi.Response.default_headers = without_server
    gc.freeze()
