"""A real HTTP server on 127.0.0.1 for fetch and fault tests (no mocks of requests).

Each path has a queue of scripted responses; once the queue is down to its last response,
that one repeats. Every request is recorded with its headers.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    # None | "reset" (close the socket without a reply) | "stall" (sleep before replying)
    # | "truncate" (announce the full length, send half) | "bad_gzip" (gzip header, garbage body)
    # | "trickle" (headers at once, then the body one byte every `stall_s`)
    fault: str | None = None
    stall_s: float = 2.0


class FaultServer:
    def __init__(self):
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with server._lock:
                    server.requests.append((self.path, dict(self.headers)))
                    queue = server.routes.get(self.path)
                    reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Reply(404, b"not found")
                server._send(self, reply)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, *replies: Reply) -> str:
        with self._lock:
            self.routes[path] = list(replies)
        return self.url + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.fault == "reset":
            # SO_LINGER 0 makes close() send RST: the client sees a connection reset.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            handler.close_connection = True
            return
        if reply.fault == "stall":
            time.sleep(reply.stall_s)
        body = reply.body
        headers = dict(reply.headers)
        if reply.fault == "bad_gzip":
            headers["Content-Encoding"] = "gzip"
            body = b"\x1f\x8b\x08\x00" + b"this is not deflate data" * 4
        handler.send_response(reply.status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if reply.fault == "trickle":
            try:
                for start in range(len(body)):
                    handler.wfile.write(body[start : start + 1])
                    handler.wfile.flush()
                    time.sleep(reply.stall_s)
            except OSError:
                handler.close_connection = True  # the client gave up
            return
        if reply.fault == "truncate":
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.wfile.write(body)
