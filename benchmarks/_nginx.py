"""A throwaway nginx on loopback answering the send-message call, for the benchmarks.

It answers ``POST /v*/{id}/messages`` with a real send answer, on one worker,
so the server costs a tenth of what the client does and is never the limit.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

ANSWER = (
    '{"messaging_product":"whatsapp","contacts":[{"input":"15551234567","wa_id":"15551234567"}],'
    '"messages":[{"id":"wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]}'
)

CONFIG = """
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location ~ ^/v[0-9.]+/[^/]+/messages$ {{
            default_type application/json;
            return 200 '{answer}';
        }}
        location / {{ return 404; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    """``argv`` under ``taskset -c cpu`` when there are two cores or more to split."""
    if cpu is None or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return argv
    return ["taskset", "-c", str(cpu), *argv]


@contextmanager
def nginx(cpu: int | None = 1) -> Iterator[int]:
    """Run nginx (pinned to ``cpu``) for the block; yields its port."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="wa-bench-nginx-") as prefix:
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(CONFIG.format(prefix=prefix, port=port, answer=ANSWER))
        process = subprocess.Popen(pinned(cpu, [binary, "-c", path, "-p", prefix]))
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield port
        finally:
            process.terminate()
            process.wait(10)
