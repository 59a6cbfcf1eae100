"""A real PostgreSQL server on a free loopback port, for the PostgreSQL journal tests.

It is Debian's build (``/usr/lib/postgresql/<version>/bin``): ``initdb`` makes
a cluster in a temporary folder, ``postgres`` serves it on 127.0.0.1 only (its
unix socket in the same folder, never the system's), with trust
authentication for the ``postgres`` role and ``fsync`` off (the tests check
what the journal commits, not the disk). PostgreSQL refuses to run as root,
so under root both run as the ``postgres`` user, which owns the folder.
Closing stops the server and removes the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support import free_port

__all__ = ["POSTGRES_BIN", "PostgresServer", "postgres_missing"]


def _find_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb`` and ``postgres``."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [p for p in found if (p / "postgres").exists()]
    if not found:
        return None
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


POSTGRES_BIN = _find_bin()

#: What to install when the server or the driver is missing.
_INSTALL_HINT = ("the PostgreSQL journal tests need a real server and psycopg: "
                 "apt-get install postgresql; pip install 'whatsapp-async[postgres]'")


def postgres_missing() -> str | None:
    """Why the server cannot be started here, or None when it can."""
    if POSTGRES_BIN is None:
        return f"no /usr/lib/postgresql/*/bin/initdb ({_INSTALL_HINT})"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return f"psycopg is not installed ({_INSTALL_HINT})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run the server as"
    return None


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, served on a free loopback port.

    Attributes:
        port: The TCP port on 127.0.0.1.
        database: The database made for the tests.
        dsn: ``postgresql://postgres@127.0.0.1:<port>/<database>``.
    """

    def __init__(self, database: str = "whatsapp_async_test") -> None:
        if POSTGRES_BIN is None:
            raise RuntimeError(_INSTALL_HINT)
        self.port = free_port()
        self.database = database
        self.dsn = self.dsn_for(database)
        self._dir = Path(tempfile.mkdtemp(prefix="wa-postgres-"))
        self._data = self._dir / "data"
        self._proc: subprocess.Popen[bytes] | None = None
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self._dir, user.pw_uid, user.pw_gid)
            # Popen's user/group drop root in the child before exec (no preexec_fn needed).
            self._as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def dsn_for(self, database: str) -> str:
        """The DSN of another database of this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, timeout: float = 60.0) -> None:
        """Make the cluster, start the server and create :attr:`database`.

        Raises:
            RuntimeError: ``initdb`` failed or the server did not answer in time.
        """
        assert POSTGRES_BIN is not None
        log = self._dir / "server.log"
        done = subprocess.run(
            [str(POSTGRES_BIN / "initdb"), "-D", str(self._data), "-U", "postgres",
             "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            capture_output=True, text=True, check=False, **self._as,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}): {done.stderr.strip()}")
        with log.open("ab") as out:
            self._proc = subprocess.Popen(
                [str(POSTGRES_BIN / "postgres"), "-D", str(self._data), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self._dir}",
                 "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off", "-c", "max_connections=100"],
                stdout=out, stderr=subprocess.STDOUT, **self._as,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self._proc.returncode}: "
                                   f"{log.read_text(errors='replace')[-2000:]}")
            if self._answers():
                self.create_database(self.database)
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"postgres did not answer on port {self.port}")

    def _answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.dsn_for("postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def create_database(self, name: str) -> str:
        """Create database ``name`` (a plain identifier) and return its DSN."""
        import psycopg

        with psycopg.connect(self.dsn_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn_for(name)

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, then exit)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def close(self) -> None:
        """Stop the server and remove its folder."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
