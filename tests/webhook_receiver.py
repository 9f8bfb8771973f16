"""A webhook receiver on loopback for tests: records what arrives, fails the first N requests on demand."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    delay: float = 0.0  # seconds each answer takes: a slow receiver widens races between dispatchers
    received: list[Received] = field(default_factory=list)
    attempts: int = 0


@contextmanager
def receiver(fail_first: int = 0, delay: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(url="", fail_first=fail_first, delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(state.delay)
            state.attempts += 1
            if state.attempts <= state.fail_first:
                self.send_response(503)
                self.end_headers()
                return
            state.received.append(Received(headers=dict(self.headers.items()), body=body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
