"""The app's views, one blueprint per module."""

from flask import Response, current_app


def no_content() -> Response:
    """A 204: no body, so no Content-Type either (Flask would name text/html)."""
    response = current_app.response_class(status=204)
    del response.headers["Content-Type"]
    return response
