"""Test harness: one PostgreSQL database built by the real migrations, each test rolled back.

The database server comes from `scripts/test` (scripts/services/postgres.sh), which exports
TEST_DATABASE_URL. Without it the run stops with an error: tests never fall back to SQLite.

Isolation, two modes (see `_isolated_database`):

* savepoint (the default): the test runs on ONE connection inside a transaction that is
  rolled back at the end. Every app made by `make_app` sends its `db.session` to that
  connection, and the session joins it with `join_transaction_mode="create_savepoint"`,
  so the app's own `commit()` releases a SAVEPOINT and its `rollback()` returns to one.
  Nothing is ever committed; the next test sees the migrated, empty database.
* committing (`@pytest.mark.committing`): real commits, then every table is emptied with
  TRUNCATE. For what one connection cannot show: threads or processes racing on row
  locks, a live server thread, work done after commit on another connection (the search
  outbox drained into Elasticsearch), an app or engine the test makes by itself. The
  browser tests and the Elasticsearch variants are marked by `pytest_collection_modifyitems`;
  other modules mark themselves with `pytestmark`.

A savepoint test that reaches the database from another thread, or through a connection
other than the shared one, fails with a message saying to mark it committing.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.extensions import db
from tests.mail import mailpit

BASE_URL = os.environ.get("TEST_DATABASE_URL")
COMMITTING = "committing"


def _admin_dsn(url: str) -> str:
    return (
        sa.make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if not BASE_URL:
        pytest.exit("TEST_DATABASE_URL is not set: run the tests with scripts/test", returncode=2)
    name = f"mk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin_dsn(BASE_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = sa.make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with psycopg.connect(_admin_dsn(BASE_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url: str, tmp_path_factory: pytest.TempPathFactory, **env: str) -> Flask:
    instance = tmp_path_factory.mktemp("instance")
    environment = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PLATFORM_COMMISSION_PERCENT": "12",
        "ESCROW_AUTO_RELEASE_DAYS": "7",
        "REVIEW_WINDOW_DAYS": "14",
        # The test client's own base URL: links built from PUBLIC_URL stay on this site.
        "PUBLIC_URL": "http://localhost",
        # Jobs wait in the outbox until a test runs them (marketplace.jobs.runner): no thread
        # of the app reaches the test's connection behind its back.
        "JOBS_EMBEDDED": "off",
        # The suite signs in thousands of times from one address; the throttling tests build
        # their own app with RATELIMIT_ENABLED=true (tests/accounts/test_throttling.py).
        "RATELIMIT_ENABLED": "false",
        # Attachments in the test's own folder, not the checkout's instance/files/.
        "STORAGE_URL": f"file://{instance}/files",
        **env,
    }
    app = create_app(
        overrides={
            "TESTING": True,
            # Argon2id still, with a lower cost so hundreds of sign-ups stay fast.
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        },
        env=environment,
    )
    app.instance_path = str(instance)
    _apps.append(app)
    if _shared.current is not None:  # made during a savepoint test (a lazy fixture): join it
        _shared.current.route(app)
    return app


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from flask_migrate import upgrade

    application = make_app(database_url, tmp_path_factory)
    with application.app_context():
        upgrade()  # the real migrations build the schema
    return application


# ----------------------------------------------------------------------------- isolation

# Every app `make_app` built: they all share the test database (and `db.session`).
_apps: list[Flask] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need real commits whatever module they are in."""
    for item in items:
        path = item.path.as_posix()
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if (
            # A live server thread answers the browser.
            "/tests/browser/" in path
            # Elasticsearch variants: the outbox is drained after commit on its own connection.
            or params.get("search_app") == "elasticsearch"
            or "es_app" in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.committing)


