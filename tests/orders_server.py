"""A supplier's order service on 127.0.0.1, as CATALOG_FEED.md describes it, that counts the
orders it creates and injects faults on demand (a dropped answer, 503 with Retry-After,
problem+json refusals, a required token)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class OrderFaults:
    drop_after_create: int = 0  # create the order, then close the connection unanswered (n times)
    busy: list[int] = field(default_factory=list)  # statuses to answer before doing anything
    retry_after: str | None = None
    problem: tuple[int, str, str] | None = None  # (status, title, detail) for every POST
    token: str | None = None


class OrderServer:
    def __init__(self) -> None:
        self.faults = OrderFaults()
        self.orders: dict[str, dict] = {}  # order_id -> order
        self.by_key: dict[str, str] = {}  # Idempotency-Key -> order_id
        self.posts: list[dict] = []  # every POST seen: headers and body
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                server._post(self)

            def do_GET(self):
                server._get(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/orders"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def _send(h, status: int, payload: dict, content_type="application/json", extra=None):
        body = json.dumps(payload, ensure_ascii=False).encode()
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(body)

    def _problem(self, h, status: int, title: str, detail: str) -> None:
        problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        self._send(h, status, problem, "application/problem+json")

    def _authorised(self, h) -> bool:
        if self.faults.token and h.headers.get("Authorization") != f"Bearer {self.faults.token}":
            self._problem(h, 401, "Unauthorized", "missing or wrong token")
            return False
        return True

    def _post(self, h) -> None:
        length = int(h.headers.get("Content-Length", 0))
        body = json.loads(h.rfile.read(length) or b"{}")
        key = h.headers.get("Idempotency-Key")
        f = self.faults
        with self._lock:
            self.posts.append({"headers": dict(h.headers), "body": body})
            if f.busy:
                status = f.busy.pop(0)
                extra = {"Retry-After": f.retry_after} if f.retry_after else {}
                self._send(h, status, {"title": "busy"}, extra=extra)
                return
        if not self._authorised(h):
            return
        if f.problem:
            self._problem(h, *f.problem)
            return
        if not key:
            self._problem(h, 400, "Idempotency-Key required", "send the order's uuid")
            return
        with self._lock:
            created = key not in self.by_key
            if created:
                order_id = f"S{len(self.orders) + 1:04d}"
                total = sum(x["packs"] * x["unit_price_fen"] for x in body["lines"])
                self.orders[order_id] = {
                    "order_id": order_id,
                    "status": "accepted",
                    "total_fen": total,
                    "request": body,
                }
                self.by_key[key] = order_id
            order = self.orders[self.by_key[key]]
            drop = f.drop_after_create > 0
            if drop:
                f.drop_after_create -= 1
        if drop:  # the order exists now, but the buyer never hears it
            h.close_connection = True
            h.connection.shutdown(2)
            return
        answer = {k: order[k] for k in ("order_id", "status", "total_fen")}
        self._send(h, 201 if created else 200, answer)

    def _get(self, h) -> None:
        if not self._authorised(h):
            return
        order_id = h.path.rsplit("/", 1)[-1]
        order = self.orders.get(order_id)
        if order is None:
            self._problem(h, 404, "Not found", f"no order {order_id}")
            return
        self._send(h, 200, {k: order[k] for k in ("order_id", "status", "total_fen")})
