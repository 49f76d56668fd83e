"""Pooled connections the server closed are replaced at checkout, without a ping per request."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import _discard_if_closed
from marketplace.extensions import db

# The pool itself is under test: connections taken, terminated by the server, replaced.
pytestmark = pytest.mark.committing


def _dsn(app: Flask) -> str:
    with app.app_context():
        url = db.engine.url
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _terminate(app: Flask, pid: int) -> None:
    with psycopg.connect(_dsn(app), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


def test_a_healthy_connection_is_kept_and_a_closed_one_discarded(app: Flask) -> None:
    with psycopg.connect(_dsn(app)) as conn:
        conn.execute("SELECT 1")
        conn.rollback()
        _discard_if_closed(conn, None, None)  # idle and alive: kept
        _terminate(app, conn.info.backend_pid)
        with pytest.raises(sa.exc.DisconnectionError):
            _discard_if_closed(conn, None, None)


def test_the_app_survives_the_server_closing_its_pooled_connections(app: Flask) -> None:
    with app.app_context():
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        db.session.remove()  # back to the pool, idle
        with psycopg.connect(_dsn(app), autocommit=True) as admin:  # a restart, an idle timeout
            admin.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        for _ in range(3):  # every pooled connection is dead; each checkout gets a live one
            assert db.session.scalar(sa.text("SELECT 1")) == 1
            assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) != pid
            db.session.remove()


def test_a_read_only_request_leaves_no_autocommit_connection_in_the_pool(app: Flask) -> None:
    from marketplace.transactions import read_only_request

    with app.test_request_context():
        read_only_request()
        raw = db.session.connection().connection.dbapi_connection
        assert raw is not None and raw.autocommit  # no BEGIN, no ROLLBACK
        assert db.session.scalar(sa.text("SELECT 1")) == 1
        db.session.remove()
        assert not raw.autocommit  # reset when it went back to the pool
    with app.test_request_context():
        db.session.execute(sa.text("SELECT 1"))
        read_only_request()  # a transaction has begun: nothing changes
        raw = db.session.connection().connection.dbapi_connection
        assert raw is not None and not raw.autocommit
        db.session.remove()
