"""nginx from Debian's package, started on 127.0.0.1 to serve a feed folder for real."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

CONFIG = """
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format feed '$request_uri $status $http_range';
    access_log {dir}/access.log feed;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    def __init__(self, root: Path, work: Path) -> None:
        self.root, self.work, self.port = root, work, free_port()
        work.mkdir(parents=True, exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""
        conf = work / "nginx.conf"
        conf.write_text(
            CONFIG.format(user=user, dir=work, port=self.port, root=root), encoding="utf-8"
        )
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> list[list[str]]:
        """The access log once it has settled: nginx writes a request's line after the
        response has gone out, so a client that reads at once can miss the last one (seen
        on a loaded machine)."""
        path = self.work / "access.log"
        text, deadline = None, time.monotonic() + 3
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = path.read_text(encoding="utf-8") if path.exists() else ""
            if now == text:
                break
            text = now
        return [line.split(" ", 2) for line in (text or "").splitlines()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
