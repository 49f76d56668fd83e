"""Test harness: a PostgreSQL database built by the real migrations, emptied between tests.

The database server comes from `scripts/test` (scripts/services/postgres.sh), which exports
TEST_DATABASE_URL. Without it the run stops with an error: tests never fall back to SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app

BASE_URL = os.environ.get("TEST_DATABASE_URL")


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
    return app


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from flask_migrate import upgrade

    application = make_app(database_url, tmp_path_factory)
    with application.app_context():
        upgrade()  # the real migrations build the schema
    return application


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    from marketplace.extensions import db

    with application.app_context():
        existing = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        tables = [t.name for t in db.metadata.sorted_tables if t.name in existing]
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.session.commit()


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
        response = self.client.open(path, method=method, json=json, headers=headers, **kwargs)
        body = response.get_json(silent=True)
        assert response.status_code < 500, (response.status_code, response.get_data(as_text=True))
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


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)