class SharedConnection:
    """One connection in a transaction that is rolled back; every app's session joins it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.connection = engine.connect()
        self.transaction = self.connection.begin()
        self.start = self.connection.begin_nested()  # what `reset_database` returns to
        self.thread = threading.get_ident()
        self.problems: list[str] = []
        self._routed: list[tuple[dict[Any, Any], Any]] = []
        sa.event.listen(self.connection, "set_connection_execution_options", self._keep_isolation)
        sa.event.listen(self.connection, "before_cursor_execute", self._same_thread)
        sa.event.listen(sa.pool.Pool, "checkout", self._checkout)
        self._factory_kw = dict(db.session.session_factory.kw)
        # The session's commit() releases a SAVEPOINT, its rollback() goes back to one; the
        # outer transaction stays ours.
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")

    def route(self, app: Flask) -> None:
        """Flask-SQLAlchemy's Session.get_bind ignores a session-level `bind` and picks
        `db.engines[None]` of the current app: that entry becomes the shared connection."""
        with app.app_context():
            engines = db.engines
        self._routed.append((engines, engines[None]))  # type: ignore[arg-type]
        engines[None] = self.connection  # type: ignore[index]

    def restart(self) -> None:
        self.start.rollback()
        self.start = self.connection.begin_nested()

    def _keep_isolation(self, _conn: sa.Connection, opts: dict[str, Any]) -> None:
        # `read_only_request()` asks for AUTOCOMMIT; inside the outer transaction the request
        # simply reads in it (SQLAlchemy 2 lets this event edit the options in place).
        opts.pop("isolation_level", None)

    def _same_thread(self, *_args: Any) -> None:
        if threading.get_ident() != self.thread:
            self.problems.append(
                f"a statement ran in thread {threading.current_thread().name!r}: one "
                "connection cannot serve threads; mark the test @pytest.mark.committing"
            )

    def _checkout(self, _dbapi: Any, _record: Any, _proxy: Any) -> None:
        self.problems.append(
            "a connection other than the test's was taken from a pool (its own engine or app, "
            "or work after commit): it sees none of the test's data; mark the test "
            "@pytest.mark.committing"
        )

    def close(self) -> None:
        sa.event.remove(sa.pool.Pool, "checkout", self._checkout)
        for engines, engine in reversed(self._routed):
            engines[None] = engine
        self._routed.clear()
        db.session.session_factory.kw.clear()
        db.session.session_factory.kw.update(self._factory_kw)
        try:
            if self.transaction.is_active:
                self.transaction.rollback()
        finally:
            self.connection.close()


class _Shared:
    current: SharedConnection | None = None


_shared = _Shared()


def remove_sessions() -> None:
    """Close every session `db.session` still holds, whatever app context made it.

    Flask-SQLAlchemy scopes sessions by the id of the app context; one left behind (a
    context never popped) could be handed to a later context that reuses the id. Only for
    savepoint tests, which run in one thread: in a committing test a live server thread may
    be in the middle of a request with its own session."""
    registry = db.session.registry
    for session in list(registry.registry.values()):
        session.close()
    registry.registry.clear()


def truncate_all(application: Flask) -> None:
    with application.app_context():
        truncate_tables()
        db.session.commit()
        db.session.remove()


def truncate_tables() -> None:
    """Empty every table of the models in the session's transaction (TRUNCATE is
    transactional in PostgreSQL: a rollback gives the rows back)."""
    existing = set(sa.inspect(db.session.connection()).get_table_names()) - {"alembic_version"}
    tables = [t.name for t in db.metadata.sorted_tables if t.name in existing]
    db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


def reset_database(application: Flask) -> None:
    """Empty the database in the middle of a test (each hypothesis example, a second seed):
    back to the savepoint the test began with, or TRUNCATE in a committing test. The
    caller's session is closed first (in a savepoint test, every session)."""
    shared = _shared.current
    if shared is None:
        if has_app_context():
            db.session.remove()  # the caller's own session: the TRUNCATE would wait for it
        truncate_all(application)
    else:
        remove_sessions()
        shared.restart()


@pytest.fixture(autouse=True)
def _isolated_database(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    if request.node.get_closest_marker(COMMITTING):
        yield
        truncate_all(application)
        return
    with application.app_context():
        engine = db.engine
    shared = SharedConnection(engine)
    for each in _apps:
        shared.route(each)
    _shared.current = shared
    try:
        yield
    finally:
        _shared.current = None
        remove_sessions()
        shared.close()
    if shared.problems:
        pytest.fail(shared.problems[0], pytrace=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class ApiClient:
    """Thin JSON client: `api.post(path, json, token=...)` returning (status, body)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(
        self, method: str, path: str, json: Any = None, token: str | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self.client.open(
            path, method=method, json=json, headers=headers, **kwargs
        ) as response:
            # (closing it closes a streamed file, as a WSGI server does after the last byte)
            body = response.get_json(silent=True)
            assert response.status_code < 500, (response.status_code, response.get_data())
            return response.status_code, body

    def get(self, path: str, token: str | None = None, **kw: Any) -> tuple[int, Any]:
        return self.call("GET", path, token=token, **kw)

    def post(
        self, path: str, json: Any = None, token: str | None = None, **kw: Any
    ) -> tuple[int, Any]:
        return self.call("POST", path, json=json if json is not None else {}, token=token, **kw)

    def put(self, path: str, json: Any, token: str | None = None) -> tuple[int, Any]:
        return self.call("PUT", path, json=json, token=token)

    def patch(self, path: str, json: Any, token: str | None = None) -> tuple[int, Any]:
        return self.call("PATCH", path, json=json, token=token)

    def delete(self, path: str, token: str | None = None) -> tuple[int, Any]:
        return self.call("DELETE", path, token=token)


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


MAIL_PUBLIC_URL = "https://secretaires.example.fr"


@pytest.fixture
def mail_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app sending its e-mails to the real Mailpit (SMTP), its links on MAIL_PUBLIC_URL;
    `app` first: the migrated database, and this app inside the test's transaction."""
    mailpit.check_up()
    return make_app(
        database_url, tmp_path_factory, SMTP_URL=mailpit.SMTP_URL, PUBLIC_URL=MAIL_PUBLIC_URL
    )
