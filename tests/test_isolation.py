"""The harness itself (tests/conftest.py): every test starts from the migrated, empty database.

The tests of each pair run in file order: the first writes, the second checks it is gone.
"""

from __future__ import annotations

import threading

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.extensions import db
from tests import factories as f
from tests.conftest import ApiClient, _shared, make_app, reset_database

EMAIL = "isolation@exemple.fr"


def _sign_up(api: ApiClient) -> str:
    status, body = api.post(
        "/api/v1/auth/register",
        {"email": EMAIL, "password": f.PASSWORD, "role": "business", "display_name": "Iso"},
    )
    assert status == 201, body
    return str(body["user"]["id"])


def _emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.email)))


def _committed_emails(database_url: str) -> list[str]:
    """What a connection of its own sees: only what was really committed."""
    dsn = sa.make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(dsn.render_as_string(hide_password=False)) as conn:
        return [row[0] for row in conn.execute("SELECT email FROM users")]


# --- savepoint (the default) ----------------------------------------------------------


def test_a_request_commit_is_a_savepoint_release(api: ApiClient, app: Flask, database_url: str):
    _sign_up(api)  # the sign-up commits
    assert _emails(app) == [EMAIL]  # later sessions of the test see it
    assert _committed_emails(database_url) == []  # nothing reached the database for real


def test_the_previous_tests_row_is_gone_and_no_session_is_left(app: Flask, database_url: str):
    assert not db.session.registry.registry  # type: ignore[attr-defined]
    assert _emails(app) == []
    assert _committed_emails(database_url) == []


def test_the_apps_rollback_returns_to_its_savepoint_only(app: Flask):
    with app.app_context():
        f.UserFactory(email=EMAIL)  # committed: the savepoint is released
        db.session.add(User(email=EMAIL, password_hash="x", role=Role.BUSINESS, display_name="B"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert _emails(app) == [EMAIL]


def test_a_read_only_request_reads_inside_the_tests_transaction(api: ApiClient, app: Flask):
    from marketplace.transactions import read_only_request

    user_id = _sign_up(api)
    with app.test_request_context():
        read_only_request()  # AUTOCOMMIT is not applied to the shared connection
        assert str(db.session.scalar(sa.select(User.id).where(User.email == EMAIL))) == user_id
    assert _emails(app) == [EMAIL]


def test_an_app_made_during_the_test_joins_its_transaction(
    api: ApiClient, app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
):
    _sign_up(api)
    late = make_app(database_url, tmp_path_factory)
    assert _emails(late) == [EMAIL]


def test_another_thread_or_connection_is_reported(app: Flask, database_url: str):
    shared = _shared.current
    assert shared is not None

    def query() -> None:
        with app.app_context():
            db.session.execute(sa.text("SELECT 1"))

    thread = threading.Thread(target=query, name="intruder")
    thread.start()
    thread.join()
    assert any("intruder" in problem for problem in shared.problems)
    shared.problems.clear()

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    engine.dispose()
    assert any("other than the test's" in problem for problem in shared.problems)
    shared.problems.clear()  # this test provoked them on purpose


def test_reset_database_empties_it_mid_test(api: ApiClient, app: Flask):
    _sign_up(api)
    with app.app_context():
        f.UserFactory()
        reset_database(app)  # closes this context's session too
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    _sign_up(api)  # the same e-mail again: the first one is really gone
    assert _emails(app) == [EMAIL]


# --- committing ---------------------------------------------------------------------


@pytest.mark.committing
def test_a_committing_test_really_commits(api: ApiClient, database_url: str):
    _sign_up(api)
    assert _committed_emails(database_url) == [EMAIL]


@pytest.mark.committing
def test_the_committed_row_is_gone_in_the_next_test(app: Flask, database_url: str):
    assert not db.session.registry.registry  # type: ignore[attr-defined]
    assert _committed_emails(database_url) == []
    assert _emails(app) == []


@pytest.mark.committing
def test_reset_database_truncates_in_a_committing_test(
    api: ApiClient, app: Flask, database_url: str
):
    _sign_up(api)
    reset_database(app)
    assert _committed_emails(database_url) == []
    _sign_up(api)
    assert _committed_emails(database_url) == [EMAIL]
