"""The transactional outbox: every change that matters is queued with it, and reaches the index.

These tests use the Elasticsearch app only (the embedded backend reads the database live and
has no outbox).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import ApiClient, make_app
from tests.factories import Deal, mission, secretary  # through the API: the product's writes
from tests.search.conftest import close, configure

# The outbox is drained after commit on its own connection, some apps here are the test's own.
pytestmark = pytest.mark.committing

SECRETARIES = "/api/v1/search/secretaries"


@pytest.fixture
def es_api(es_app: Flask) -> ApiClient:
    return ApiClient(es_app.test_client())


@pytest.fixture
def queued(es_app: Flask) -> Iterator[Flask]:
    """Changes are queued but not drained: the test looks at the outbox itself."""
    es_app.config["SEARCH_DRAIN"] = "off"
    yield es_app
    es_app.config["SEARCH_DRAIN"] = "sync"


@pytest.fixture
def down_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory, index_prefix: str
) -> Iterator[Flask]:
    """The same database and indices, but Elasticsearch at a closed port."""
    application = configure(
        make_app(database_url, tmp_path_factory, ELASTICSEARCH_URL="http://127.0.0.1:9"),
        index_prefix,
    )
    yield application
    close(application)


def outbox(app: Flask) -> list[tuple[str, str, int, str | None]]:
    from marketplace.extensions import db
    from marketplace.search.models import SearchOutbox

    with app.app_context():
        rows = db.session.execute(
            sa.select(
                SearchOutbox.entity,
                SearchOutbox.entity_id,
                SearchOutbox.attempts,
                SearchOutbox.last_error,
            ).order_by(SearchOutbox.id)
        ).all()
        db.session.remove()
    return [(e, str(i), a, err) for e, i, a, err in rows]


def keys(app: Flask) -> set[tuple[str, str]]:
    return {(e, i) for e, i, _a, _err in outbox(app)}


def indexed(app: Flask, entity: str, entity_id: str) -> dict[str, Any] | None:
    from marketplace.search import backend

    with app.app_context():
        search = backend()
        found = search.client.options(ignore_status=404).get(  # type: ignore[attr-defined]
            index=search.alias(entity),
            id=entity_id,  # type: ignore[attr-defined]
        )
    return found.body.get("_source") if found.body.get("found") else None


def drain(app: Flask) -> Any:
    from marketplace.search import services

    with app.app_context():
        return services.drain()


def test_every_change_to_ranking_data_is_queued_with_it(queued: Flask, es_api: ApiClient):
    api = es_api
    deal = Deal(api, through_api=True)  # the sign-ups, her profile, a mission, her bid
    sec, owner = deal.secretary["id"], deal.business["id"]
    mission_id = deal.mission["id"]
    assert {("secretary", sec), ("mission", mission_id)} <= keys(queued)

    def queues(*expected: tuple[str, str]) -> None:
        assert set(expected) <= keys(queued), (expected, keys(queued))

    def reset() -> None:
        drain(queued)
        assert outbox(queued) == []

    reset()
    status, _b = api.patch(
        f"/api/v1/missions/{mission_id}", {"budget_cents": 150_000}, token=deal.business["token"]
    )
    assert status == 200
    queues(("mission", mission_id))

    reset()
    deal.hire()  # the mission leaves `open` with a guarded UPDATE, a contract is made
    queues(("mission", mission_id), ("secretary", sec))
    for action, who in (("fund", "business"), ("deliver", "secretary"), ("approve", "business")):
        reset()
        code, body = deal.act(action, who)
        assert code == 200, body
        queues(("secretary", sec))  # each status change may change completed contracts

    reset()
    code, body = deal.act("reviews", "business", {"rating": 5, "comment": "Parfait"})
    assert code == 201, body
    queues(("secretary", sec))
    reset()
    code, body = deal.act("reviews", "secretary", {"rating": 4, "comment": "Client clair"})
    assert code == 201, body
    queues(("secretary", sec), ("secretary", owner))  # both published by an UPDATE

    reset()
    other = mission(api, deal.business)
    queues(("mission", other["id"]))
    reset()
    assert api.post(f"/api/v1/missions/{other['id']}/close", token=deal.business["token"])[0] == 200
    queues(("mission", other["id"]))

    from marketplace.accounts.models import User
    from marketplace.extensions import db

    reset()
    with queued.app_context():
        user = db.session.get(User, uuid.UUID(sec))
        user.display_name = "Camille Martin"
        db.session.commit()
    queues(("secretary", sec))
    reset()
    with queued.app_context():
        db.session.get(User, uuid.UUID(sec)).is_suspended = True
        db.session.commit()
    queues(("secretary", sec))


def test_reviews_published_when_the_window_closes_are_queued(queued: Flask, es_api: ApiClient):
    from datetime import timedelta

    from marketplace.db import utcnow
    from marketplace.reviews.services import publish_due

    deal = Deal(es_api).to("released")
    code, _b = deal.act("reviews", "business", {"rating": 3, "comment": "Correct"})
    assert code == 201
    drain(queued)
    with queued.app_context():
        assert publish_due(utcnow() + timedelta(days=30)) == 1
    assert ("secretary", deal.secretary["id"]) in keys(queued)


def test_the_index_follows_the_database(es_app: Flask, es_api: ApiClient):
    deal = Deal(es_api)
    sec = deal.secretary["id"]
    assert indexed(es_app, "secretary", sec)["completed_contracts"] == 0
    assert indexed(es_app, "mission", deal.mission["id"]) is not None
    deal.hire()
    assert indexed(es_app, "mission", deal.mission["id"]) is None  # no longer open
    for action, who in (("fund", "business"), ("deliver", "secretary"), ("approve", "business")):
        assert deal.act(action, who)[0] == 200
    deal.act("reviews", "business", {"rating": 5, "comment": "Parfait"})
    deal.act("reviews", "secretary", {"rating": 5, "comment": "Parfait"})
    doc = indexed(es_app, "secretary", sec)
    assert doc["completed_contracts"] == 1 and doc["rating_count"] == 1
    assert doc["card"]["rating_avg"] == 5.0
    assert outbox(es_app) == []


def test_the_embedded_backend_writes_no_outbox(app: Flask, api: Any):
    secretary(api)
    assert outbox(app) == []


def test_rolled_back_changes_are_never_queued_nor_indexed(es_app: Flask, es_api: ApiClient):
    from marketplace.extensions import db
    from marketplace.profiles.models import SecretaryProfile

    sec = secretary(es_api, headline="Secrétaire médicale")
    with es_app.app_context():
        profile = db.session.get(SecretaryProfile, uuid.UUID(sec["id"]))
        profile.headline = "Jamais enregistré"
        db.session.flush()
        assert len(outbox(es_app)) == 0  # the other connection does not see it
        db.session.rollback()
    assert outbox(es_app) == []
    assert indexed(es_app, "secretary", sec["id"])["card"]["headline"] == "Secrétaire médicale"


def test_changes_wait_while_elasticsearch_is_down_then_are_applied(es_app: Flask, down_app: Flask):
    down_api = ApiClient(down_app.test_client())
    sec = secretary(down_api, headline="Indexée plus tard")  # commits; the drain fails
    rows = outbox(down_app)
    assert ("secretary", sec["id"]) in {(e, i) for e, i, _a, _err in rows}
    assert all(attempts >= 1 and error for _e, _i, attempts, error in rows)
    assert indexed(es_app, "secretary", sec["id"]) is None

    result = down_app.test_cli_runner().invoke(args=["search", "drain"])
    assert result.exit_code != 0 and "still pending" in result.output
    status = down_app.test_cli_runner().invoke(args=["search", "status"])
    assert "DOWN" in status.output and "pending" in status.output

    result = es_app.test_cli_runner().invoke(args=["search", "drain"])  # Elasticsearch is back
    assert result.exit_code == 0, result.output
    assert outbox(es_app) == []
    assert indexed(es_app, "secretary", sec["id"])["card"]["headline"] == "Indexée plus tard"


def test_the_background_drain_retries_until_elasticsearch_answers(es_app: Flask, down_app: Flask):
    from marketplace.search import backend_for

    down_app.config["SEARCH_DRAIN"] = "thread"
    try:
        sec = secretary(ApiClient(down_app.test_client()))  # the thread tries, fails, backs off
        deadline = time.monotonic() + 5
        while not any(a for _e, _i, a, _err in outbox(down_app)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox(down_app) and indexed(es_app, "secretary", sec["id"]) is None
        # Elasticsearch "comes back": the same backend object now reaches the real node.
        real = backend_for(es_app)
        search = backend_for(down_app)
        search.url, search._client = real.url, None  # type: ignore[attr-defined]
        deadline = time.monotonic() + 15
        while outbox(down_app) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert outbox(down_app) == []
    finally:
        down_app.extensions["search_drainer"].stop()
    with es_app.app_context():
        real.client.indices.refresh(index=real.alias("secretary"))  # type: ignore[attr-defined]
    assert indexed(es_app, "secretary", sec["id"]) is not None


def test_reindex_swaps_the_alias_and_search_never_goes_empty(es_app: Flask, es_api: ApiClient):
    from marketplace.search import backend

    for _ in range(12):
        secretary(es_api)
    with es_app.app_context():
        search = backend()
        client, alias = search.client, search.alias("secretary")  # type: ignore[attr-defined]
        before = sorted(client.indices.get_alias(name=alias).body)
    counts: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            counts.append(int(client.count(index=alias)["count"]))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = es_app.test_cli_runner().invoke(args=["search", "reindex"])
    finally:
        stop.set()
        watcher.join()
    assert result.exit_code == 0, result.output
    assert "12 document(s)" in result.output
    after = sorted(client.indices.get_alias(name=alias).body)
    assert len(after) == 1 and after != before
    assert not client.indices.exists(index=before[0])  # the old index is gone
    assert counts and min(counts) == 12, "search saw an empty or partial index"
    _s, body = es_api.get(SECRETARIES)
    assert body["total"] == 12


def test_reindex_on_the_embedded_backend_says_there_is_nothing_to_do(app: Flask):
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "nothing to rebuild" in result.output


def test_search_answers_503_while_elasticsearch_is_down(down_app: Flask):
    client = down_app.test_client()
    response = client.get(SECRETARIES)
    assert response.status_code == 503
    assert response.get_json()["error"] == "search_unavailable"
    page = client.get("/recherche")
    assert page.status_code == 503
    assert "momentanément indisponible" in page.get_data(as_text=True)
