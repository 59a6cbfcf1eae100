"""The test PostgreSQL (tests/postgres_server.py): a real server, loopback only, its own folder."""

from __future__ import annotations

from typing import Any

import psycopg


def test_the_server_listens_on_loopback_only_with_its_socket_in_its_own_folder(
    postgres_server: Any, postgres_dsn: str,
) -> None:
    with psycopg.connect(postgres_dsn) as conn:
        settings = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('listen_addresses', 'unix_socket_directories', 'port')").fetchall())
        (database,) = conn.execute("SELECT current_database()").fetchone() or ("",)
    assert settings["listen_addresses"] == "127.0.0.1"
    assert settings["unix_socket_directories"] == str(postgres_server._dir)
    assert int(settings["port"]) == postgres_server.port
    assert database == "whatsapp_async_test"


def test_a_fresh_database_is_empty_and_apart_from_the_shared_one(
    postgres_dsn: str, fresh_postgres_dsn: str,
) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as shared:
        shared.execute("CREATE TABLE IF NOT EXISTS only_here (x int)")
    with psycopg.connect(fresh_postgres_dsn) as fresh:
        found = fresh.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_here'"
        ).fetchone()
    assert found == (0,)
