"""Requests to a live server, with the standard library: whatever the status, the answer comes
back as (status, headers with lower-case names, body)."""

import http.client
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

Response = tuple[int, dict[str, str], bytes]

# What a browser sends: HTML first.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def request(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5,
) -> Response:
    """Status, headers and body of any request; error statuses included."""
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


def get(url: str, timeout: float = 5) -> Response:
    return request("GET", url, timeout=timeout)


def post_chunked(
    url: str, chunks: Iterable[bytes], headers: dict[str, str] | None = None
) -> Response:
    """A POST whose body is sent in chunks: no Content-Length tells the app its size."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, iter(chunks), headers or {})
        response = connection.getresponse()
        return response.status, _lower(response.getheaders()), response.read()
    finally:
        connection.close()


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}
