"""A secretary's "missions pour vous" kept in the cache (search/services.py `missions_for`).

With Elasticsearch the ranking is cached under a key made of her criteria, the language and
the missions' version that the outbox moves on; the missions are read again at each view.
These tests count the ranked searches sent to the real Elasticsearch, and check that every
change a secretary would notice is seen at the next view.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.extensions import cache, db
from marketplace.search import backend, outbox
from marketplace.search import services as search
from tests import factories
from tests.conftest import make_app

pytestmark = pytest.mark.committing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/0")


@pytest.fixture
def searches(es_app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ranked mission searches reached Elasticsearch."""
    sent: list[int] = []
    with es_app.app_context():
        engine = backend()
    real = engine.search_missions

    def counted(*args: Any, **kwargs: Any) -> Any:
        sent.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "search_missions", counted)
    return sent


def _for_you(app: Flask, user_id: str, language: str = "fr") -> list[str]:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        user = db.session.get(User, uuid.UUID(user_id))
        assert user is not None
        titles = [r.mission.title for r in search.missions_for(user)]
        db.session.remove()
        return titles


def test_the_ranking_is_kept_until_something_it_depends_on_changes(
    es_app: Flask, searches: list[int]
) -> None:
    rows = factories.Rows(es_app)
    owner = rows.business()
    her = rows.secretary(headline="Secrétariat médical à distance", skills=[])
    rows.mission(owner, title="Agenda d'un cabinet de cardiologie", skills=[])

    first = _for_you(es_app, her["id"])
    assert first == ["Agenda d'un cabinet de cardiologie"]
    assert _for_you(es_app, her["id"]) == first
    assert len(searches) == 1, "the second view is served from the cache"

    # A new mission: the outbox writes it to the index and moves the missions' version on.
    rows.mission(owner, title="Comptes rendus d'un cabinet de radiologie", skills=[])
    second = _for_you(es_app, her["id"])
    assert len(searches) == 2
    assert set(second) == {
        "Agenda d'un cabinet de cardiologie",
        "Comptes rendus d'un cabinet de radiologie",
    }

    # Her profile changes: another key.
    with es_app.app_context():
        from marketplace.profiles.models import SecretaryProfile

        profile = db.session.get(SecretaryProfile, uuid.UUID(her["id"]))
        assert profile is not None
        profile.headline = "Secrétaire médicale, radiologie"
        db.session.commit()
        db.session.remove()
    _for_you(es_app, her["id"])
    assert len(searches) == 3

    # In English, the reasons are another language's: another key.
    _for_you(es_app, her["id"], "en")
    assert len(searches) == 4


def test_a_mission_closed_since_is_left_out_of_the_kept_ranking(
    es_app: Flask, searches: list[int]
) -> None:
    rows = factories.Rows(es_app)
    owner = rows.business()
    her = rows.secretary(headline="Secrétariat médical à distance", skills=[])
    kept = rows.mission(owner, title="Agenda d'un cabinet de cardiologie", skills=[])
    gone = rows.mission(owner, title="Accueil d'un cabinet de pédiatrie", skills=[])
    assert set(_for_you(es_app, her["id"])) == {kept["title"], gone["title"]}
    # Closed behind the outbox's back (plain SQL): the index and the version stay as they
    # were, and the cached ranking still names it; the view reads the missions again.
    with es_app.app_context():
        db.session.execute(
            sa.text("UPDATE missions SET status = 'closed' WHERE id = :id"),
            {"id": uuid.UUID(gone["id"])},
        )
        db.session.commit()
        db.session.remove()
    assert _for_you(es_app, her["id"]) == [kept["title"]]
    assert len(searches) == 1


@pytest.fixture
def redis_apps(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Flask]]:
    """Two apps as two processes would be, on one Redis cache (the real server)."""
    first, second = (
        make_app(database_url, tmp_path_factory, CACHE_URL=REDIS_URL) for _ in range(2)
    )
    yield first, second
    with first.app_context():
        cache.clear()


def test_with_redis_every_process_sees_the_missions_change(
    redis_apps: tuple[Flask, Flask],
) -> None:
    first, second = redis_apps
    with first.app_context():
        assert type(cache.cache).__name__ == "RedisCache"
        before = outbox.missions_version()
    with second.app_context():
        assert outbox.missions_version() == before, "one version for both"
        outbox.missions_changed()
        after = outbox.missions_version()
    assert after != before
    with first.app_context():
        assert outbox.missions_version() == after, "the other process sees it at once"
