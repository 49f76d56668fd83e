"""Search tests run against both backends: embedded (PostgreSQL) and a real Elasticsearch.

Elasticsearch comes from scripts/test (scripts/services/elasticsearch.sh), which exports
ELASTICSEARCH_URL. When it is not set or cannot be reached these tests FAIL: they are never
skipped, so CI cannot go green without having talked to it. Each test run uses its own
index prefix and deletes its indices at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app

ES_URL = os.environ.get("ELASTICSEARCH_URL")
BACKENDS = ("embedded", "elasticsearch")


@pytest.fixture(scope="session")
def es_url() -> str:
    if not ES_URL:
        pytest.fail(
            "ELASTICSEARCH_URL is not set: run the tests with scripts/test, or start "
            "scripts/services/elasticsearch.sh and export its URL",
            pytrace=False,
        )
    from elasticsearch import Elasticsearch

    try:
        health = Elasticsearch(ES_URL, request_timeout=10).cluster.health(timeout="10s")
    except Exception as exc:
        pytest.fail(f"Elasticsearch is not reachable at {ES_URL}: {exc}", pytrace=False)
    assert health["status"] in ("green", "yellow"), health
    return ES_URL


def configure(application: Flask, prefix: str, drain: str = "sync") -> Flask:
    application.config["SEARCH_INDEX_PREFIX"] = prefix
    application.config["SEARCH_DRAIN"] = drain
    return application


@pytest.fixture(scope="session")
def index_prefix() -> str:
    return f"test-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def es_app(
    app: Flask,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    es_url: str,
    index_prefix: str,
) -> Iterator[Flask]:
    """The same database as `app` (already migrated), with the Elasticsearch backend."""
    application = configure(
        make_app(database_url, tmp_path_factory, ELASTICSEARCH_URL=es_url), index_prefix
    )
    yield application
    with application.app_context():
        from marketplace.search import backend

        backend().drop()  # type: ignore[attr-defined]
    close(application)


def close(application: Flask) -> None:
    """Stop its outbox thread and close its pool before the test database is dropped."""
    import gc

    from marketplace.extensions import db

    application.extensions["search_drainer"].stop()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    gc.collect()


@pytest.fixture(autouse=True)
def _empty_index(request: pytest.FixtureRequest) -> Iterator[None]:
    """The database is emptied after each test (tests/conftest.py); so is the index."""
    yield
    if "es_app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("es_app")
    with application.app_context():
        from marketplace.search import backend

        empty_indices(backend())


def empty_indices(search: object) -> None:
    from elasticsearch import helpers

    client = search.client  # type: ignore[attr-defined]
    for entity in ("secretary", "mission"):
        alias = search.alias(entity)  # type: ignore[attr-defined]
        if not client.indices.exists_alias(name=alias):
            continue
        ids = [
            h["_id"]
            for h in helpers.scan(
                client, index=alias, query={"query": {"match_all": {}}}, _source=False
            )
        ]
        if ids:
            helpers.bulk(
                client,
                ({"_op_type": "delete", "_index": alias, "_id": i} for i in ids),
                refresh="true",
                raise_on_error=False,
            )


@pytest.fixture(params=BACKENDS)
def search_app(request: pytest.FixtureRequest, app: Flask) -> Flask:
    """Each test using it runs once per backend."""
    if request.param == "embedded":
        return app
    es: Flask = request.getfixturevalue("es_app")
    return es


@pytest.fixture
def client(search_app: Flask) -> FlaskClient:
    return search_app.test_client()
