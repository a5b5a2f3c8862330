"""Requests to a live server, with the standard library: whatever the status, the answer comes
back as (status, headers with lower-case names, body).

A server whose project needs credentials (an API key) is started with some
(tests/support/servers.py): every request to it sends them, unless it names the header itself
(an empty value sends none), as a generated project's own test client does."""

import http.client
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

Response = tuple[int, dict[str, str], bytes]
# The headers each live server's requests carry, by its base URL (scheme, host and port).
CREDENTIALS: dict[str, dict[str, str]] = {}

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
    req = urllib.request.Request(
        url, data=body, headers=with_credentials(url, headers), method=method
    )
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
        connection.request("POST", parts.path, iter(chunks), with_credentials(url, headers))
        response = connection.getresponse()
        return response.status, _lower(response.getheaders()), response.read()
    finally:
        connection.close()


def with_credentials(url: str, headers: dict[str, str] | None) -> dict[str, str]:
    """`headers`, with the credentials of the server of `url` that they do not name; a
    credential header they name with an empty value is left out (a request without it)."""
    parts = urlsplit(url)
    credentials = {
        k.lower(): v for k, v in CREDENTIALS.get(f"{parts.scheme}://{parts.netloc}", {}).items()
    }
    given = {name.lower(): (name, value) for name, value in (headers or {}).items()}
    merged = {name: value for name, value in credentials.items() if name not in given}
    for lower, (name, value) in given.items():
        if value or lower not in credentials:
            merged[name] = value
    return merged


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}
