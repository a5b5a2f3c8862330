"""A generated project (named demo-app) serving a variant of its app through its own production
entry point: the app its `create_app()` makes, with what a test needs and the real app never
does on request, such as a route that fails (a 500 and its log) or one that waits (a request in
flight when SIGTERM comes).

A variant is a module of its own, with a `create_app()` that builds on the project's and must be
importable by name (on PYTHONPATH): Flask's gunicorn imports it in its workers."""

# A route that fails: for the 500 and its log.
FAILING_APP = """
from demo_app.app import create_app as make_app


def create_app():
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    return app
"""

# The hybrid's: FAILING_APP (imported as failing_app), a route that fails on its Flask side too,
# and a Flask /health that fails (the FastAPI app's /health then answers 503).
FAILING_HYBRID_APP = """
from failing_app import create_app as make_app


def create_app():
    app = make_app()
    legacy = app.state.legacy_app

    @legacy.get("/boom-in-flask")
    def legacy_boom():
        raise RuntimeError("secret detail")

    legacy.view_functions["legacy.health"] = lambda: ({"status": "down"}, 500)
    return app
"""

# FastAPI's production entry point runs uvicorn in its own process, which imports the app
# factory from demo_app.app: replaced there.
_SERVE_ASGI = """
import demo_app.app
import {module}
from demo_app.__main__ import main

demo_app.app.create_app = {module}.create_app
main()
"""
# Flask's execs gunicorn, which imports the app in its workers from the argument it is given.
_SERVE_WSGI = """
import demo_app.__main__ as production

real_argv = production.gunicorn_argv


def gunicorn_argv(settings):
    return [*real_argv(settings)[:-1], "{module}:create_app()"]


production.gunicorn_argv = gunicorn_argv
production.main()
"""


def serve_script(framework: str, module: str) -> str:
    """Python source that runs the project's production entry point (`main()` of its
    `__main__`, as `python -m demo_app` does) serving `module.create_app()`."""
    return (_SERVE_WSGI if framework == "flask" else _SERVE_ASGI).format(module=module)
