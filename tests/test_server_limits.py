"""The production servers of the generated projects against clients that try to take them down:
idle and slow connections, header floods (the server's memory read from /proc), Accept bombs, slow
bodies that would hold the hybrid's Flask threads, oversized bodies to static files, broken chunked
bodies; and what a hostile request must not get: a redirect to another host, the docs in
production, a client's writes past the rate limit. Each case runs the project's own production
command on 127.0.0.1 (tests/support/servers.py), with small limits through settings where the
production default would make the case slow."""

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import copier
import pytest

from tests.support.http_client import BROWSER_ACCEPT, Response, request
from tests.support.servers import Server, running

pytestmark = pytest.mark.slow

FRAMEWORKS = ["fastapi", "flask", "hybrid"]
ASGI = ["fastapi", "hybrid"]
ANSWERS = {"pages": True, "error_format": "negotiated", "docs": "both", "team_size": "solo"}
SECRET = {"SECRET_KEY": "stackwise-server-limits"}
# A request a healthy server answers within this many seconds, on a loaded test machine.
PROMPT = 1.5


@pytest.fixture(scope="module")
def projects(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One project per framework, rendered once for the module."""
    rendered = {}
    for framework in FRAMEWORKS:
        dest = tmp_path_factory.mktemp(framework) / "project"
        data = {"project_name": "demo-app", "framework": framework, **ANSWERS}
        copier.run_copy(str(template_dir), dest, data=data, defaults=True, quiet=True)
        rendered[framework] = dest
    return rendered


@contextmanager
def serving(project: Path, **env: str) -> Iterator[Server]:
    with running(project, ["-m", "demo_app"], **{**SECRET, **env}) as server:
        yield server
    assert "Traceback" not in server.output, server.output


def port_of(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def answer_to(server: Server, raw: bytes) -> str:
    """The start of the server's answer to `raw`, sent as it is on a new connection."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(raw)
        return sock.recv(65536).decode("latin-1")


def last_answer_to(server: Server, raw: bytes) -> str:
    """The server's whole answer to `raw`, read until it closes the connection (a timeout if it
    keeps it open)."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(raw)
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.decode("latin-1")


def timed(call: Callable[[], Response]) -> tuple[Response, float]:
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def assert_served_promptly(server: Server, *paths: str) -> None:
    for path in paths:
        url = server.base + path
        (status, _, body), seconds = timed(lambda url=url: request("GET", url, timeout=30))
        assert status == 200, (path, body)
        assert seconds < PROMPT, f"{path} took {seconds:.2f} s"


class Connections:
    """Raw connections to a server, each fed by a thread of its own; all closed on exit."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def open(self, first: bytes = b"", then: Callable[[socket.socket], None] | None = None) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sockets.append(sock)
        if first:
            sock.sendall(first)
        if then is not None:
            thread = threading.Thread(target=self._run, args=(then, sock), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _run(self, feed: Callable[[socket.socket], None], sock: socket.socket) -> None:
        with suppress(OSError):  # the server closed the connection: what it should do
            feed(sock)

    def trickle(self, sock: socket.socket) -> None:
        """A header line every 0.3 s: a request that never ends."""
        number = 0
        while not self.stop.wait(0.3):
            sock.sendall(b"X-Slow-%d: 1\r\n" % number)
            number += 1

    def trickle_body(self, sock: socket.socket) -> None:
        """A byte of body every 0.3 s."""
        while not self.stop.wait(0.3):
            sock.sendall(b" ")

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


@contextmanager
def connections(server: Server) -> Iterator[Connections]:
    opened = Connections(port_of(server))
    try:
        yield opened
    finally:
        opened.close()


SLOW_HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_idle_and_slow_clients_do_not_block_others(
    projects: dict[str, Path], framework: str
) -> None:
    """gunicorn's sync worker served one connection at a time: one idle client blocked every
    request for 30 s. At the default settings, idle and slow clients now hold no one up."""
    with serving(projects[framework]) as server, connections(server) as clients:
        for _ in range(3):
            clients.open()  # connects and sends nothing
            clients.open(SLOW_HEAD, clients.trickle)  # sends its headers a line at a time
        time.sleep(0.5)
        assert_served_promptly(server, "/health", "/api/items", "/health")


@pytest.mark.parametrize("framework", ASGI)
def test_the_server_closes_requests_that_never_end(
    projects: dict[str, Path], framework: str
) -> None:
    """uvicorn times out neither a connection that sends nothing nor a request that never ends:
    the first is closed after the keep-alive timeout (5 s), the second after READ_TIMEOUT."""
    with serving(projects[framework], READ_TIMEOUT="1") as server, connections(server) as clients:
        clients.open()
        clients.open(SLOW_HEAD, clients.trickle)
        clients.open(b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n{")
        idle, slow, body = clients.sockets
        start = time.monotonic()
        for sock, within in ((slow, 3), (body, 3), (idle, 8)):
            sock.settimeout(within + 1 - (time.monotonic() - start))
            assert sock.recv(1024) == b""  # closed by the server
            assert time.monotonic() - start < within
        assert_served_promptly(server, "/health")
    assert server.output.count("was not in after 1.0 s") == 2, server.output


def server_rss_kib(server: Server) -> int:
    """The resident memory of the server's processes (its session: gunicorn's workers too)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        if int(fields[3]) == server.process.pid:  # the session id
            found = re.search(r"VmRSS:\s+(\d+)", status)
            total += int(found.group(1)) if found else 0
    return total


def flood(sock: socket.socket, size: int) -> None:
    """Headers of `size` bytes that never end, as fast as the server takes them."""
    chunk = b"a" * 65536
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Flood: ")
    for _ in range(size // len(chunk)):
        sock.sendall(chunk)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_header_floods_leave_memory_bounded(projects: dict[str, Path], framework: str) -> None:
    """Ten connections with unfinished 20 MiB headers took uvicorn with httptools from 60 to
    260 MiB (the Kubernetes limit is 256Mi). At the default settings, the server refuses each
    head past its limit and its memory stays where it was."""
    with serving(projects[framework]) as server, connections(server) as clients:
        before = server_rss_kib(server)
        for _ in range(10):
            clients.open(then=lambda sock: flood(sock, 20 * 1024 * 1024))
        for thread in clients.threads:
            thread.join(timeout=60)
        after = server_rss_kib(server)
        assert_served_promptly(server, "/health")
    assert after - before < 20 * 1024, f"{before} KiB before, {after} KiB after"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_accept_bombs_are_refused_at_once(projects: dict[str, Path], framework: str) -> None:
    """An 8 MiB Accept header took 2.2-2.6 s to negotiate and delayed /health by 1.7 s. The
    server refuses such a head before the app reads it; the longest head it takes is negotiated
    in linear time, reading the first ranges only."""
    with serving(projects[framework]) as server:
        bomb = "text/html;q=0.5, " * (8 * 1024 * 1024 // 17)
        try:
            (status, _, _), seconds = timed(
                lambda: request("GET", server.base + "/missing", headers={"Accept": bomb})
            )
            assert status in (400, 431)
        except OSError:
            seconds = 0.0  # refused by closing the connection
        assert seconds < PROMPT
        longest = "application/xml;q=0.1, " * 300 + "text/html"  # about 7 KiB
        (status, headers, _), seconds = timed(
            lambda: request("GET", server.base + "/missing", headers={"Accept": longest})
        )
        assert status == 404
        assert headers["content-type"] == "application/problem+json"  # text/html came too late
        assert seconds < PROMPT
        assert_served_promptly(server, "/health")


# Chunks whose size or end the server cannot parse.
BROKEN_CHUNKS = [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_broken_chunked_body_is_a_400(projects: dict[str, Path], framework: str) -> None:
    """The Flask starter read such a body as it checked its size: gunicorn's parser raised, a 500
    and a traceback. Every server refuses it as a bad request (uvicorn by itself)."""
    head = (
        b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with serving(projects[framework]) as server:
        for chunks in BROKEN_CHUNKS:
            answer = answer_to(server, head + chunks)
            assert re.match(r"HTTP/1\.1 400 ", answer), (chunks, answer)


# Bodies whose framing RFC 9112 (6.1, 6.3) calls faulty: the way a request is smuggled past a
# proxy that reads another framing than the server.
FAULTY_FRAMINGS = {
    "content-length-and-chunks": (
        b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ),
    "chunks-in-http-1.0": (
        b"POST /api/items HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ),
}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_faulty_body_framing_is_refused_and_its_connection_closed(
    projects: dict[str, Path], framework: str
) -> None:
    """uvicorn read both bodies chunked (a 201), and kept the HTTP/1.1 connection open, where
    the RFC has the server treat the framing as faulty and close the connection. Every server
    refuses them now."""
    with serving(projects[framework]) as server:
        for name, raw in FAULTY_FRAMINGS.items():
            head = last_answer_to(server, raw).split("\r\n\r\n")[0].lower()
            assert re.match(r"http/1\.[01] 400 ", head), (name, head)
            assert "\r\nconnection: close" in head, (name, head)
            # FastAPI's guard answers in the project's error format; gunicorn refuses by itself.
            if framework != "flask":
                assert "\r\ncontent-type: application/problem+json" in head, (name, head)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_too_many_header_fields(projects: dict[str, Path], framework: str) -> None:
    headers = {f"X-Field-{number}": "1" for number in range(120)}
    with serving(projects[framework]) as server:
        status, response_headers, _ = request("GET", server.base + "/health", headers=headers)
    assert status == 431
    # FastAPI's guard answers in the project's error format; gunicorn refuses by itself.
    if framework != "flask":
        assert response_headers["content-type"] == "application/problem+json"


def test_slow_bodies_hold_no_thread_of_the_hybrid_flask_app(projects: dict[str, Path]) -> None:
    """a2wsgi ran each Flask request on one of 10 threads from its first byte: ten slow bodies
    blocked every Flask route while /health said the Flask app was fine. The body is now read
    whole before a thread is taken, and /health asks the Flask app as clients do. The Flask app
    answers at its own URLs (legacy_mount root, the default)."""
    with serving(projects["hybrid"], WEB_THREADS="2") as server, connections(server) as clients:
        head = b"POST /greetings HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
        for _ in range(6):
            clients.open(head, clients.trickle_body)
        time.sleep(0.5)
        assert_served_promptly(server, "/hello", "/hello", "/hello")
        status, _, body = request("GET", server.base + "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok", "legacy": "ok"})
        assert request("GET", server.base + "/ready")[0] == 200


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_body_too_large_for_a_static_file_is_refused(
    projects: dict[str, Path], framework: str
) -> None:
    """Static files and docs files, which never read a body, answered 200 with an empty body and
    logged a traceback ("response already started"); they answer 413 as every route does."""
    static = "/static/style.css"
    body = b"x" * 2048
    with serving(projects[framework], MAX_BODY_BYTES="1024") as server:
        for path in (static, "/docs-assets/favicon.svg", "/docs"):
            for method in ("GET", "POST"):
                status, headers, _ = request(method, server.base + path, body)
                assert status == 413, (method, path, status)
                assert headers["content-type"] == "application/problem+json"
            assert request("GET", server.base + path)[0] == 200


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_redirect_leads_to_the_host_a_client_names(
    projects: dict[str, Path], framework: str
) -> None:
    # Starlette redirected /static to /static/, Werkzeug /api//items to /api/items: both built
    # the URL from the Host header (`Host: evil.example` led to http://evil.example/static/).
    # A path is now matched as written: a 404, with no Location at all.
    with serving(projects[framework]) as server:
        for path in ("/static", "/api//items", "/api/items/"):
            head = answer_to(server, f"GET {path} HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode())
            assert re.search(r"^HTTP/1\.1 404 ", head), (path, head)
            assert not re.search(r"\r\nlocation:", head, re.IGNORECASE), (path, head)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_security_headers_and_caching(projects: dict[str, Path], framework: str) -> None:
    static = "/static/style.css"
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with serving(projects[framework], FORWARDED_ALLOW_IPS="127.0.0.1") as server:
        answers = {
            path: request("GET", server.base + path, headers={"Accept": BROWSER_ACCEPT})
            for path in ("/api/items", "/missing", "/", static)
        }
        over_https = request("GET", server.base + "/health", headers=proxied)
        assert request("GET", server.base + "/docs-assets/README.md")[0] == 404
    for path, (_, headers, _) in answers.items():
        assert headers["cross-origin-opener-policy"] == "same-origin", path
        assert headers["cross-origin-resource-policy"] == "same-origin", path
        assert "camera=()" in headers["permissions-policy"], path
        assert "strict-transport-security" not in headers, path
        assert headers["cache-control"] == ("no-cache" if path == static else "no-store"), path
    assert over_https[1]["strict-transport-security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_production_serves_no_docs(projects: dict[str, Path], framework: str) -> None:
    paths = ("/docs", "/redoc", "/openapi.json", "/docs-assets/favicon.svg")
    with serving(projects[framework], ENVIRONMENT="production") as server:
        assert {path: request("GET", server.base + path)[0] for path in paths} == dict.fromkeys(
            paths, 404
        )
        assert request("GET", server.base + "/ready")[0] == 200
    with serving(projects[framework], ENVIRONMENT="production", SERVE_DOCS="true") as server:
        assert request("GET", server.base + "/openapi.json")[0] == 200


def post_item(base: str, forwarded_for: str = "") -> Response:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = json.dumps({"name": "Teapot", "price": 1}).encode()
    return request("POST", base + "/api/items", body, headers)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_writes_are_rate_limited_per_client(projects: dict[str, Path], framework: str) -> None:
    environment = {"WRITE_RATE_LIMIT": "3/minute", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with serving(projects[framework], **environment) as server:
        statuses = [post_item(server.base, "203.0.113.7")[0] for _ in range(4)]
        status, headers, body = post_item(server.base, "203.0.113.7")
        other = post_item(server.base, "203.0.113.8")  # another client behind the proxy
        pages: list[dict[str, Any]] = [json.loads(request("GET", server.base + "/api/items")[2])]
    assert statuses == [201, 201, 201, 429]
    assert status == 429
    assert headers["content-type"] == "application/problem+json"
    assert 0 < int(headers["retry-after"]) <= 60
    problem = json.loads(body)
    assert (problem["status"], problem["title"]) == (429, "Too Many Requests")
    assert problem["detail"] == "Too many writes: at most 3/minute per client."
    assert other[0] == 201
    assert [item["id"] for item in pages[0]["items"]] == [1, 2, 3, 4]
    assert pages[0]["next"] is None


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_lists_come_in_pages(projects: dict[str, Path], framework: str, tmp_path: Path) -> None:
    # A database of its own (SQLite, migrated as the server starts): the ids start at 1.
    database = f"sqlite:///{tmp_path / 'pages.db'}"
    with serving(projects[framework], WRITE_RATE_LIMIT="", DATABASE_URL=database) as server:
        for _ in range(25):
            assert post_item(server.base)[0] == 201
        first = json.loads(request("GET", server.base + "/api/items")[2])
        second = json.loads(request("GET", server.base + first["next"])[2])
        home = request("GET", server.base + "/")[2].decode()
    assert [item["id"] for item in first["items"]] == list(range(1, 21))
    assert first["next"] == "/api/items?limit=20&after=20"
    assert [item["id"] for item in second["items"]] == list(range(21, 26))
    assert second["next"] is None
    assert home.count("<tr><td>Teapot</td>") == 20
    assert '<a href="/?after=20" rel="next">' in home
