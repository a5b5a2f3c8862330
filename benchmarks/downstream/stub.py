"""The downstream service of the heavy-traffic scenario: every request is answered after a fixed
latency with a small JSON body, over keep-alive HTTP/1.1, on as many connections as are opened.

    python stub.py LATENCY_MS    # prints the port it listens on (127.0.0.1), then serves

It runs on asyncio, one coroutine per connection, so that the waits overlap and its own cost
stays far below the apps' under test (one short write per request).
"""

import asyncio
import contextlib
import sys

BODY = b'{"rate": 1.08}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%b" % (
    len(BODY),
    BODY,
)


async def main(latency: float) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Until the client closes the connection (an incomplete read, or a reset).
        with (
            contextlib.closing(writer),
            contextlib.suppress(asyncio.IncompleteReadError, ConnectionError),
        ):
            while True:
                await reader.readuntil(b"\r\n\r\n")  # a GET: no body
                await asyncio.sleep(latency)
                writer.write(RESPONSE)

    server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) / 1000))
