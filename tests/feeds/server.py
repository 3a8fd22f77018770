"""A small loopback HTTP server whose answers each test scripts, path by path."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD_LIMIT_S = 30.0  # how long a held answer may wait, so that no test can hang on it


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Callable[[], Iterable[bytes]] = b""
    """Bytes (sent with Content-Length), or a function giving chunks sent until it ends."""
    held_by: threading.Event | None = None
    """If given, nothing is sent until it is set (or HOLD_LIMIT_S has passed)."""


class LoopbackServer:
    """Serves `answers[path]` on `host`; 404 for any other path. Records the paths asked for."""

    def __init__(self, host: str, tls: ssl.SSLContext | None = None) -> None:
        self.answers: dict[str, Answer] = {}
        self.requested: list[str] = []
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes, content_type: str = "application/xml") -> str:
        self.answers[path] = Answer(headers={"Content-Type": content_type}, body=body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.answers[path] = Answer(status=status, headers={"Location": location})
        return self.url(path)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requested.append(self.path)
                answer = server.answers.get(self.path, Answer(status=404, body=b"not found"))
                if answer.held_by is not None:
                    answer.held_by.wait(HOLD_LIMIT_S)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if isinstance(answer.body, bytes):
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                    return
                self.end_headers()
                try:
                    for chunk in answer.body():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as a capped fetch should

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def endless(
    chunk: bytes, *, until: threading.Event, pause: float = 0.0, most: int | None = None
) -> Iterator[bytes]:
    """`chunk` again and again, one every `pause` seconds (`most` times, then nothing more)
    until `until` is set: a body that has not ended while the test looks at the client."""
    stop = time.monotonic() + HOLD_LIMIT_S
    sent = 0
    while not until.is_set() and time.monotonic() < stop:
        if most is not None and sent >= most:
            until.wait(stop - time.monotonic())
            return
        yield chunk
        sent += 1
        if pause:
            until.wait(pause)
