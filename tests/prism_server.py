"""Stoplight Prism on a free loopback port: an independent check of the wire shapes.

Prism (npm ``@stoplight/prism-cli``) mocks the spec in ``whatsapp_async.testing``
and refuses every request that does not match it, so a conformance test learns
whether the client speaks the spec, not only whether it agrees with the fake.

Prism is installed once into a cache folder (``$PRISM_CACHE_DIR``, default
``~/.cache/whatsapp-async/prism-<version>``) from the npm registry. Its known
quirks and how the tests meet them are listed in ``test_prism_resources.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

from tests.support import free_port
from whatsapp_async.testing import OPENAPI_SPEC

__all__ = ["PRISM_VERSION", "PrismServer", "PrismUnavailable", "prism_missing"]

#: 5.15 and later need Node 24; Debian's Node is 18 or 20.
PRISM_VERSION = "5.14.2"
_CACHE = Path(os.environ.get(
    "PRISM_CACHE_DIR", Path.home() / ".cache" / "whatsapp-async" / f"prism-{PRISM_VERSION}"))


class PrismUnavailable(RuntimeError):
    """Prism could not be installed or started; the message says what to do."""


def prism_missing() -> str | None:
    """Why Prism cannot run here (a sentence the user can act on), or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return ("node/npm not installed: Prism conformance skipped; "
                "`apt-get install nodejs npm` (Node >= 18.20)")
    return None


def _install() -> Path:
    binary = _CACHE / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    _CACHE.parent.mkdir(parents=True, exist_ok=True)
    # Install beside the cache and rename, so a run killed midway leaves no half tree.
    staging = Path(tempfile.mkdtemp(prefix="prism-", dir=_CACHE.parent))
    try:
        done = subprocess.run(
            ["npm", "install", "--prefix", str(staging), "--no-audit", "--no-fund",
             "--no-save", "--loglevel=error", f"@stoplight/prism-cli@{PRISM_VERSION}"],
            capture_output=True, text=True, timeout=600, check=False,
        )
        if done.returncode != 0:
            raise PrismUnavailable(
                f"npm install @stoplight/prism-cli@{PRISM_VERSION} failed (is the npm "
                f"registry reachable?): {done.stderr.strip()[-400:]}")
        if not binary.exists():
            staging.rename(_CACHE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return binary


def _served_spec(folder: Path, spec: Path, last_path: str | None) -> Path:
    """The spec Prism serves: ``spec``, with ``last_path`` moved to the end if given.

    ``GET /<id>`` matches every ``/{some-id}`` path (``/{media-id}`` and
    ``/{phone-number-id}`` in the seed spec), and Prism answers with whichever
    comes last, so a server with the order changed is the only way to reach
    the others.
    """
    if last_path is None:
        return spec
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    paths = document["paths"]
    paths[last_path] = paths.pop(last_path)
    target = folder / f"{spec.stem}.last.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


class PrismServer:
    """One ``prism mock`` process on loopback; ``url`` is the base URL to call."""

    def __init__(self, *, media_last: bool = False, spec: Path | None = None,
                 last_path: str | None = None) -> None:
        self.port = free_port()
        self._spec = OPENAPI_SPEC if spec is None else spec
        self._last_path = "/{media-id}" if media_last else last_path
        self.url = f"http://127.0.0.1:{self.port}"
        self._dir = tempfile.TemporaryDirectory(prefix="wa-prism-")
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        """Install Prism if needed, start it and wait until it answers.

        Raises:
            PrismUnavailable: npm failed, or Prism exited or stayed silent.
        """
        binary = _install()
        spec = _served_spec(Path(self._dir.name), self._spec, self._last_path)
        log = (Path(self._dir.name) / "prism.log").open("wb")
        self._proc = subprocess.Popen(
            [str(binary), "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port),
             str(spec)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise PrismUnavailable(f"prism exited with {self._proc.returncode}: "
                                       f"{self._log_tail()}")
            if self._answers():
                return
            time.sleep(0.1)
        self.close()
        raise PrismUnavailable(f"prism did not answer on port {self.port}: {self._log_tail()}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _log_tail(self) -> str:
        path = Path(self._dir.name) / "prism.log"
        return path.read_text(errors="replace")[-400:] if path.exists() else ""

    def close(self) -> None:
        """Stop Prism (SIGTERM, then SIGKILL after 10 s) and remove its folder."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        self._dir.cleanup()
