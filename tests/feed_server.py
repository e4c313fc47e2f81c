"""A real HTTP server on 127.0.0.1 that serves a feed folder and injects faults on demand."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Faults:
    statuses: dict[str, list[int]] = field(default_factory=dict)  # path -> codes to answer
    retry_after: str | None = None
    reset_after: dict[str, int] = field(default_factory=dict)  # path -> bytes, then drop (once)
    hang: set[str] = field(default_factory=set)  # paths that never answer
    redirect: dict[str, str] = field(default_factory=dict)  # path -> absolute URL
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    token: str | None = None  # when set, requests without it get 401


class FeedServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults = Faults()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.lstrip("/")
        f = self.faults
        f.requests.append((path, {k.lower(): v for k, v in h.headers.items()}))
        if path in f.hang:
            time.sleep(30)
            return
        if path in f.redirect:
            return self._send(h, 302, b"", {"Location": f.redirect[path]})
        codes = f.statuses.get(path)
        if codes:
            code = codes.pop(0)
            extra = {"Retry-After": f.retry_after} if f.retry_after else {}
            body = b'{"title":"busy"}'
            return self._send(h, code, body, extra)
        if f.token and h.headers.get("Authorization") != f"Bearer {f.token}":
            return self._send(h, 401, b"no")
        file = self.root / path
        if not file.is_file():
            return self._send(h, 404, b"not found")
        data = file.read_bytes()
        etag = '"' + hashlib.md5(data).hexdigest() + '"'
        if h.headers.get("If-None-Match") == etag:
            return self._send(h, 304, b"", {"ETag": etag})
        start = 0
        rng = h.headers.get("Range")
        if rng and h.headers.get("If-Range", etag) == etag and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
        status = 206 if start else 200
        headers = {"ETag": etag, "Accept-Ranges": "bytes"}
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        cut = f.reset_after.pop(path, None)
        if cut is not None:
            h.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(body))}.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body[:cut])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(2)
            return
        self._send(h, status, body, headers)

    @staticmethod
    def _send(h, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        h.send_response(code)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body:
            h.wfile.write(body)
